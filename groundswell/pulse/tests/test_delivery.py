"""A pulse invitation is mailed once, and a worker killed while mailing loses nobody.

Each invitee is claimed with a lease (core/lib/leases.py) before their mail and counts as
invited only once the mail server took it; the sweep (a periodic job) enqueues a wave again
when someone in it was never mailed and nobody holds them. A dead worker is played by a claim
taken and never finished, a lost enqueue by a wave launched without running its on-commit
callbacks; time passing by claims and opening times moved back by more than a lease.
"""

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import TestCase
from django.utils import timezone

from groundswell.core.lib import leases, tokens
from groundswell.pulse import services, tasks
from groundswell.pulse.models import Participation, Wave
from groundswell.pulse.tests.factories import links_in_outbox, members

pytestmark = pytest.mark.django_db


def long_ago() -> datetime.datetime:
    return timezone.now() - leases.lease() - datetime.timedelta(seconds=1)


@pytest.fixture
def unmailed(manager, team_alpha):
    """A launched wave of five whose mail task never ran (as if the enqueue was lost)."""
    people = members(team_alpha, 5)
    campaign = services.create_campaign(
        actor=manager,
        name="Spring pulse",
        kind="pulse",
        teams=[team_alpha],
        elements=["training"],
    )
    mail.outbox.clear()
    wave = services.launch_campaign(actor=manager, campaign=campaign)  # callbacks not run
    assert mail.outbox == []
    return wave, people


def test_an_invitee_counts_as_invited_only_once_the_mail_server_took_it(unmailed, monkeypatch):
    wave, people = unmailed

    def refuse(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(OSError, match="unreachable"):
        services.send_invitations(wave.pk)

    # Nobody is marked invited, and the failed one's claim was given back at once.
    assert not Participation.objects.filter(invited_at__isnull=False).exists()
    assert not Participation.objects.filter(mail_claimed_at__isnull=False).exists()
    monkeypatch.undo()
    assert services.send_invitations(wave.pk) == 5
    assert {m.to[0] for m in mail.outbox} == {p.email for p in people}


def test_sending_a_wave_twice_mails_each_person_once(unmailed):
    wave, people = unmailed

    assert services.send_invitations(wave.pk) == 5
    assert services.send_invitations(wave.pk) == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    links = links_in_outbox()
    for participation in Participation.objects.select_related("person"):
        assert participation.invited_at is not None
        assert tokens.hash_token(links[participation.person.email]) == participation.token_hash


def test_a_person_claimed_by_another_worker_is_not_mailed_again(unmailed):
    wave, people = unmailed
    held = Participation.objects.get(person=people[0])
    Participation.objects.filter(pk=held.pk).update(mail_claimed_at=timezone.now())

    assert services.send_invitations(wave.pk) == 4
    assert people[0].email not in {m.to[0] for m in mail.outbox}


def test_a_worker_killed_mid_wave_leaves_the_rest_to_the_sweep(unmailed):
    wave, people = unmailed
    Wave.objects.filter(pk=wave.pk).update(opens_at=long_ago())
    # The worker claimed one person and died before the mail server took the message.
    dead = Participation.objects.get(person=people[0])
    Participation.objects.filter(pk=dead.pk).update(mail_claimed_at=timezone.now())

    # The others were never mailed and nobody holds them: the sweep sends them now ...
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.resend_stalled_invitations.call() == 1
    assert len(mail.outbox) == 4
    assert services.stalled_waves(timezone.now()) == []  # the dead worker's claim still holds

    # ... and the dead worker's one once its lease has run out.
    Participation.objects.filter(pk=dead.pk).update(mail_claimed_at=long_ago())
    assert tasks.resend_stalled_invitations.call() == 1
    assert len(mail.outbox) == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert tasks.resend_stalled_invitations.call() == 0
    assert not Participation.objects.filter(invited_at__isnull=True).exists()


def test_the_sweep_waits_a_lease_after_opening_and_skips_closed_waves(unmailed):
    wave, _people = unmailed
    assert services.stalled_waves(timezone.now()) == []  # just opened: its task is queued

    Wave.objects.filter(pk=wave.pk).update(opens_at=long_ago(), closes_at=timezone.now())
    assert services.stalled_waves(timezone.now()) == []


def test_a_reminder_goes_out_once_even_when_two_workers_read_the_same_list(unmailed):
    wave, people = unmailed
    services.send_invitations(wave.pk)
    mail.outbox.clear()
    participation = Participation.objects.get(person=people[0])

    # Two workers read reminded_at = None; the first reminds, the second finds it changed.
    first = services._claim_for_mail(participation.pk, True, None)
    assert first is not None
    Participation.objects.filter(pk=participation.pk).update(
        reminded_at=timezone.now(), mail_claimed_at=long_ago()
    )
    assert services._claim_for_mail(participation.pk, True, None) is None
