"""The public survey page /s/<token>: what a customer (or a mail scanner) can and cannot do."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groundswell.voice.invitations import services
from groundswell.voice.models import FollowUp, Invitation, Response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invitation(team_alpha, agent):
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    return make_invitation(interaction)


def url(token, suffix=""):
    return f"/s/{token}{suffix}"


def test_a_one_click_link_preselects_the_score_and_records_nothing(invitation, client):
    invite, token = invitation

    page = client.get(url(token), {"score": 4})

    assert page.status_code == 200
    assert 'value="4" checked' in page.text
    assert page.text.count("checked") == 1
    assert Response.objects.count() == 0
    invite.refresh_from_db()
    assert invite.opened_at is not None
    assert "How satisfied are you with the help you received?" in page.text
    assert "<fieldset" in page.text
    assert "<legend>" in page.text


def test_the_page_takes_one_query_to_show(invitation, client, django_assert_num_queries):
    _invite, token = invitation
    client.get(url(token))  # first opening also notes the time

    with django_assert_num_queries(1):
        assert client.get(url(token), {"score": 2}).status_code == 200


@pytest.mark.parametrize("score", ["99", "-1", "abc", ""])
def test_a_nonsense_score_in_the_link_preselects_nothing(score, invitation, client):
    page = client.get(url(invitation[1]), {"score": score})

    assert page.status_code == 200
    assert "checked" not in page.text


def test_submitting_records_the_answer_and_thanks_the_customer(invitation, client, agent):
    invite, token = invitation

    response = client.post(url(token), {"score": "5", "comment": "Lovely", "reasons": ["speed"]})

    assert response.status_code == 303
    assert response.url == url(token, "/thanks")
    answer = Response.objects.get()
    assert (answer.invitation_id, answer.score, answer.comment) == (invite.pk, 5, "Lovely")
    assert answer.reasons == ["speed"]
    assert (answer.team_id, answer.agent_id, answer.channel, answer.kind) == (
        invite.interaction.team_id,
        agent.pk,
        "email",
        "csat",
    )
    assert answer.is_compliment
    assert not answer.is_poor
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "Thank you for your answer" in thanks.text


def test_the_submission_path_is_one_lookup_and_one_insert(invitation, client):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(invitation[1]), {"score": "4", "comment": "Fine"})

    assert response.status_code == 303
    statements = [
        " ".join(q["sql"].split()[:2])
        for q in queries.captured_queries
        if q["sql"].split()[0] not in ("SAVEPOINT", "RELEASE")
    ]
    # PostgreSQL runs both as statements prepared once per session (core.lib.prepared).
    if connection.vendor == "postgresql":
        assert [s.split("(")[0] for s in statements] == [
            f"EXECUTE {services._INVITATION_BY_HASH.statement_name}",
            f"EXECUTE {services._INSERT_RESPONSE.statement_name}",
        ]
    else:
        assert [s.split()[0] for s in statements] == ["SELECT", "INSERT"]


def test_the_url_with_a_trailing_slash_works_without_a_redirect(invitation, client):
    response = client.post(url(invitation[1], "/"), {"score": "3"})

    assert response.status_code == 303
    assert Response.objects.count() == 1


def test_resubmitting_within_the_window_changes_the_answer(invitation, client):
    _invite, token = invitation
    client.post(url(token), {"score": "2", "comment": "Slow"})

    again = client.post(url(token), {"score": "4", "comment": "Actually fine"})

    assert again.status_code == 303
    answer = Response.objects.get()
    assert (answer.score, answer.comment) == (4, "Actually fine")
    page = client.get(url(token))
    assert 'value="4" checked' in page.text
    assert "Actually fine" in page.text


def test_after_the_window_the_answer_is_final(invitation, client):
    _invite, token = invitation
    client.post(url(token), {"score": "2"})
    Response.objects.update(submitted_at=timezone.now() - datetime.timedelta(minutes=31))

    again = client.post(url(token), {"score": "5"})
    page = client.get(url(token))

    assert again.status_code == 409
    assert "You have already answered" in again.text
    assert Response.objects.get().score == 2
    assert page.status_code == 200
    assert "You have already answered" in page.text


def test_unknown_and_expired_links_get_the_same_friendly_page(invitation, client, team_alpha):
    expired_invite, expired = make_invitation(
        make_interaction(team_alpha, customer=make_customer()),
        expires_in=datetime.timedelta(seconds=-1),
    )

    unknown_page = client.get(url("x" * 32))
    expired_page = client.get(url(expired), {"score": 3})
    unknown_post = client.post(url("x" * 32), {"score": "3"})
    expired_post = client.post(url(expired), {"score": "3"})
    too_long = client.get(url("y" * 300))

    assert {p.status_code for p in (unknown_page, expired_page, unknown_post, expired_post)} == {
        404
    }
    assert unknown_page.text == expired_page.text == unknown_post.text == expired_post.text
    assert "This link is not available" in unknown_page.text
    assert too_long.status_code == 404
    assert Response.objects.count() == 0
    expired_invite.refresh_from_db()
    assert expired_invite.opened_at is None


@pytest.mark.parametrize("score", ["0", "6", "-3", "2.5", "five", ""])
def test_a_score_off_the_scale_is_refused_with_a_clear_error(score, invitation, client):
    response = client.post(url(invitation[1]), {"score": score, "comment": "kept"})

    assert response.status_code == 400
    assert "Choose a score" in response.text
    assert 'id="score-error"' in response.text
    assert "kept" in response.text  # the comment is not lost
    assert Response.objects.count() == 0


def test_a_100kb_comment_is_refused_and_nothing_is_stored(invitation, client):
    response = client.post(url(invitation[1]), {"score": "3", "comment": "a" * 100_000})

    assert response.status_code == 400
    assert "Please keep the comment under 5000 characters." in response.text
    assert "a" * 5001 not in response.text
    assert Response.objects.count() == 0


def test_a_script_in_a_comment_is_stored_as_text_and_shown_escaped(
    invitation, client, client_for, team_lead, django_capture_on_commit_callbacks
):
    _invite, token = invitation
    script = "<script>alert('x')</script>"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(token), {"score": "1", "comment": script})

    assert Response.objects.get().comment == script
    page = client.get(url(token))
    assert script not in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    follow_up = FollowUp.objects.get()
    staff_page = client_for(team_lead).get(follow_up.get_absolute_url())
    assert script not in staff_page.text
    assert "&lt;script&gt;" in staff_page.text


def test_an_unknown_reason_code_is_refused(invitation, client):
    response = client.post(url(invitation[1]), {"score": "3", "reasons": ["bribery"]})

    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_submissions_must_carry_the_csrf_token(invitation):
    strict = Client(enforce_csrf_checks=True)
    token = invitation[1]

    refused = strict.post(url(token), {"score": "4"})
    page = strict.get(url(token))
    csrf = page.cookies["csrftoken"].value
    accepted = strict.post(url(token), {"score": "4", "csrfmiddlewaretoken": csrf})

    assert refused.status_code == 403
    assert accepted.status_code == 303
    assert Response.objects.count() == 1


def test_too_many_submissions_from_one_address_are_slowed_down(
    invitation, client, settings, team_alpha
):
    settings.GROUNDSWELL_SURVEY_POSTS_PER_MINUTE = 3
    other = Client(REMOTE_ADDR="10.0.0.9")
    token = invitation[1]

    statuses = [client.post(url(token), {"score": "4"}).status_code for _ in range(4)]
    elsewhere = other.post(url(token), {"score": "5"})

    assert statuses == [303, 303, 303, 429]
    assert elsewhere.status_code == 303
    blocked = client.post(url(token), {"score": "4"})
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "60"
    assert "Please wait a moment" in blocked.text


def test_behind_a_proxy_the_forwarded_address_is_limited(invitation, settings):
    settings.GROUNDSWELL_SURVEY_POSTS_PER_MINUTE = 1
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = Client()
    token = invitation[1]

    first = proxy.post(url(token), {"score": "4"}, headers={"X-Forwarded-For": "203.0.113.1"})
    second = proxy.post(url(token), {"score": "4"}, headers={"X-Forwarded-For": "203.0.113.2"})
    third = proxy.post(url(token), {"score": "4"}, headers={"X-Forwarded-For": "203.0.113.1"})

    assert (first.status_code, second.status_code, third.status_code) == (303, 303, 429)


@pytest.mark.parametrize(
    ("language", "question", "button"),
    [
        ("es", "¿Qué tan satisfecho está con la ayuda que recibió?", "Enviar mi respuesta"),
        ("fr", "Êtes-vous satisfait de l&#x27;aide que vous avez reçue ?", "Envoyer ma réponse"),
        ("de", "Wie zufrieden sind Sie mit der Hilfe, die Sie erhalten haben?", "Antwort senden"),
    ],
)
def test_the_page_speaks_the_customers_language(language, question, button, team_alpha, client):
    interaction = make_interaction(team_alpha, customer=make_customer(language=language))
    _invite, token = make_invitation(interaction)

    page = client.get(url(token))
    refused = client.post(url(token), {"score": "9"})

    assert f'<html lang="{language}">' in page.text
    assert question in page.text
    assert button in page.text
    assert refused.status_code == 400
    assert f'<html lang="{language}">' in refused.text


@pytest.mark.parametrize(("kind", "low", "high"), [("nps", 0, 10), ("ces", 1, 7)])
def test_the_scale_follows_the_survey_kind(kind, low, high, team_alpha, client):
    _invite, token = make_invitation(
        make_interaction(team_alpha, customer=make_customer()), kind=kind
    )

    page = client.get(url(token))

    assert f'id="score-{low}"' in page.text
    assert f'id="score-{high}"' in page.text
    assert f'id="score-{low - 1}"' not in page.text
    assert f'id="score-{high + 1}"' not in page.text
    assert client.post(url(token), {"score": str(high)}).status_code == 303


def test_the_thanks_page_before_any_answer_leads_back_to_the_question(invitation, client):
    response = client.get(url(invitation[1], "/thanks"))

    assert response.status_code == 302
    assert response.url == url(invitation[1])


def test_answers_are_recorded_only_through_the_service_rules(invitation):
    invite, _token = invitation
    found = services.find_invitation(_token)

    services.record_response(found, score=3)
    with pytest.raises(services.AlreadyAnswered):
        services.record_response(
            Invitation.objects.get(pk=invite.pk),
            score=4,
            now=timezone.now() + datetime.timedelta(minutes=45),
        )
    assert Response.objects.get().score == 3
