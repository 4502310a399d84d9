"""The daily huddle digest: the page per role, its content, the leadership line, and the email
made and sent exactly once per team and day, by concurrent runs and after a restart."""

import datetime
from functools import partial

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groundswell.core.tests.workers import retry_when_locked, run_together
from groundswell.desk.tests.factories import PromiseFactory
from groundswell.people.models import Team
from groundswell.recognition import huddle
from groundswell.recognition.choices import ReviewStatus
from groundswell.recognition.models import HeroNomination, HuddleDigest, Kudos, LeadershipLine
from groundswell.voice.invitations.services import record_response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

TODAY = datetime.date(2026, 3, 4)


def at(hour: int, minute: int = 0, day: datetime.date = TODAY) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute)),
        timezone.get_default_timezone(),
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 200),
        ("team_lead", 200),
        ("manager", 200),
        ("executive", 200),
        ("admin", 200),
        ("other_agent", 403),
        ("outsider", 403),
    ],
)
def test_a_teams_huddle_page_per_role(role, status, org, client_for):
    url = reverse("recognition:huddle-today", kwargs={"team": org["agent"].team_id})
    response = client_for(org[role]).get(url)

    assert response.status_code == status
    if status == 200:
        assert "huddle-print.css" in response.content.decode()


def test_an_unknown_team_or_day_is_a_404(org, client_for):
    client = client_for(org["admin"])
    assert (
        client.get(reverse("recognition:huddle-today", kwargs={"team": 999999})).status_code == 404
    )
    bad_day = reverse("recognition:huddle", kwargs={"team": org["agent"].team_id, "day": "x"})
    assert client.get(bad_day).status_code == 404


def test_the_digest_holds_yesterdays_public_recognition(org, give, respect):
    team = org["agent"].team
    day = timezone.localdate()
    yesterday = timezone.now() - datetime.timedelta(days=1)
    shown = give(org["team_lead"], recipient=org["agent"], message="Great calm call")
    private = give(org["other_agent"], recipient=org["agent"], is_private=True)
    today = give(org["outsider"], recipient=org["agent"])
    Kudos.objects.filter(pk__in=[shown.pk, private.pk]).update(created_at=yesterday)
    hero = HeroNomination.objects.create(
        nominee=org["agent"],
        nominated_by=org["team_lead"],
        team=team,
        department=team.department,
        story="Stayed late to fix a refund.",
        status=ReviewStatus.APPROVED,
        decided_at=yesterday,
    )
    due = PromiseFactory.create(interaction__team=team, due_at=timezone.now())
    PromiseFactory.create(interaction__team=org["other_agent"].team, due_at=timezone.now())
    LeadershipLine.objects.create(department=team.department, text="Thank you all.")

    digest = huddle.build(team, day)

    assert [k.pk for k in digest.kudos] == [shown.pk]
    assert today.pk not in [k.pk for k in digest.kudos]
    assert digest.hero == hero
    assert [p.pk for p in digest.promises] == [due.pk]
    assert digest.promises_due == 1
    assert digest.leadership_line == "Thank you all."
    LeadershipLine.objects.create(team=team, text="Alpha, you rock.")
    assert huddle.build(team, day).leadership_line == "Alpha, you rock."


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),
        ("team_lead", 403),
        ("manager", 302),
        ("executive", 302),
        ("admin", 302),
        ("outsider", 403),
    ],
)
def test_setting_the_leadership_line_per_role(role, status, org, client_for):
    team = org["agent"].team
    url = reverse("recognition:huddle-line", kwargs={"team": team.pk})
    response = client_for(org[role]).post(url, {"where": "team", "text": "Keep your promises."})

    assert response.status_code == status
    stored = list(LeadershipLine.objects.values_list("team_id", "text"))
    assert stored == ([(team.pk, "Keep your promises.")] if status == 302 else [])


def test_a_bad_line_is_explained_and_not_stored(org, client_for):
    url = reverse("recognition:huddle-line", kwargs={"team": org["agent"].team_id})
    client = client_for(org["manager"])

    response = client.post(url, {"where": "everywhere", "text": "Hello"})
    too_long = client.post(url, {"where": "team", "text": "x" * 281})

    assert response.status_code == too_long.status_code == 422
    assert "everywhere" in response.content.decode()
    assert "280" in too_long.content.decode()
    assert not LeadershipLine.objects.exists()


def test_an_empty_line_removes_it(org, client_for):
    team = org["agent"].team
    LeadershipLine.objects.create(department=team.department, text="Old news")
    url = reverse("recognition:huddle-line", kwargs={"team": team.pk})

    client_for(org["manager"]).post(url, {"where": "department", "text": "  "})

    assert not LeadershipLine.objects.exists()


