"""The teams a lead leads: loaded with the person, kept on it, and a change of lead seen at once.

`permissions.team_ids_led_by` reads a person's led teams once per Person object (each request
loads its person afresh, with them in the same query); a change of lead made in this process
is seen at once even by people already loaded, and one made anywhere by the next request.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groundswell.people import services
from groundswell.people.backends import active_person_of_user
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can, team_ids_led_by
from groundswell.people.tests.factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    """Team Home (where two leads work), team Other in the same department, an agent in
    Other, and a manager of the department."""
    home = TeamFactory.create(name="Home")
    other = TeamFactory.create(name="Other", department=home.department)
    first = PersonFactory.create(role=Role.TEAM_LEAD, team=home, with_login=True)
    second = PersonFactory(role=Role.TEAM_LEAD, team=home, with_login=True)
    agent = PersonFactory(role=Role.AGENT, team=other)
    manager = PersonFactory(role=Role.MANAGER, team=None, department=home.department)
    other.lead = first
    other.save()
    return {"home": home, "other": other, "first": first, "second": second, "agent": agent,
            "manager": manager}  # fmt: skip


def test_a_person_as_a_request_loads_them_carries_the_teams_they_lead(place) -> None:
    with CaptureQueriesContext(connection) as load:
        first = active_person_of_user(place["first"].user_id)
    assert first is not None
    assert len(load.captured_queries) == 1  # the person and the teams led, in one query
    with CaptureQueriesContext(connection) as checks:
        assert team_ids_led_by(first) == {place["home"].pk, place["other"].pk}
        assert can(first, Action.CHANGE_PERSON, place["agent"])
    assert checks.captured_queries == []


def test_a_person_who_leads_no_team_is_loaded_with_none(place) -> None:
    second = active_person_of_user(place["second"].user_id)
    assert second is not None
    with CaptureQueriesContext(connection) as checks:
        assert team_ids_led_by(second) == {place["home"].pk}  # their own team only
        assert not can(second, Action.CHANGE_PERSON, place["agent"])
    assert checks.captured_queries == []


def test_led_teams_are_read_once_per_person_object(place) -> None:
    first = Person.objects.get(pk=place["first"].pk)  # loaded without them
    with CaptureQueriesContext(connection) as checks:
        for _ in range(3):
            assert can(first, Action.CHANGE_PERSON, place["agent"])
    assert len(checks.captured_queries) == 1


def test_a_change_of_lead_is_seen_at_once_by_people_already_loaded(place) -> None:
    first = active_person_of_user(place["first"].user_id)
    second = active_person_of_user(place["second"].user_id)
    assert first is not None
    assert second is not None
    assert can(first, Action.CHANGE_PERSON, place["agent"])
    assert not can(second, Action.CHANGE_PERSON, place["agent"])

    services.update_team(actor=place["manager"], team=place["other"], lead=place["second"])

    assert not can(first, Action.CHANGE_PERSON, place["agent"])
    assert team_ids_led_by(first) == {place["home"].pk}
    assert can(second, Action.CHANGE_PERSON, place["agent"])
    assert team_ids_led_by(second) == {place["home"].pk, place["other"].pk}


def test_a_team_deleted_or_created_is_seen_at_once(place) -> None:
    first = active_person_of_user(place["first"].user_id)
    assert first is not None
    new = services.create_team(
        actor=place["manager"], department=place["home"].department, name="New", lead=first
    )
    assert new.pk in team_ids_led_by(first)
    new.delete()
    assert team_ids_led_by(first) == {place["home"].pk, place["other"].pk}


def test_a_change_written_elsewhere_is_seen_by_the_next_request(place) -> None:
    """Another process's change sends no signal here (an UPDATE does not either): the person
    the next request loads has the new leadership."""
    Team.objects.filter(pk=place["other"].pk).update(lead=place["second"])
    first = active_person_of_user(place["first"].user_id)
    second = active_person_of_user(place["second"].user_id)
    assert first is not None
    assert second is not None
    assert not can(first, Action.CHANGE_PERSON, place["agent"])
    assert can(second, Action.CHANGE_PERSON, place["agent"])


def _rename(client: Client, person: Person, name: str) -> int:
    response = client.patch(
        f"/api/v1/people/{person.pk}", {"full_name": name}, content_type="application/json"
    )
    return response.status_code


def test_requests_follow_a_change_of_lead_made_between_them(place) -> None:
    first, second = Client(), Client()
    first.force_login(place["first"].user)
    second.force_login(place["second"].user)
    agent = place["agent"]
    assert _rename(first, agent, "Renamed by the lead") == 200
    assert _rename(second, agent, "Not by this one") == 403

    Team.objects.filter(pk=place["other"].pk).update(lead=place["second"])  # no signal

    assert _rename(first, agent, "No longer") == 403
    assert _rename(second, agent, "Now by this one") == 200
    agent.refresh_from_db()
    assert agent.full_name == "Now by this one"
