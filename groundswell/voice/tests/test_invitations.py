"""Inviting customers after a resolved interaction: who is asked, when, and the email."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from groundswell.core.lib import tokens
from groundswell.voice.invitations import services
from groundswell.voice.invitations.tasks import send_invitation
from groundswell.voice.models import Invitation, Survey
from groundswell.voice.tests.factories import active_survey, make_customer, make_interaction

pytestmark = pytest.mark.django_db


def html_of(message: object) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return str(content)


def invite(interaction, capture):
    with capture(execute=True):
        return services.invite_after_resolution(interaction)


def test_resolved_interaction_invites_its_customer_and_emails_the_link(
    team_alpha, agent, django_capture_on_commit_callbacks
):
    customer = make_customer(language="en")
    interaction = make_interaction(team_alpha, customer=customer, handled_by=agent)

    invitation = invite(interaction, django_capture_on_commit_callbacks)

    assert invitation is not None
    assert invitation.version.survey.kind == "csat"
    assert invitation.language == "en"
    assert invitation.expires_at - invitation.send_after == datetime.timedelta(days=14)
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    [message] = mail.outbox
    assert message.to == [customer.email]
    assert "Refund not received" in message.subject
    html = html_of(message)
    links = re.findall(r"http://[^\s\"]+/s/([\w-]+)\?score=(\d+)", str(message.body))
    assert [int(score) for _token, score in links] == [1, 2, 3, 4, 5]
    token = links[0][0]
    assert tokens.hash_token(token) == invitation.token_hash
    assert f"/s/{token}?score=5" in html
    assert html.count(f"/s/{token}?score=") == 5


def test_the_token_is_never_stored_in_plain_text(team_alpha, django_capture_on_commit_callbacks):
    interaction = make_interaction(team_alpha, customer=make_customer())

    invitation = invite(interaction, django_capture_on_commit_callbacks)

    assert invitation is not None
    found = re.search(r"/s/([\w-]+)\?score=", str(mail.outbox[0].body))
    assert found is not None
    token = found.group(1)
    assert len(token) >= 32  # 24 random bytes: 192 bits
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in {str(value) for value in row.values()}
    assert row["token_hash"] == tokens.hash_token(token)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "¿Qué tan satisfecho"),
        ("fr", "Êtes-vous satisfait"),
        ("de", "Wie zufrieden"),
    ],
)
def test_the_email_is_in_the_customers_language(
    language, expected, team_alpha, django_capture_on_commit_callbacks
):
    interaction = make_interaction(team_alpha, customer=make_customer(language=language))

    invite(interaction, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert expected in str(message.body)
    assert expected in html_of(message)
    assert f'lang="{language}"' in html_of(message)


@pytest.mark.parametrize(("kind", "scale"), [("nps", list(range(11))), ("ces", list(range(1, 8)))])
def test_the_email_scale_matches_the_survey_kind(
    kind, scale, team_alpha, django_capture_on_commit_callbacks
):
    Survey.objects.update(is_active=False)
    Survey.objects.filter(kind=kind).update(is_active=True)
    interaction = make_interaction(team_alpha, customer=make_customer())

    invite(interaction, django_capture_on_commit_callbacks)

    scores = re.findall(r"\?score=(\d+)", str(mail.outbox[0].body))
    assert [int(score) for score in scores] == scale


def test_internal_requests_and_customers_without_email_are_not_surveyed(
    team_alpha, outsider, django_capture_on_commit_callbacks
):
    internal = make_interaction(team_alpha, requester_person=outsider)
    no_email = make_interaction(team_alpha, customer=make_customer(email=""))

    assert invite(internal, django_capture_on_commit_callbacks) is None
    assert invite(no_email, django_capture_on_commit_callbacks) is None
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_opted_out_customers_are_never_surveyed(team_alpha, django_capture_on_commit_callbacks):
    interaction = make_interaction(team_alpha, customer=make_customer(is_opted_out=True))

    assert invite(interaction, django_capture_on_commit_callbacks) is None
    assert mail.outbox == []


def test_a_customer_opting_out_before_the_send_gets_nothing(team_alpha):
    customer = make_customer()
    invitation = services.invite_after_resolution(make_interaction(team_alpha, customer=customer))
    assert invitation is not None
    customer.is_opted_out = True
    customer.save(update_fields=["is_opted_out"])

    assert send_invitation.call(invitation.pk) is False
    assert mail.outbox == []


def test_a_customer_is_asked_at_most_once_per_resurvey_window(
    team_alpha, django_capture_on_commit_callbacks
):
    customer = make_customer()
    first = invite(
        make_interaction(team_alpha, customer=customer), django_capture_on_commit_callbacks
    )
    second = invite(
        make_interaction(team_alpha, customer=customer), django_capture_on_commit_callbacks
    )
    assert first is not None
    assert second is None

    Invitation.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    third = invite(
        make_interaction(team_alpha, customer=customer), django_capture_on_commit_callbacks
    )

    assert third is not None
    assert len(mail.outbox) == 2


def test_a_survey_limited_to_other_channels_is_not_used(
    team_alpha, django_capture_on_commit_callbacks
):
    Survey.objects.filter(kind="csat").update(channels=["phone"])
    email = make_interaction(team_alpha, customer=make_customer(), channel="email")
    phone = make_interaction(team_alpha, customer=make_customer(), channel="phone")

    assert invite(email, django_capture_on_commit_callbacks) is None
    assert invite(phone, django_capture_on_commit_callbacks) is not None


def test_a_survey_naming_the_channel_wins_over_one_for_every_channel(team_alpha):
    Survey.objects.filter(kind="ces").update(is_active=True, channels=["web", "chat"])

    web = services.survey_for(make_interaction(team_alpha, channel="web"))
    phone = services.survey_for(make_interaction(team_alpha, channel="phone"))

    assert web is not None
    assert web.kind == "ces"
    assert phone is not None
    assert phone.kind == "csat"


def test_the_delay_sets_when_the_invitation_may_be_sent(team_alpha):
    survey = active_survey()
    survey.send_delay_minutes = 90
    survey.save(update_fields=["send_delay_minutes"])
    interaction = make_interaction(team_alpha, customer=make_customer())

    invitation = services.invite_after_resolution(interaction)

    assert invitation is not None
    assert interaction.resolved_at is not None
    assert invitation.send_after == interaction.resolved_at + datetime.timedelta(minutes=90)
    assert invitation.expires_at == invitation.send_after + datetime.timedelta(days=14)


def test_sending_is_never_inline_and_the_database_queue_waits_for_the_delay(
    team_alpha, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    survey = active_survey()
    survey.send_delay_minutes = 30
    survey.save(update_fields=["send_delay_minutes"])

    invitation = invite(
        make_interaction(team_alpha, customer=make_customer()), django_capture_on_commit_callbacks
    )

    assert invitation is not None
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.run_after == invitation.send_after
    assert queued.task_path.endswith("send_invitation")


def test_the_queued_send_task_stores_the_invitation_id_and_no_link(
    team_alpha, settings, django_capture_on_commit_callbacks
):
    """Issue 10, item 8: a task queue's stored arguments outlive the email; they hold no token."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    invitation = invite(
        make_interaction(team_alpha, customer=make_customer()), django_capture_on_commit_callbacks
    )
    assert invitation is not None
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": [invitation.pk], "kwargs": {}}

    assert send_invitation.call(invitation.pk) is True
    [message] = mail.outbox
    token = re.findall(r"/s/([\w-]+)", str(message.body))[0]
    invitation.refresh_from_db()
    assert tokens.hash_token(token) == invitation.token_hash
    stored = repr(list(DBTaskResult.objects.values())) + repr(list(Invitation.objects.values()))
    assert token not in stored


