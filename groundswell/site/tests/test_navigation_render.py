"""The sidebar menu is remembered per distinct menu: each page still marks its own link."""

import pytest
from django.test import override_settings
from django.urls import reverse

from groundswell.core.templatetags import navigation_tags


@pytest.fixture(autouse=True)
def _forget_menus():
    navigation_tags._rendered.clear()


def _current(text):
    """The links marked as the current page."""
    return [
        part.split('"', 2)[1]
        for part in text.split("<a href=")[1:]
        if 'aria-current="page"' in part.split(">", 1)[0]
    ]


def test_each_page_marks_its_own_link(agent, client_for):
    client = client_for(agent)

    assert _current(client.get(reverse("desk:interaction-list")).text) == ["/desk/"]
    assert _current(client.get(reverse("people:person-list")).text) == ["/people/"]
    assert _current(client.get(reverse("site:home")).text) == ["/"]
    assert _current(client.get(reverse("desk:interaction-list")).text) == ["/desk/"]


def test_each_role_gets_its_own_menu(agent, admin, client_for):
    as_admin = client_for(admin).get(reverse("desk:interaction-list")).text
    as_agent = client_for(agent).get(reverse("desk:interaction-list")).text

    assert 'data-area="admin"' in as_admin
    assert 'data-area="admin"' not in as_agent
    assert 'data-area="insights"' not in as_agent


def test_each_language_gets_its_own_menu(agent, client_for):
    client = client_for(agent)

    english = client.get(reverse("desk:interaction-list"), headers={"accept-language": "en"})
    german = client.get(reverse("desk:interaction-list"), headers={"accept-language": "de"})

    assert german.text.count('class="nav-list"') == english.text.count('class="nav-list"')
    assert (
        german.text.split('<nav aria-label="', 1)[1]
        != english.text.split('<nav aria-label="', 1)[1]
    )


def test_the_menu_is_rendered_once_and_then_remembered(agent, client_for):
    client = client_for(agent)
    client.get(reverse("desk:interaction-list"))
    client.get(reverse("desk:interaction-list"))

    assert len(navigation_tags._rendered) == 1


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {
                "debug": True,
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                    "groundswell.site.context_processors.navigation",
                ],
            },
        }
    ]
)
def test_nothing_is_remembered_while_templates_are_debugged(agent, client_for):
    response = client_for(agent).get(reverse("desk:interaction-list"))

    assert 'data-area="desk"' in response.text
    assert navigation_tags._rendered == {}