def test_digests_are_made_from_the_shift_start_once_per_team(org, settings):
    settings.GROUNDSWELL_HUDDLE_SHIFT_START = "08:00"
    teams = Team.objects.count()

    assert huddle.make_due_digests(now=at(7, 59)) == 0
    assert not HuddleDigest.objects.exists()
    assert huddle.make_due_digests(now=at(8, 0)) == teams
    assert huddle.make_due_digests(now=at(8, 15)) == 0
    assert HuddleDigest.objects.filter(day=TODAY).count() == teams
    assert huddle.make_due_digests(now=at(8, 0, TODAY + datetime.timedelta(days=1))) == teams


def test_a_team_in_another_time_zone_gets_its_digest_at_its_own_shift_start(org, settings):
    """The site runs on UTC in tests; a team in Tokyo (UTC+9) starts its 08:00 shift at 23:00
    UTC the day before, and its digest is for its own date."""
    settings.GROUNDSWELL_HUDDLE_SHIFT_START = "08:00"
    tokyo = org["agent"].team
    Team.objects.filter(pk=tokyo.pk).update(time_zone="Asia/Tokyo")
    others = Team.objects.exclude(pk=tokyo.pk).count()
    evening = at(23, 0, TODAY - datetime.timedelta(days=1))

    # A minute before: the other teams' digests of the 3rd (their shift began at 08:00 UTC).
    assert huddle.make_due_digests(now=evening - datetime.timedelta(minutes=1)) == others
    assert not HuddleDigest.objects.filter(team=tokyo).exists()
    assert huddle.make_due_digests(now=evening) == 1
    digest = HuddleDigest.objects.get(team=tokyo)
    assert digest.day == TODAY  # Tokyo's date, the 4th, not the site's
    assert digest.pk in huddle.unsent(now=evening)
    assert huddle.make_due_digests(now=at(8, 0)) == others  # everyone else's 4th at 08:00 UTC


def test_a_time_zone_that_does_not_exist_is_refused(org):
    from django.core.exceptions import ValidationError

    team = org["agent"].team
    team.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="not a time zone"):
        team.full_clean()
    assert Team.objects.get(pk=team.pk).time_zone == ""


def test_the_email_goes_once_to_the_team_and_its_lead(org, settings):
    huddle.make_due_digests(now=timezone.now().replace(hour=23, minute=59))
    digest = HuddleDigest.objects.get(team=org["agent"].team)

    assert huddle.send_digest(digest.pk) == 2
    assert huddle.send_digest(digest.pk) == 0
    [message] = mail.outbox
    assert sorted(message.bcc) == ["agent@example.test", "lead@example.test"]
    assert "Alpha" in message.subject
    assert digest.get_absolute_url() in message.body


def test_after_a_restart_a_stale_claim_is_sent_and_a_failed_send_is_given_back(
    org, settings, monkeypatch
):
    huddle.make_due_digests(now=timezone.now().replace(hour=23, minute=59))
    digest = HuddleDigest.objects.get(team=org["agent"].team)
    now = timezone.now()
    assert huddle.claim_email(digest.pk, now=now) is not None  # a worker that then died
    assert digest.pk not in huddle.unsent(now=now)
    assert huddle.send_digest(digest.pk) == 0

    later = now + datetime.timedelta(seconds=settings.GROUNDSWELL_SEND_LEASE_SECONDS + 1)
    assert digest.pk in huddle.unsent(now=later)
    HuddleDigest.objects.filter(pk=digest.pk).update(
        email_claimed_at=now
        - datetime.timedelta(seconds=settings.GROUNDSWELL_SEND_LEASE_SECONDS + 1)
    )

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        huddle.send_digest(digest.pk)
    assert HuddleDigest.objects.get(pk=digest.pk).email_claimed_at is None
    monkeypatch.undo()

    assert huddle.send_digest(digest.pk) == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_make_and_send_each_digest_once(org, settings):
    settings.GROUNDSWELL_HUDDLE_SHIFT_START = "00:00"
    sent: list[int] = []

    def one_run() -> None:
        retry_when_locked(huddle.make_due_digests)
        for digest_id in retry_when_locked(huddle.unsent):
            sent.append(retry_when_locked(partial(huddle.send_digest, digest_id)))

    run_together(one_run)

    teams = Team.objects.count()
    assert HuddleDigest.objects.count() == teams
    assert HuddleDigest.objects.filter(email_sent_at__isnull=False).count() == teams
    # Alpha (member and lead), Beta (one member) and Invoices (one member): three emails, once.
    assert len(mail.outbox) == 3
    assert sorted(len(message.bcc) for message in mail.outbox) == [1, 1, 2]


