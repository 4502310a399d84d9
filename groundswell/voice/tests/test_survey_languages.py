"""The public survey page in the customer's language: the built-in question, the comment prompt
and the button are translated, for each kind (CES in its CES 2.0 wording)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from groundswell.people.models import Team
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db

# (kind, language): strings the page must show, and English it must not.
EXPECTED = {
    ("ces", "de"): [
        "Wie sehr stimmen Sie dieser Aussage zu: Das Unternehmen hat es mir leicht gemacht, "
        "mein Anliegen zu erledigen.",
        "Stimme überhaupt nicht zu",
        "Stimme voll und ganz zu",
        "Antwort senden",
    ],
    ("ces", "es"): [
        "¿En qué medida está de acuerdo con esta afirmación? La empresa me facilitó resolver "
        "mi problema.",
        "Totalmente en desacuerdo",
        "Enviar mi respuesta",
    ],
    ("ces", "fr"): [
        "facilité la résolution de mon problème.",
        "Pas du tout d\N{RIGHT SINGLE QUOTATION MARK}accord",
        "Envoyer ma réponse",
    ],
    ("csat", "de"): ["Wie zufrieden sind Sie mit der Hilfe, die Sie erhalten haben?"],
    ("nps", "fr"): ["recommandiez", "Envoyer ma réponse"],
}
ENGLISH = [
    "What could we",
    "What is the main reason",
    "Send my answer",
    "made it easy",
    "Strongly",
    "How ",
]


@pytest.mark.parametrize(("kind", "language"), list(EXPECTED))
def test_the_survey_page_speaks_the_customers_language(
    kind: str, language: str, team_alpha: Team, client: Client
) -> None:
    cache.clear()
    customer = make_customer(language=language)
    invitation, token = make_invitation(make_interaction(team_alpha, customer=customer), kind=kind)
    assert invitation.language == language

    page = client.get(f"/s/{token}").content.decode()

    for text in EXPECTED[(kind, language)]:
        assert text in page, text
    with translation.override(language):
        prompt = gettext(invitation.version.comment_prompt)
    assert prompt != invitation.version.comment_prompt
    assert escape(prompt) in page
    for english in ENGLISH:
        assert english not in page, english
