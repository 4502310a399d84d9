import pytest
from django.urls import reverse

from conftest import ROLES
from groundswell.site.navigation import UNBUILT_AREAS

EXPECTED_AREAS = {
    "agent": {"people", "desk", "voice", "pulse", "ideas", "quality", "recognition", "learning"},
    "team_lead": {
        "people",
        "desk",
        "voice",
        "pulse",
        "ideas",
        "quality",
        "recognition",
        "learning",
        "leadership",
        "problems",
    },
}
EXPECTED_AREAS["manager"] = EXPECTED_AREAS["team_lead"] | {"insights"}
EXPECTED_AREAS["executive"] = EXPECTED_AREAS["manager"]
EXPECTED_AREAS["admin"] = EXPECTED_AREAS["manager"]

EXPECTED_SETUP = {
    "agent": [],
    "team_lead": [],
    "manager": ["import"],
    "executive": [],
    "admin": ["import", "api-keys", "admin", "operations"],
}


@pytest.mark.parametrize("role", ROLES)
def test_navigation_shows_the_areas_of_each_role(role, org, client_for):
    response = client_for(org[role]).get(reverse("site:home"))

    shown = {link.slug for link in response.context["main_menu"]}
    assert shown == EXPECTED_AREAS[role]
    assert [link.slug for link in response.context["admin_menu"]] == EXPECTED_SETUP[role]
    for slug in shown:
        assert f'data-area="{slug}"' in response.text


@pytest.mark.parametrize("area", UNBUILT_AREAS, ids=lambda a: a.slug)
def test_unbuilt_area_says_it_is_not_available_yet(area, admin, client_for):
    response = client_for(admin).get(reverse("site:area", args=[area.slug]))

    assert response.status_code == 200
    assert "Not available yet" in response.text
    assert str(area.purpose) in response.text


def test_area_outside_the_role_is_not_found(agent, client_for):
    response = client_for(agent).get(reverse("site:area", args=["insights"]))

    assert response.status_code == 404


def test_unknown_or_built_area_is_not_found(admin, client_for):
    client = client_for(admin)

    assert client.get(reverse("site:area", args=["nonsense"])).status_code == 404
    assert client.get(reverse("site:area", args=["people"])).status_code == 404


def test_area_page_needs_login(client, db):
    response = client.get(reverse("site:area", args=["desk"]))

    assert response.status_code == 302


def test_account_without_person_gets_an_explanation(client, django_user_model):
    user = django_user_model.objects.create_user("loose@example.test", password="x-Y-z-123456")
    client.force_login(user)

    response = client.get(reverse("site:home"))

    assert response.status_code == 403
    assert "not linked to a person" in response.text


def test_deactivated_person_loses_access(agent, client_for):
    client = client_for(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    response = client.get(reverse("site:home"))

    assert response.status_code == 403


def test_healthz_answers_without_login(client, db):
    response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_is_for_admins_only(role, org, client_for):
    person = org[role]
    person.user.is_staff = True  # even a staff flag set by mistake does not open it
    person.user.save(update_fields=["is_staff"])

    response = client_for(person).get("/admin/")

    assert response.status_code == (200 if role == "admin" else 302)


def test_each_area_describes_only_its_own_app():
    """Issue 11, item 6: employee pulses and the culture assessment moved to their own area;
    the customer Voice area no longer claims them."""
    from groundswell.site.navigation import area_by_slug

    voice, pulse = area_by_slug("voice"), area_by_slug("pulse")
    assert voice is not None
    assert pulse is not None
    assert "pulse" not in str(voice.purpose).lower()
    assert "culture" not in str(voice.purpose).lower()
    assert "pulse" in str(pulse.purpose).lower()
