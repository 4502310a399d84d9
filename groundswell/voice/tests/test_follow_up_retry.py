"""A follow-up closed as "not reached" can be tried again; the earlier try stays on record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groundswell.people.choices import Role
from groundswell.people.tests.factories import PersonFactory
from groundswell.voice.follow_ups import services
from groundswell.voice.invitations import services as invitation_services
from groundswell.voice.models import FollowUp, FollowUpAttempt
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db
# By role, for a follow-up of team Alpha: who may try again (200 on the page, after a
# redirect), who may not (403: executives read it, agents handle no follow-ups), and a lead
# of another team, who cannot see it at all (404).
RETRY = {
    "team_lead": 200,
    "manager": 200,
    "admin": 200,
    "executive": 403,
    "agent": 403,
    "outsider": 403,
    "other_lead": 404,
}


@pytest.fixture
def people(org, team_beta):
    other_lead = PersonFactory.create(
        role=Role.TEAM_LEAD, team=team_beta, department=team_beta.department, with_login=True
    )
    team_beta.lead = other_lead
    team_beta.save(update_fields=["lead"])
    return {**org, "other_lead": other_lead}


@pytest.fixture
def not_reached(team_alpha, team_lead, agent, django_capture_on_commit_callbacks):
    invitation, _token = make_invitation(
        make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_services.record_response(invitation, score=1, comment="Nobody called me back")
    follow_up = FollowUp.objects.get()
    return services.close_follow_up(
        actor=team_lead, follow_up=follow_up, outcome="not_reached", note="Two calls, no answer"
    )


@pytest.mark.parametrize(("role", "status"), RETRY.items())
def test_trying_again_on_the_page_per_role(role, status, people, client_for, not_reached):
    url = reverse("voice:follow-up-retry", args=[not_reached.pk])

    response = client_for(people[role]).post(url, follow=True)

    assert response.status_code == status
    not_reached.refresh_from_db()
    if status == 200:
        assert not_reached.status == "open"
        assert not_reached.outcome == ""
        assert not_reached.due_at > timezone.now()
        [attempt] = FollowUpAttempt.objects.all()
        assert (attempt.outcome, attempt.note) == ("not_reached", "Two calls, no answer")
        assert "Earlier tries" in response.text
        assert "Two calls, no answer" in response.text
        assert "Close the follow-up" in response.text  # open again, with its form
    else:
        assert not_reached.status == "closed"
        assert not FollowUpAttempt.objects.exists()


def test_the_button_is_offered_only_on_a_not_reached_follow_up(
    team_lead, executive, client_for, not_reached
):
    lead_page = client_for(team_lead).get(not_reached.get_absolute_url())
    executive_page = client_for(executive).get(not_reached.get_absolute_url())

    assert "Try again" in lead_page.text
    assert "Try again" not in executive_page.text


def test_a_follow_up_that_reached_the_customer_cannot_be_tried_again(team_lead, not_reached):
    FollowUp.objects.filter(pk=not_reached.pk).update(outcome="reached_resolved")
    not_reached.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.retry_follow_up(actor=team_lead, follow_up=not_reached)

    assert "status" in refused.value.message_dict
    assert FollowUp.objects.get().status == "closed"
    assert not FollowUpAttempt.objects.exists()


def test_each_try_is_kept_and_the_second_can_close_it(team_lead, not_reached):
    again = services.retry_follow_up(actor=team_lead, follow_up=not_reached)
    services.close_follow_up(
        actor=team_lead, follow_up=again, outcome="not_reached", note="Voicemail full"
    )
    again = services.retry_follow_up(actor=team_lead, follow_up=FollowUp.objects.get())
    closed = services.close_follow_up(
        actor=team_lead, follow_up=again, outcome="reached_resolved", note="Sorted"
    )

    assert closed.status == "closed"
    assert list(FollowUpAttempt.objects.values_list("note", flat=True)) == [
        "Two calls, no answer",
        "Voicemail full",
    ]


def test_an_open_follow_up_is_not_tried_again(team_lead, not_reached):
    services.retry_follow_up(actor=team_lead, follow_up=not_reached)

    with pytest.raises(ValidationError):
        services.retry_follow_up(actor=team_lead, follow_up=FollowUp.objects.get())

    assert FollowUpAttempt.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), RETRY.items())
def test_trying_again_over_the_api_per_role(role, status, people, client_for, not_reached):
    response = client_for(people[role]).post(
        f"/api/v1/follow-ups/{not_reached.pk}/retry", content_type="application/json"
    )

    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "open"


def test_the_api_refuses_a_follow_up_that_reached_the_customer(admin, client_for, not_reached):
    FollowUp.objects.filter(pk=not_reached.pk).update(outcome="reached_resolved")

    response = client_for(admin).post(
        f"/api/v1/follow-ups/{not_reached.pk}/retry", content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"
