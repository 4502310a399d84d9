"""An invitation email is sent once, and a worker killed while sending it loses nothing.

The mail task claims the invitation with a lease (core/lib/leases.py) and marks it sent only
once the mail server took it; the sweep (a periodic job) enqueues again what was claimed and
never sent once the lease has run out, and what never got a task at all. A dead worker is
played by a claim taken and never finished, a lost enqueue by an invitation whose on-commit
callbacks never ran; time passing by claims and due times moved back by more than a lease.
"""

import datetime
import re
import threading
import time

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone

from groundswell.core.lib import leases, tokens
from groundswell.voice.invitations import services
from groundswell.voice.invitations.tasks import resend_stalled_invitations, send_invitation
from groundswell.voice.models import Invitation
from groundswell.voice.tests.factories import make_customer, make_interaction

pytestmark = pytest.mark.django_db


def unsent(team, **customer_fields):
    """An emailed invitation whose send task never ran (as if the enqueue was lost)."""
    invitation = services.invite_after_resolution(
        make_interaction(team, customer=make_customer(**customer_fields))
    )
    assert invitation is not None
    assert mail.outbox == []
    return invitation


def long_ago() -> datetime.datetime:
    """A moment more than a lease back."""
    return timezone.now() - leases.lease() - datetime.timedelta(seconds=1)


def sent_to(address: str) -> int:
    return sum(address in message.to for message in mail.outbox)


def test_an_invitation_counts_as_sent_only_once_the_mail_server_took_it(team_alpha):
    invitation = unsent(team_alpha)

    claimed = services.claim_for_sending(invitation.pk)
    assert claimed is not None
    invitation.refresh_from_db()
    assert invitation.claimed_at is not None
    assert invitation.sent_at is None  # claimed, not sent: a worker dying here loses nothing

    # While the claim holds, nobody else sends it.
    assert services.claim_for_sending(invitation.pk) is None
    assert send_invitation.call(invitation.pk) is False
    assert mail.outbox == []


def test_a_send_task_marks_the_invitation_sent_after_the_mail_went_out(team_alpha):
    invitation = unsent(team_alpha)

    assert send_invitation.call(invitation.pk) is True

    invitation.refresh_from_db()
    assert len(mail.outbox) == 1
    assert invitation.sent_at is not None
    assert invitation.claimed_at is not None
    assert invitation.sent_at >= invitation.claimed_at
    assert send_invitation.call(invitation.pk) is False
    assert len(mail.outbox) == 1


def test_a_worker_killed_after_its_claim_leaves_the_invitation_to_the_sweep(team_alpha):
    invitation = unsent(team_alpha)
    Invitation.objects.filter(pk=invitation.pk).update(send_after=long_ago())
    assert services.claim_for_sending(invitation.pk) is not None  # ... and the worker died

    # Within the lease the sweep leaves it alone: the worker may still be sending.
    assert resend_stalled_invitations.call() == 0
    assert mail.outbox == []

    Invitation.objects.filter(pk=invitation.pk).update(claimed_at=long_ago())
    assert resend_stalled_invitations.call() == 1

    invitation.refresh_from_db()
    assert sent_to(invitation.customer.email) == 1
    assert invitation.sent_at is not None
    token = re.findall(r"/s/([\w-]+)", str(mail.outbox[0].body))[0]
    assert tokens.hash_token(token) == invitation.token_hash  # the link that went out works
    assert resend_stalled_invitations.call() == 0
    assert len(mail.outbox) == 1


def test_an_invitation_whose_task_was_never_run_is_sent_by_the_sweep(team_alpha):
    invitation = unsent(team_alpha)
    assert resend_stalled_invitations.call() == 0  # due less than a lease ago: queued, surely

    Invitation.objects.filter(pk=invitation.pk).update(send_after=long_ago())
    assert resend_stalled_invitations.call() == 1

    assert sent_to(invitation.customer.email) == 1
    assert resend_stalled_invitations.call() == 0


def test_the_sweep_leaves_sent_expired_opted_out_future_and_old_invitations_alone(team_alpha):
    now = timezone.now()
    sent = unsent(team_alpha)
    expired = unsent(team_alpha)
    opted_out = unsent(team_alpha, is_opted_out=False)
    future = unsent(team_alpha)
    old = unsent(team_alpha)
    Invitation.objects.filter(pk__in=[sent.pk, expired.pk, opted_out.pk]).update(
        send_after=long_ago()
    )
    Invitation.objects.filter(pk=sent.pk).update(sent_at=long_ago())
    Invitation.objects.filter(pk=expired.pk).update(expires_at=now)
    type(opted_out.customer).objects.filter(pk=opted_out.customer_id).update(is_opted_out=True)
    Invitation.objects.filter(pk=future.pk).update(send_after=now + datetime.timedelta(hours=1))
    too_late = now - services.SWEEP_HORIZON - datetime.timedelta(minutes=1)
    Invitation.objects.filter(pk=old.pk).update(send_after=too_late)

    assert services.stalled_invitations(timezone.now()) == []
    assert resend_stalled_invitations.call() == 0
    assert mail.outbox == []


def test_a_failed_send_gives_its_claim_back_at_once(team_alpha, monkeypatch):
    invitation = unsent(team_alpha)

    def refuse(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(OSError, match="unreachable"):
        send_invitation.call(invitation.pk)
    invitation.refresh_from_db()
    assert (invitation.claimed_at, invitation.sent_at) == (None, None)
    monkeypatch.undo()

    assert send_invitation.call(invitation.pk) is True  # a retry need not wait for the lease
    assert len(mail.outbox) == 1


def test_a_claim_that_ran_out_is_taken_over_and_the_late_sender_does_not_mark_it(team_alpha):
    invitation = unsent(team_alpha)
    first = services.claim_for_sending(invitation.pk, now=long_ago())
    assert first is not None
    second = services.claim_for_sending(invitation.pk)
    assert second is not None

    assert services.mark_sent(first[0]) is False  # its lease ran out: no longer its to mark
    assert services.mark_sent(second[0]) is True
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert tokens.hash_token(second[1]) == invitation.token_hash


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_many_workers_claiming_one_invitation_at_once_exactly_one_gets_it(team_alpha):
    # Outside a test transaction the invitation's task runs at once: make it unsent again.
    invitation = services.invite_after_resolution(
        make_interaction(team_alpha, customer=make_customer())
    )
    assert invitation is not None
    Invitation.objects.filter(pk=invitation.pk).update(claimed_at=None, sent_at=None)
    threads_count = 50 if connection.vendor == "postgresql" else 8
    start = threading.Barrier(threads_count)
    claims: list[bool] = []
    errors: list[BaseException] = []

    def claim() -> None:
        try:
            start.wait(timeout=30)
            for _attempt in range(200):
                try:
                    claims.append(services.claim_for_sending(invitation.pk) is not None)
                    return
                except OperationalError as error:
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.005)  # only the test database's shared cache gets here
            raise AssertionError("the test database stayed locked")
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(claims) == [False] * (threads_count - 1) + [True]