def test_the_teams_figures_of_yesterday_against_the_day_before(
    org, settings, django_capture_on_commit_callbacks
):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 2
    team = org["agent"].team
    today = timezone.localdate()
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    yesterday, before = noon - datetime.timedelta(days=1), noon - datetime.timedelta(days=2)
    answers = [(yesterday, 5), (yesterday, 5), (yesterday, 2), (before, 1), (noon, 1)]
    for when, score in answers:  # today's (noon) is not read
        interaction = make_interaction(team, customer=make_customer(), handled_by=org["agent"])
        invitation, _token = make_invitation(interaction)
        with django_capture_on_commit_callbacks(execute=True):
            record_response(invitation, score=score, now=when)

    figures = huddle.day_figures(team, today)

    assert figures is not None
    assert figures.csat.n == 3
    assert figures.csat.value == pytest.approx(200 / 3)
    assert (figures.csat_before.n, figures.csat_before.value) == (1, None)  # below the minimum
    assert figures.nps.n == 0
    assert huddle.day_figures(org["other_agent"].team, today) is None  # no lead to read them

    # Read for several teams at once: the same figures, and each team's own leadership line.
    beta = org["other_agent"].team
    LeadershipLine.objects.create(department=team.department, text="Thank you all.")
    LeadershipLine.objects.create(team=team, text="Alpha, you rock.")
    many = {digest.team.pk: digest for digest in huddle.build_many([team, beta], today)}
    assert many[team.pk].figures == figures
    assert many[beta.pk].figures is None
    assert many[team.pk].leadership_line == "Alpha, you rock."
    assert many[beta.pk].leadership_line == huddle.build(beta, today).leadership_line


def test_the_page_shows_the_figures_with_n(
    org, client_for, settings, django_capture_on_commit_callbacks
):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 1
    team = org["agent"].team
    interaction = make_interaction(team, customer=make_customer(), handled_by=org["agent"])
    invitation, _token = make_invitation(interaction)
    with django_capture_on_commit_callbacks(execute=True):
        record_response(invitation, score=5, now=timezone.now() - datetime.timedelta(days=1))

    page = (
        client_for(org["agent"])
        .get(reverse("recognition:huddle-today", kwargs={"team": team.pk}))
        .content.decode()
    )

    assert "100% (n=1)" in page
    assert "(n=0)" in page


def test_the_periodic_task_makes_and_sends_through_the_queue(org, settings):
    from groundswell.recognition import tasks

    settings.GROUNDSWELL_HUDDLE_SHIFT_START = "00:00"

    first = tasks.huddle_digests.enqueue().return_value
    again = tasks.huddle_digests.enqueue().return_value

    teams = Team.objects.count()
    assert first == {"made": teams, "enqueued": teams}
    assert again == {"made": 0, "enqueued": 0}
    assert len(mail.outbox) == 3  # Alpha, Beta and Invoices have people; each told once


def test_yesterdays_unsent_digest_is_not_sent_the_morning_after(org, settings):
    settings.GROUNDSWELL_HUDDLE_SHIFT_START = "00:00"
    yesterday = timezone.now() - datetime.timedelta(days=1)
    huddle.make_due_digests(now=yesterday)

    assert huddle.unsent(now=yesterday) != []
    assert huddle.unsent() == []


def test_on_a_tuesday_mondays_figures_are_not_mixed_with_the_week_before(
    org, settings, django_capture_on_commit_callbacks
):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 1
    team = org["agent"].team
    today = timezone.localdate()
    tuesday = today - datetime.timedelta(days=(today.weekday() - 1) % 7 or 7)
    monday, sunday = tuesday - datetime.timedelta(days=1), tuesday - datetime.timedelta(days=2)
    for day, score in [(monday, 5), (sunday, 1), (sunday, 1)]:
        interaction = make_interaction(team, customer=make_customer(), handled_by=org["agent"])
        invitation, _token = make_invitation(interaction)
        noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        with django_capture_on_commit_callbacks(execute=True):
            record_response(invitation, score=score, now=noon)

    figures = huddle.day_figures(team, tuesday)

    assert figures is not None
    assert (figures.csat.n, figures.csat.value) == (1, 100.0)
    assert (figures.csat_before.n, figures.csat_before.value) == (2, 0.0)


def test_the_digest_shows_only_approved_compliments_of_yesterday(
    org, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from groundswell.recognition.models import Compliment
    from groundswell.recognition.tests.test_compliments_and_heroes import answer

    team = org["agent"].team
    approved = answer(org["agent"], team, django_capture_on_commit_callbacks).compliment
    pending = answer(org["agent"], team, django_capture_on_commit_callbacks).compliment
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Compliment.objects.filter(pk=approved.pk).update(
        status=ReviewStatus.APPROVED, received_at=yesterday
    )
    Compliment.objects.filter(pk=pending.pk).update(received_at=yesterday)

    # A fixed number per team whatever it holds (the figures: one live aggregate, four queries).
    with django_assert_max_num_queries(40):
        digest = huddle.build(team, timezone.localdate())

    assert [c.pk for c in digest.compliments] == [approved.pk]
