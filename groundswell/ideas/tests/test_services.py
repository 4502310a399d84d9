"""The open door's rules: routing, deadlines, status changes, replies, votes and policies."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from groundswell.ideas import selectors, services, tasks
from groundswell.ideas.choices import IdeaCategory, IdeaKind, IdeaStatus
from groundswell.ideas.models import Comment, Idea, Policy, RoutingRule, StatusChange, Vote
from groundswell.ideas.tests.factories import PolicyFactory
from groundswell.people.choices import Role
from groundswell.people.tests.factories import PersonFactory

MONDAY = datetime.date(2025, 3, 3)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MONDAY, 5, datetime.date(2025, 3, 10)),  # Monday -> next Monday
        (datetime.date(2025, 3, 7), 1, datetime.date(2025, 3, 10)),  # Friday -> Monday
        (datetime.date(2025, 3, 8), 5, datetime.date(2025, 3, 14)),  # Saturday -> Friday
        (datetime.date(2025, 3, 6), 5, datetime.date(2025, 3, 13)),  # Thursday -> Thursday
    ],
)
def test_acknowledgement_deadline_skips_weekends(start, days, expected):
    assert services.add_business_days(start, days) == expected


def test_a_submission_is_due_five_business_days_later(agent, submit):
    idea = submit(agent, today=datetime.date(2025, 3, 7))

    assert idea.acknowledge_by == datetime.date(2025, 3, 14)
    assert idea.status == IdeaStatus.NEW


def test_routing_falls_back_to_the_department_manager(agent, manager, submit):
    assert submit(agent).owner == manager


def test_routing_prefers_the_most_specific_rule(agent, manager, team_lead, admin, submit):
    department = agent.department
    RoutingRule.objects.create(category="", department=None, owner=admin)
    assert submit(agent, category=IdeaCategory.TOOLS).owner == admin
    RoutingRule.objects.create(category="", department=department, owner=manager)
    assert submit(agent, category=IdeaCategory.TOOLS).owner == manager
    RoutingRule.objects.create(category=IdeaCategory.TOOLS, department=department, owner=team_lead)
    assert submit(agent, category=IdeaCategory.TOOLS).owner == team_lead
    assert submit(agent, category=IdeaCategory.TRAINING).owner == manager


def test_a_department_without_a_manager_leaves_the_owner_empty(outsider, submit):
    assert submit(outsider, department=outsider.department).owner is None


def test_policy_friction_needs_a_policy(agent, submit):
    with pytest.raises(ValidationError) as error:
        submit(agent, kind=IdeaKind.POLICY_FRICTION)

    assert "policy" in error.value.message_dict
    assert not Idea.objects.exists()


def test_an_oversized_body_is_refused_and_nothing_is_stored(agent, submit):
    with pytest.raises(ValidationError) as error:
        submit(agent, body="x" * 5001, is_anonymous=True)

    assert "body" in error.value.message_dict
    assert not Idea.objects.exists()


def test_former_staff_cannot_submit(agent, submit):
    agent.is_active = False
    with pytest.raises(PermissionDenied):
        submit(agent)


def test_named_submission_keeps_its_submitter_and_time(agent, submit):
    idea = submit(agent)

    assert idea.submitted_by == agent
    assert not idea.is_anonymous
    assert idea.follow_up_code_hash is None
    assert abs(idea.submitted_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_anonymous_submission_gets_a_code_stored_only_as_a_hash(agent, customer_service):
    submitted = services.submit_idea(
        actor=agent,
        kind=IdeaKind.ISSUE,
        title="Night shift",
        body="Nobody answers the escalation line at night.",
        category=IdeaCategory.WORKPLACE,
        department=customer_service,
        is_anonymous=True,
    )
    idea = Idea.objects.get()
    code = submitted.follow_up_code
    assert code is not None
    assert len(selectors.normalise_code(code)) == 16
    assert idea.follow_up_code_hash == selectors.hash_code(code)
    assert code not in idea.follow_up_code_hash
    assert selectors.find_idea_by_code(code.lower().replace("-", " ")) == idea


def test_statuses_move_along_the_allowed_path(agent, manager, submit):
    idea = submit(agent)
    idea = services.acknowledge(actor=manager, idea=idea)
    assert idea.acknowledged_at is not None
    idea = services.move_status(actor=manager, idea=idea, status=IdeaStatus.UNDER_REVIEW)
    idea = services.move_status(
        actor=manager, idea=idea, status=IdeaStatus.ACCEPTED, note="We will try it."
    )
    idea = services.move_status(
        actor=manager, idea=idea, status=IdeaStatus.DONE, note="Agents refund up to 20 EUR."
    )

    assert idea.status == IdeaStatus.DONE
    assert idea.outcome == "Agents refund up to 20 EUR."
    assert list(StatusChange.objects.filter(idea=idea).values_list("from_status", "to_status")) == [
        ("new", "acknowledged"),
        ("acknowledged", "under_review"),
        ("under_review", "accepted"),
        ("accepted", "done"),
    ]
    assert set(StatusChange.objects.values_list("actor", flat=True)) == {manager.pk}


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), IdeaStatus.DONE),
        ((), IdeaStatus.UNDER_REVIEW),
        ((IdeaStatus.DECLINED,), IdeaStatus.ACKNOWLEDGED),
        ((IdeaStatus.ACKNOWLEDGED,), IdeaStatus.NEW),
        ((IdeaStatus.ACKNOWLEDGED,), "nonsense"),
    ],
)
def test_a_skipped_or_backward_step_is_refused(path, target, agent, manager, submit):
    idea = submit(agent)
    for status in path:
        idea = services.move_status(actor=manager, idea=idea, status=status, note="reason")

    with pytest.raises(ValidationError) as error:
        services.move_status(actor=manager, idea=idea, status=target, note="reason")

    assert "status" in error.value.message_dict
    assert Idea.objects.get().status == (path[-1] if path else IdeaStatus.NEW)


def test_declining_needs_a_reason(agent, manager, submit):
    idea = submit(agent)

    with pytest.raises(ValidationError) as error:
        services.move_status(actor=manager, idea=idea, status=IdeaStatus.DECLINED, note="  ")

    assert "note" in error.value.message_dict
    assert Idea.objects.get().status == IdeaStatus.NEW
    assert not StatusChange.objects.exists()
    idea = services.move_status(
        actor=manager, idea=idea, status=IdeaStatus.DECLINED, note="Costs more than it saves."
    )
    assert idea.decline_reason == "Costs more than it saves."


def test_done_needs_what_changed(agent, manager, submit):
    idea = submit(agent)
    for status in (IdeaStatus.ACKNOWLEDGED, IdeaStatus.ACCEPTED):
        idea = services.move_status(actor=manager, idea=idea, status=status)

    with pytest.raises(ValidationError) as error:
        services.move_status(actor=manager, idea=idea, status=IdeaStatus.DONE)

    assert "note" in error.value.message_dict


@pytest.mark.parametrize("role", ["agent", "other_agent", "team_lead", "executive", "outsider"])
def test_only_owners_managers_and_admins_move_a_submission(role, org, submit):
    idea = submit(org["agent"])

    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=org[role], idea=idea)


def test_a_manager_of_another_department_cannot_act(agent, submit, billing):
    billing_manager = PersonFactory.create(role=Role.MANAGER, team=None, department=billing)

    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=billing_manager, idea=submit(agent))


def test_an_owner_acts_whatever_their_role(agent, team_lead, submit):
    RoutingRule.objects.create(category="", department=agent.department, owner=team_lead)
    idea = submit(agent)

    assert services.acknowledge(actor=team_lead, idea=idea).status == IdeaStatus.ACKNOWLEDGED


def test_admin_acts_on_any_department(outsider, admin, submit):
    idea = submit(outsider, department=outsider.department)

    assert services.acknowledge(actor=admin, idea=idea).status == IdeaStatus.ACKNOWLEDGED


def test_replies_are_numbered_in_order(agent, manager, submit):
    idea = submit(agent)
    services.reply(actor=manager, idea=idea, body="Thanks, looking at it.")
    services.reply(actor=agent, idea=idea, body="It happened again today.")

    comments = list(Comment.objects.order_by("position"))
    assert [(c.position, c.author, c.is_from_submitter) for c in comments] == [
        (1, manager, False),
        (2, agent, True),
    ]


def test_bystanders_cannot_reply(other_agent, agent, submit):
    with pytest.raises(PermissionDenied):
        services.reply(actor=other_agent, idea=submit(agent), body="Me too")


def test_anonymous_submitter_replies_with_the_code_more_than_once(agent, manager, submit):
    submitted = services.submit_idea(
        actor=agent,
        kind=IdeaKind.IDEA,
        title="Quieter floor",
        body="Move the printers.",
        category=IdeaCategory.WORKPLACE,
        department=agent.department,
        is_anonymous=True,
    )
    assert submitted.follow_up_code
    services.reply(actor=manager, idea=submitted.idea, body="Which printers?")
    first = services.reply_as_anonymous_submitter(
        code=submitted.follow_up_code, body="The ones by the window."
    )
    second = services.reply_as_anonymous_submitter(
        code=submitted.follow_up_code, body="And the copier."
    )

    assert (first.position, second.position) == (2, 3)
    assert first.author is None
    assert first.is_from_submitter
    assert first.created_at == services.start_of_day(timezone.localdate())


@pytest.mark.parametrize("code", ["", "nope", "AAAA-AAAA-AAAA-AAAA", "x" * 40])
def test_a_wrong_code_opens_nothing(code, agent, submit):
    submit(agent, is_anonymous=True)

    with pytest.raises(ValidationError) as error:
        services.reply_as_anonymous_submitter(code=code, body="hello")

    assert "code" in error.value.message_dict
    assert not Comment.objects.exists()


def test_votes_count_once_per_person(agent, other_agent, submit):
    idea = submit(agent)

    assert services.vote(actor=other_agent, idea=idea)
    assert not services.vote(actor=other_agent, idea=idea)
    assert services.vote(actor=agent, idea=idea)
    assert Vote.objects.filter(idea=idea).count() == 2
    assert services.unvote(actor=other_agent, idea=idea)
    assert not services.unvote(actor=other_agent, idea=idea)
    assert Vote.objects.filter(idea=idea).count() == 1


def test_overdue_means_new_past_its_deadline(agent, manager, submit):
    today = timezone.localdate()
    late = submit(agent, title="late", today=today - datetime.timedelta(days=14))
    submit(agent, title="fresh")
    answered = submit(agent, title="answered", today=today - datetime.timedelta(days=14))
    services.acknowledge(actor=manager, idea=answered)

    assert list(Idea.objects.overdue(today)) == [late]
    assert late.is_overdue(today)


def test_reminders_email_each_owner_once_a_day(agent, manager, admin, team_lead, submit):
    long_ago = timezone.localdate() - datetime.timedelta(days=14)
    submit(agent, title="Broken headsets", today=long_ago)
    submit(agent, title="Queue music", today=long_ago)
    submit(agent, title="Fresh one")
    RoutingRule.objects.create(category=IdeaCategory.TOOLS, department=None, owner=team_lead)
    submit(agent, title="Slow CRM", category=IdeaCategory.TOOLS, today=long_ago)

    assert services.send_idea_reminders() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {manager.email, team_lead.email}
    assert "Broken headsets" in by_recipient[manager.email].body
    assert "Queue music" in by_recipient[manager.email].body
    assert "Fresh one" not in by_recipient[manager.email].body
    assert "2 submissions are waiting" in by_recipient[manager.email].subject
    assert services.send_idea_reminders() == 0


def test_reminder_task_and_command_send_the_same_emails(agent, manager, submit, capsys):
    submit(agent, today=timezone.localdate() - datetime.timedelta(days=14))

    tasks.send_idea_reminders.enqueue()
    assert len(mail.outbox) == 1
    Idea.objects.update(reminded_at=None)
    call_command("send_idea_reminders")
    assert len(mail.outbox) == 2
    assert "Sent 1 reminder email(s)." in capsys.readouterr().out


# --- Policies ---------------------------------------------------------------------------------


def test_admin_creates_and_updates_a_policy(admin, manager):
    policy = services.create_policy(
        actor=admin,
        name=" Goodwill credit ",
        owner=manager,
        summary="Small gestures to make up for our mistakes.",
        empowerment="Give a goodwill credit without asking.",
        limit_amount=Decimal(50),
        currency="eur",
        review_by=datetime.date(2026, 1, 1),
    )
    assert (policy.name, policy.currency) == ("Goodwill credit", "EUR")

    services.update_policy(actor=admin, policy=policy, limit_amount=75)
    assert Policy.objects.get().limit_amount == 75


def test_a_limit_needs_a_currency(admin, manager):
    with pytest.raises(ValidationError) as error:
        services.create_policy(
            actor=admin,
            name="Refunds",
            owner=manager,
            summary="Refunds",
            limit_amount=Decimal(20),
            review_by=datetime.date(2026, 1, 1),
        )

    assert "currency" in error.value.message_dict
    assert not Policy.objects.exists()


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive"])
def test_only_admins_manage_policies(role, org):
    with pytest.raises(PermissionDenied):
        services.create_policy(
            actor=org[role],
            name="Refunds",
            owner=org[role],
            summary="Refunds",
            review_by=datetime.date(2026, 1, 1),
        )


def test_the_owner_records_a_review(manager, agent):
    policy = PolicyFactory.create(owner=manager, review_by=datetime.date(2020, 1, 1))
    assert policy.is_past_review()
    next_time = timezone.localdate() + datetime.timedelta(days=180)

    services.mark_policy_reviewed(actor=manager, policy=policy, next_review_by=next_time)

    policy.refresh_from_db()
    assert policy.review_by == next_time
    assert policy.last_reviewed_on == timezone.localdate()
    assert not policy.is_past_review()
    with pytest.raises(PermissionDenied):
        services.mark_policy_reviewed(actor=agent, policy=policy, next_review_by=next_time)
    with pytest.raises(ValidationError):
        services.mark_policy_reviewed(
            actor=manager, policy=policy, next_review_by=timezone.localdate()
        )


def test_review_queue_holds_due_policies_and_open_friction(manager, admin, agent, submit):
    due = PolicyFactory.create(owner=manager, review_by=timezone.localdate())
    later = PolicyFactory.create(owner=manager)
    rubbed = PolicyFactory.create(owner=manager)
    PolicyFactory.create(owner=admin, review_by=timezone.localdate())
    submit(agent, kind=IdeaKind.POLICY_FRICTION, policy=rubbed)

    assert list(selectors.review_queue(manager)) == [due, rubbed]
    assert later not in selectors.review_queue(manager)
    assert selectors.review_queue(admin).count() == 3
    assert not selectors.review_queue(agent).exists()
