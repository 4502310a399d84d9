"""Refresher reminders: once per person and course cycle through the task queue, safe when two
runs race; the per-team overdue list for leads."""

import datetime
from functools import partial

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from groundswell.core.tests.workers import retry_when_locked, run_together
from groundswell.learning import reminders, services, tasks
from groundswell.learning.models import Course, RefresherReminder


@pytest.fixture
def course(customer_service):
    return Course.objects.create(
        department=customer_service,
        title="Serving customers of every ability",
        content="Ask, then adapt.",
        refresher_months=12,
    )


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def test_overdue_and_soon_due_people_are_mailed_once_per_cycle(
    team_lead, manager, agent, other_agent, course
):
    services.record_completion(
        actor=team_lead, course=course, person=agent, completed_on=days_ago(400)
    )
    # Runs out in about 15 days: reminded ahead.
    services.record_completion(
        actor=manager, course=course, person=team_lead, completed_on=days_ago(350)
    )
    # Renewed lately: nothing to say.
    services.record_completion(actor=manager, course=course, person=other_agent)

    assert tasks.send_refresher_reminders.enqueue().return_value == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agent.email, team_lead.email])
    to_agent = next(m for m in mail.outbox if m.to == [agent.email])
    assert "overdue" in to_agent.subject
    assert course.title in to_agent.body
    assert "ran out on" in to_agent.body
    to_lead = next(m for m in mail.outbox if m.to == [team_lead.email])
    assert "due soon" in to_lead.subject
    assert "runs out on" in to_lead.body

    # The next days: the same cycle is never mailed again.
    assert tasks.send_refresher_reminders.enqueue().return_value == 0
    assert len(mail.outbox) == 2

    # A renewal that ran out again is a new cycle, and a new mail.
    services.record_completion(
        actor=team_lead, course=course, person=agent, completed_on=days_ago(380)
    )
    tasks.send_refresher_reminders.enqueue()
    assert [m.to for m in mail.outbox[2:]] == [[agent.email]]
    assert RefresherReminder.objects.filter(sent_at__isnull=False).count() == 3


def test_people_who_left_and_courses_taken_once_get_no_reminder(team_lead, agent, customer_service):
    once = Course.objects.create(department=customer_service, title="History", content="x")
    services.record_completion(
        actor=team_lead, course=once, person=agent, completed_on=days_ago(900)
    )
    every = Course.objects.create(
        department=customer_service, title="Tools", content="x", refresher_months=1
    )
    services.record_completion(
        actor=team_lead, course=every, person=agent, completed_on=days_ago(90)
    )
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    assert tasks.send_refresher_reminders.enqueue().return_value == 0
    assert mail.outbox == []


def test_a_failing_mail_server_gives_the_claim_back(team_lead, agent, course, monkeypatch):
    services.record_completion(
        actor=team_lead, course=course, person=agent, completed_on=days_ago(400)
    )
    reminders.add_reminders()

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(OSError, match="mail server down"):
        reminders.send_reminder(agent.pk)
    assert RefresherReminder.objects.get().claimed_at is None
    monkeypatch.undo()

    assert reminders.send_reminder(agent.pk) == 1
    assert reminders.send_reminder(agent.pk) == 0
    assert len(mail.outbox) == 1


def test_a_claim_held_by_a_worker_is_left_alone_until_its_lease_runs_out(team_lead, agent, course):
    services.record_completion(
        actor=team_lead, course=course, person=agent, completed_on=days_ago(400)
    )
    reminders.add_reminders()
    now = timezone.now()
    assert reminders.claim(agent.pk, now=now)

    assert reminders.waiting_people(now=now) == []
    assert reminders.claim(agent.pk, now=now + datetime.timedelta(seconds=1)) == []
    later = now + datetime.timedelta(hours=1)
    assert reminders.waiting_people(now=later) == [agent.pk]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's shared in-memory test database answers 'locked' to a second writer at once, "
    "even to the hand-back of a claim; the PostgreSQL run of the suite races two real workers",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_mail_each_person_once(org, customer_service):
    course = Course.objects.create(
        department=customer_service, title="Products", content="x", refresher_months=6
    )
    people = [org["agent"], org["team_lead"], org["other_agent"], org["manager"]]
    for person in people:
        services.record_completion(
            actor=org["admin"], course=course, person=person, completed_on=days_ago(300)
        )
    counts: list[int] = []

    def one_run() -> None:
        # What the daily job does, each step retried when SQLite says "locked".
        retry_when_locked(reminders.add_reminders)
        for person_id in retry_when_locked(reminders.waiting_people):
            counts.append(retry_when_locked(partial(reminders.send_reminder, person_id)))

    run_together(one_run)

    assert sum(counts) == len(people)
    addresses = [m.to[0] for m in mail.outbox]
    assert sorted(addresses) == sorted(p.email for p in people)
    assert RefresherReminder.objects.count() == len(people)


def test_a_lead_reads_the_overdue_list_of_one_team(
    team_lead, manager, agent, other_agent, course, client_for, team_alpha, team_beta
):
    services.record_completion(
        actor=team_lead, course=course, person=agent, completed_on=days_ago(400)
    )
    services.record_completion(
        actor=manager, course=course, person=other_agent, completed_on=days_ago(400)
    )
    page = reverse("learning:overdue")

    alpha = client_for(manager).get(page, {"team": team_alpha.pk}).content.decode()
    everyone = client_for(manager).get(page).content.decode()
    lead_alpha = client_for(team_lead).get(page, {"team": team_alpha.pk})
    lead_beta = client_for(team_lead).get(page, {"team": team_beta.pk})
    agent_page = client_for(agent).get(page, {"team": team_alpha.pk})

    assert agent.full_name in alpha
    assert other_agent.full_name not in alpha
    assert agent.full_name in everyone
    assert other_agent.full_name in everyone
    assert lead_alpha.status_code == 200
    assert agent.full_name in lead_alpha.content.decode()
    assert lead_beta.status_code == 400
    assert "no team" in lead_beta.content.decode()
    assert other_agent.full_name not in lead_beta.content.decode()
    assert agent_page.status_code == 400  # an agent records nobody's training
    assert client_for(manager).get(page, {"team": "x"}).status_code == 400


def test_the_overdue_api_narrows_to_a_team(
    team_lead, manager, agent, other_agent, course, client_for, team_alpha, team_beta
):
    services.record_completion(
        actor=team_lead, course=course, person=agent, completed_on=days_ago(400)
    )
    services.record_completion(
        actor=manager, course=course, person=other_agent, completed_on=days_ago(400)
    )
    url = "/api/v1/learning/refreshers/overdue"

    mine = client_for(manager).get(url, {"team": team_beta.pk}).json()
    refused = client_for(team_lead).get(url, {"team": team_beta.pk})

    assert [row["person"] for row in mine["items"]] == [other_agent.pk]
    assert refused.status_code == 422
    assert "no team" in refused.content.decode()
