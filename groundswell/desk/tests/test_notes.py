"""Internal notes on an interaction: colleagues who may change it write them, everyone who may
see it reads them, on the page and over the API; the requester never sees them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from groundswell.desk import services
from groundswell.desk.models import NOTE_MAX_LENGTH, InteractionNote
from groundswell.desk.tests.factories import CHANGE, VIEW, InteractionFactory

API = "/api/v1"


@pytest.fixture
def alpha_interaction(org, team_alpha):
    return InteractionFactory.create(
        team=team_alpha, handled_by=org["agent"], subject="Lost parcel"
    )


@pytest.mark.parametrize("role", list(CHANGE))
def test_adding_a_note_on_the_page_per_role(role, org, client_for, alpha_interaction):
    url = reverse("desk:note-create", args=[alpha_interaction.pk])

    response = client_for(org[role]).post(
        url, {"body": "Customer prefers a call after 5pm."}, headers={"HX-Request": "true"}
    )

    assert response.status_code == CHANGE[role]
    stored = list(InteractionNote.objects.values_list("body", "author_id"))
    if CHANGE[role] == 200:
        assert stored == [("Customer prefers a call after 5pm.", org[role].pk)]
        assert "Customer prefers a call after 5pm." in response.text
        assert f"Internal note by {org[role].full_name}" in response.text  # on the timeline
    else:
        assert stored == []


@pytest.mark.parametrize("role", list(VIEW))
def test_notes_are_read_by_whoever_sees_the_interaction(role, org, client_for, alpha_interaction):
    services.add_note(actor=org["team_lead"], interaction=alpha_interaction, body="Refund sent")

    response = client_for(org[role]).get(alpha_interaction.get_absolute_url())

    assert response.status_code == VIEW[role]
    if VIEW[role] == 200:
        assert "Refund sent" in response.text
        assert ("Add the note" in response.text) == (CHANGE[role] == 200)


def test_an_empty_note_comes_back_with_its_error_and_stores_nothing(
    agent, client_for, alpha_interaction
):
    url = reverse("desk:note-create", args=[alpha_interaction.pk])

    response = client_for(agent).post(url, {"body": "   "}, headers={"HX-Request": "true"})

    assert response.status_code == 422
    assert "This field is required" in response.text
    assert "<html" not in response.text  # HTMX swaps the body with the form and its error
    assert not InteractionNote.objects.exists()


def test_the_service_refuses_an_overlong_note_naming_the_field(agent, alpha_interaction):
    with pytest.raises(ValidationError) as refused:
        services.add_note(
            actor=agent, interaction=alpha_interaction, body="x" * (NOTE_MAX_LENGTH + 1)
        )

    assert "body" in refused.value.message_dict
    assert not InteractionNote.objects.exists()


def test_the_service_refuses_someone_outside_the_team(other_agent, alpha_interaction):
    with pytest.raises(PermissionDenied):
        services.add_note(actor=other_agent, interaction=alpha_interaction, body="Hello")

    assert not InteractionNote.objects.exists()


@pytest.mark.parametrize("role", list(CHANGE))
def test_notes_over_the_api_per_role(role, org, client_for, alpha_interaction):
    client = client_for(org[role])
    url = f"{API}/interactions/{alpha_interaction.pk}/notes"

    made = client.post(url, {"body": "Escalated to tier 2"}, content_type="application/json")
    listed = client.get(url)

    expected = CHANGE[role]
    assert made.status_code == (201 if expected == 200 else expected)
    assert listed.status_code == VIEW[role]
    if expected == 200:
        assert made.json()["author_id"] == org[role].pk
        assert [note["body"] for note in listed.json()] == ["Escalated to tier 2"]
    elif VIEW[role] == 200:
        assert listed.json() == []


def test_an_empty_note_over_the_api_is_a_422_naming_the_body(admin, client_for, alpha_interaction):
    response = client_for(admin).post(
        f"{API}/interactions/{alpha_interaction.pk}/notes",
        {"body": ""},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    assert not InteractionNote.objects.exists()