def test_an_invitation_has_no_working_link_until_it_is_mailed(team_alpha, client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    invitation = services.invite_after_resolution(
        make_interaction(team_alpha, customer=make_customer())
    )
    assert invitation is not None
    unsent = invitation.token_hash

    assert send_invitation.call(invitation.pk) is True
    token = re.findall(r"/s/([\w-]+)", str(mail.outbox[-1].body))[0]
    invitation.refresh_from_db()
    assert invitation.token_hash == tokens.hash_token(token) != unsent


def test_a_failed_send_is_retried_with_a_new_working_link(team_alpha, monkeypatch):
    invitation = services.invite_after_resolution(
        make_interaction(team_alpha, customer=make_customer())
    )
    assert invitation is not None
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)

    def refuse(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(OSError, match="unreachable"):
        send_invitation.call(invitation.pk)
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    monkeypatch.undo()

    assert send_invitation.call(invitation.pk) is True
    token = re.findall(r"/s/([\w-]+)", str(mail.outbox[-1].body))[0]
    invitation.refresh_from_db()
    assert tokens.hash_token(token) == invitation.token_hash


def test_sending_twice_sends_once(team_alpha, django_capture_on_commit_callbacks):
    invitation = invite(
        make_interaction(team_alpha, customer=make_customer()), django_capture_on_commit_callbacks
    )
    assert invitation is not None

    assert send_invitation.call(invitation.pk) is False
    assert len(mail.outbox) == 1


def test_expired_invitations_are_not_sent(team_alpha):
    invitation = services.invite_after_resolution(
        make_interaction(team_alpha, customer=make_customer())
    )
    assert invitation is not None
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    assert send_invitation.call(invitation.pk) is False


# Link invitations for interactions handled elsewhere --------------------------------------------


def test_a_link_invitation_returns_its_link_once(agent, team_alpha, client):
    interaction = make_interaction(team_alpha, customer=make_customer(language="fr"))

    invitation, url = services.create_link_invitation(actor=agent, interaction=interaction)

    token = url.rsplit("/s/", 1)[1]
    assert invitation.token_hash == tokens.hash_token(token)
    assert invitation.channel == "link"
    assert invitation.sent_at is not None
    assert mail.outbox == []
    page = client.get(url.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    assert "Êtes-vous satisfait" in page.text


def test_a_link_invitation_needs_someone_in_the_team(other_agent, team_alpha):
    interaction = make_interaction(team_alpha, customer=make_customer())

    with pytest.raises(PermissionDenied):
        services.create_link_invitation(actor=other_agent, interaction=interaction)


@pytest.mark.parametrize(
    ("setup", "field"),
    [("internal", "interaction"), ("opted_out", "customer"), ("twice", "customer")],
)
def test_a_link_invitation_explains_why_it_cannot_be_made(
    setup, field, agent, outsider, team_alpha
):
    if setup == "internal":
        interaction = make_interaction(team_alpha, requester_person=outsider)
    else:
        customer = make_customer(is_opted_out=setup == "opted_out")
        interaction = make_interaction(team_alpha, customer=customer)
        if setup == "twice":
            services.create_link_invitation(actor=agent, interaction=interaction)

    with pytest.raises(ValidationError) as error:
        services.create_link_invitation(actor=agent, interaction=interaction)

    assert field in error.value.message_dict


@pytest.mark.parametrize(
    "path", ["groundswell.voice.tasks.send_invitation", "groundswell.voice.tasks.open_follow_up"]
)
def test_tasks_queued_under_their_old_paths_still_resolve(path):
    # The database queue imports a task by the path it was enqueued under (voice/tasks.py).
    assert isinstance(import_string(path), Task)
