"""A poor answer's follow-up is emailed to the team's leads, once, and a dead worker loses none.

Who is told: the team's named lead and the team leads among its members who can sign in;
nobody else, however senior (managers, executives and admins see follow-ups on their pages).
The notice is a task with a lease like the invitation's (core/lib/leases.py); the sweep opens
the follow-up of a poor answer whose task was lost and sends a notice nobody sent.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from groundswell.core.lib import leases
from groundswell.people.choices import Role
from groundswell.people.tests.factories import PersonFactory
from groundswell.voice.choices import FollowUpStatus
from groundswell.voice.follow_ups import services as follow_up_services
from groundswell.voice.follow_ups.tasks import (
    finish_stalled_follow_ups,
    notify_leads,
    open_follow_up,
)
from groundswell.voice.invitations import services
from groundswell.voice.models import FollowUp, Response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db


def answer(team, score, *, capture=None, agent=None):
    """A customer's answer about an interaction of `team`; its tasks run when `capture` is
    given, and are lost (never enqueued, as if the worker died) when not."""
    invitation, _token = make_invitation(
        make_interaction(team, customer=make_customer(), handled_by=agent)
    )
    if capture is None:
        return services.record_response(invitation, score=score)
    with capture(execute=True):
        return services.record_response(invitation, score=score)


def long_ago() -> datetime.datetime:
    return timezone.now() - leases.lease() - datetime.timedelta(seconds=1)


@pytest.fixture
def second_lead(team_alpha):
    """A team lead who belongs to Alpha without being its named lead: they handle its
    follow-ups too (people.permissions: a lead's teams are those they lead and their own)."""
    return PersonFactory.create(
        role=Role.TEAM_LEAD,
        email="second.lead@example.test",
        team=team_alpha,
        department=team_alpha.department,
        with_login=True,
    )


def test_a_poor_answer_tells_the_team_leads_and_nobody_else(
    org, second_lead, team_alpha, team_beta, client, django_capture_on_commit_callbacks
):
    beta_lead = PersonFactory.create(
        role=Role.TEAM_LEAD, team=team_beta, department=team_beta.department, with_login=True
    )
    team_beta.lead = beta_lead
    team_beta.save(update_fields=["lead"])
    PersonFactory.create(  # a lead of Alpha who left: not told
        role=Role.TEAM_LEAD, team=team_alpha, department=team_alpha.department, is_active=False
    )
    PersonFactory.create(  # a lead of Alpha without a login: could not open the link
        role=Role.TEAM_LEAD, team=team_alpha, department=team_alpha.department
    )

    response = answer(team_alpha, 1, capture=django_capture_on_commit_callbacks, agent=org["agent"])

    follow_up = FollowUp.objects.get(response=response)
    [notice] = mail.outbox
    assert sorted(notice.to) == sorted([org["team_lead"].email, second_lead.email])
    link = f"http://127.0.0.1:8000/voice/follow-ups/{follow_up.pk}/"
    assert link in str(notice.body)
    assert "Alpha" in notice.subject
    follow_up.refresh_from_db()
    assert follow_up.notice_sent_at is not None
    # Each lead told can open the follow-up from the link.
    for lead in (org["team_lead"], second_lead):
        client.force_login(lead.user)
        assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_a_named_lead_of_another_role_is_told_when_they_may_handle_follow_ups(
    manager, other_agent, team_beta, django_capture_on_commit_callbacks
):
    team_beta.lead = manager  # a manager may handle the follow-ups of their department
    team_beta.save(update_fields=["lead"])
    answer(team_beta, 2, capture=django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [[manager.email]]

    mail.outbox.clear()
    team_beta.lead = other_agent  # an agent named lead could not open it: nobody to tell
    team_beta.save(update_fields=["lead"])
    response = answer(team_beta, 2, capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert FollowUp.objects.get(response=response).notice_sent_at is not None


def test_a_good_answer_tells_nobody(team_lead, team_alpha, django_capture_on_commit_callbacks):
    answer(team_alpha, 5, capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert FollowUp.objects.count() == 0


def test_retries_and_reruns_send_the_notice_once(
    team_lead, team_alpha, django_capture_on_commit_callbacks
):
    response = answer(team_alpha, 1, capture=django_capture_on_commit_callbacks)
    follow_up = FollowUp.objects.get(response=response)
    assert len(mail.outbox) == 1

    assert open_follow_up.call(response.pk) == follow_up.pk  # a retry of the opening
    assert notify_leads.call(follow_up.pk) is False  # a retry of the notice
    assert finish_stalled_follow_ups.call() == {"follow_ups": 0, "notices": 0}
    assert FollowUp.objects.filter(response=response).count() == 1
    assert len(mail.outbox) == 1


def test_a_notice_being_sent_is_not_sent_again_while_its_claim_holds(team_lead, team_alpha):
    response = answer(team_alpha, 1)
    follow_up = follow_up_services.open_follow_up(response.pk)  # its notice task was lost
    assert follow_up is not None
    assert follow_up_services.claim_notice(follow_up.pk) is not None  # a worker took it, died

    assert notify_leads.call(follow_up.pk) is False
    FollowUp.objects.filter(pk=follow_up.pk).update(created_at=long_ago())
    assert finish_stalled_follow_ups.call() == {"follow_ups": 0, "notices": 0}
    assert mail.outbox == []

    FollowUp.objects.filter(pk=follow_up.pk).update(notice_claimed_at=long_ago())
    assert finish_stalled_follow_ups.call() == {"follow_ups": 0, "notices": 1}
    assert [message.to for message in mail.outbox] == [[team_lead.email]]
    assert finish_stalled_follow_ups.call() == {"follow_ups": 0, "notices": 0}
    assert len(mail.outbox) == 1


def test_the_sweep_opens_the_follow_up_of_a_poor_answer_whose_task_was_lost(
    team_lead, team_alpha, django_capture_on_commit_callbacks
):
    response = answer(team_alpha, 1)  # the open_follow_up task never ran
    assert finish_stalled_follow_ups.call() == {"follow_ups": 0, "notices": 0}  # too recent

    Response.objects.filter(pk=response.pk).update(submitted_at=long_ago())
    with django_capture_on_commit_callbacks(execute=True):
        assert finish_stalled_follow_ups.call() == {"follow_ups": 1, "notices": 0}

    assert FollowUp.objects.filter(response=response).count() == 1
    [notice] = mail.outbox  # opening it enqueued its notice, which ran
    assert notice.to == [team_lead.email]
    assert finish_stalled_follow_ups.call() == {"follow_ups": 0, "notices": 0}


def test_a_follow_up_closed_before_its_notice_went_out_is_not_notified(team_lead, team_alpha):
    response = answer(team_alpha, 1)
    follow_up = follow_up_services.open_follow_up(response.pk)
    assert follow_up is not None
    follow_up_services.close_follow_up(
        actor=team_lead, follow_up=follow_up, outcome="reached_resolved", note="Called back."
    )

    assert notify_leads.call(follow_up.pk) is False
    assert mail.outbox == []
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CLOSED
    assert follow_up.notice_sent_at is not None


def test_a_failed_notice_is_given_back_for_a_retry(team_lead, team_alpha, monkeypatch):
    response = answer(team_alpha, 1)
    follow_up = follow_up_services.open_follow_up(response.pk)
    assert follow_up is not None

    def refuse(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(OSError, match="unreachable"):
        notify_leads.call(follow_up.pk)
    follow_up.refresh_from_db()
    assert (follow_up.notice_claimed_at, follow_up.notice_sent_at) == (None, None)
    monkeypatch.undo()

    assert notify_leads.call(follow_up.pk) is True
    [notice] = mail.outbox
    assert re.search(rf"/voice/follow-ups/{follow_up.pk}/", str(notice.body))
