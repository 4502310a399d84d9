"""Closing the loop: poor answers become follow-ups for the team lead, who sees and closes them."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groundswell.voice.follow_ups import services as follow_up_services
from groundswell.voice.invitations import services
from groundswell.voice.models import FollowUp, Response
from groundswell.voice.tests.factories import (
    legacy_effort_version,
    make_customer,
    make_interaction,
    make_invitation,
)

pytestmark = pytest.mark.django_db
ALL_ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
HANDLERS = {"team_lead", "manager", "admin"}
READERS = HANDLERS | {"executive"}  # executives read every follow-up and close none


def answer(team, *, kind="csat", score, comment="", capture, handled_by=None):
    invitation, _token = make_invitation(
        make_interaction(team, customer=make_customer(), handled_by=handled_by), kind=kind
    )
    with capture(execute=True):
        return services.record_response(invitation, score=score, comment=comment)


@pytest.mark.parametrize(
    ("kind", "score", "poor"),
    [
        ("csat", 1, True),
        ("csat", 2, True),
        ("csat", 3, False),
        ("nps", 6, True),
        ("nps", 7, False),
        # CES 2.0: agreement that it was easy; disagreeing (1 to 3) is poor.
        ("ces", 3, True),
        ("ces", 1, True),
        ("ces", 4, False),
        ("ces", 7, False),
    ],
)
def test_only_poor_answers_open_a_follow_up(
    kind, score, poor, team_alpha, team_lead, django_capture_on_commit_callbacks
):
    response = answer(
        team_alpha, kind=kind, score=score, capture=django_capture_on_commit_callbacks
    )

    assert response.is_poor is poor
    assert FollowUp.objects.filter(response=response).exists() is poor
    if poor:
        follow_up = FollowUp.objects.get()
        assert follow_up.owner == team_lead
        assert follow_up.team == team_alpha
        assert follow_up.status == "open"


@pytest.mark.parametrize(
    ("kind", "score", "comment", "compliment"),
    [
        ("csat", 5, "Brilliant", True),
        ("csat", 5, "   ", False),
        ("csat", 4, "Good", False),
        ("nps", 9, "Great", True),
        ("nps", 8, "Great", False),
        ("ces", 6, "Easy", True),
        ("ces", 5, "Easy", False),
        ("ces", 2, "Hard", False),
    ],
)
def test_a_high_score_with_a_comment_is_a_compliment(
    kind, score, comment, compliment, team_alpha, django_capture_on_commit_callbacks
):
    response = answer(
        team_alpha,
        kind=kind,
        score=score,
        comment=comment,
        capture=django_capture_on_commit_callbacks,
    )

    assert response.is_compliment is compliment


def test_the_poor_threshold_is_configurable(team_alpha, django_capture_on_commit_callbacks):
    from groundswell.voice.models import Survey

    Survey.objects.filter(kind="csat").update(poor_threshold=3)

    response = answer(team_alpha, score=3, capture=django_capture_on_commit_callbacks)

    assert response.is_poor
    assert FollowUp.objects.count() == 1


def test_a_changed_answer_never_opens_a_second_follow_up(
    team_alpha, django_capture_on_commit_callbacks
):
    invitation, _token = make_invitation(make_interaction(team_alpha, customer=make_customer()))
    with django_capture_on_commit_callbacks(execute=True):
        services.record_response(invitation, score=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_response(invitation, score=2, comment="Still bad")

    assert Response.objects.count() == 1
    assert FollowUp.objects.count() == 1


UTC = zoneinfo.ZoneInfo("UTC")


def utc(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (utc(16, 10), utc(17, 10)),  # Monday -> Tuesday
        (utc(19, 16), utc(20, 16)),  # Thursday -> Friday
        (utc(20, 15), utc(23, 15)),  # Friday -> Monday
        (utc(21, 9), utc(23, 9)),  # Saturday -> Monday
        (utc(22, 9), utc(23, 9)),  # Sunday -> Monday
    ],
)
def test_a_follow_up_is_due_within_one_business_day(
    submitted, due, team_alpha, django_capture_on_commit_callbacks
):
    invitation, _token = make_invitation(make_interaction(team_alpha, customer=make_customer()))
    Response.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_response(invitation, score=1, now=submitted)

    assert FollowUp.objects.get().due_at == due


def test_a_team_without_a_lead_still_gets_the_follow_up(
    team_beta, django_capture_on_commit_callbacks
):
    answer(team_beta, score=1, capture=django_capture_on_commit_callbacks)

    follow_up = FollowUp.objects.get()
    assert follow_up.owner is None
    assert follow_up.team == team_beta


# Closing -----------------------------------------------------------------------------------------


@pytest.fixture
def follow_up(team_alpha, agent, django_capture_on_commit_callbacks):
    answer(
        team_alpha,
        score=1,
        comment="Nobody called me back",
        handled_by=agent,
        capture=django_capture_on_commit_callbacks,
    )
    return FollowUp.objects.get()


def test_closing_needs_an_outcome_and_a_note(follow_up, team_lead):
    with pytest.raises(ValidationError) as error:
        follow_up_services.close_follow_up(
            actor=team_lead, follow_up=follow_up, outcome="", note=" "
        )

    assert set(error.value.message_dict) == {"outcome", "note"}
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_closing_records_who_and_what(follow_up, team_lead):
    follow_up_services.close_follow_up(
        actor=team_lead, follow_up=follow_up, outcome="reached_resolved", note="Refund sent."
    )

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome, follow_up.note) == (
        "closed",
        "reached_resolved",
        "Refund sent.",
    )
    assert follow_up.closed_by == team_lead
    assert follow_up.closed_at is not None
    with pytest.raises(ValidationError) as error:
        follow_up_services.close_follow_up(
            actor=team_lead, follow_up=follow_up, outcome="not_reached", note="Again"
        )
    assert "status" in error.value.message_dict


# Pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_follow_up_list_per_role(role, org, follow_up, client_for):
    response = client_for(org[role]).get(reverse("voice:follow-up-list"))

    if role in READERS:
        assert response.status_code == 200
        assert "Nobody called me back" in response.text
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_follow_up_page_per_role(role, org, follow_up, client_for):
    response = client_for(org[role]).get(follow_up.get_absolute_url())

    if role in READERS:
        assert response.status_code == 200
        assert "Nobody called me back" in response.text
        assert "Refund not received" in response.text
        assert "Ada Agent" in response.text
        # Only those who may close it are offered the form.
        assert ("Close the follow-up" in response.text) is (role in HANDLERS)
    else:
        assert response.status_code == 403


def test_visitors_are_sent_to_sign_in(client, follow_up):
    for url in [reverse("voice:follow-up-list"), follow_up.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_team_lead_sees_only_their_teams_follow_ups(
    org, follow_up, client_for, team_beta, team_invoices, django_capture_on_commit_callbacks
):
    answer(team_beta, score=1, comment="Beta was rude", capture=django_capture_on_commit_callbacks)
    answer(
        team_invoices, score=1, comment="Invoice wrong", capture=django_capture_on_commit_callbacks
    )
    beta = FollowUp.objects.get(team=team_beta)

    lead = client_for(org["team_lead"])
    listing = lead.get(reverse("voice:follow-up-list")).text
    manager_listing = client_for(org["manager"]).get(reverse("voice:follow-up-list")).text
    admin_listing = client_for(org["admin"]).get(reverse("voice:follow-up-list")).text

    assert "Nobody called me back" in listing
    assert "Beta was rude" not in listing
    assert lead.get(beta.get_absolute_url()).status_code == 404
    assert "Beta was rude" in manager_listing
    assert "Invoice wrong" not in manager_listing
    assert "Invoice wrong" in admin_listing


def test_the_list_filters_and_highlights_overdue(
    org, follow_up, client_for, team_alpha, django_capture_on_commit_callbacks
):
    answer(team_alpha, score=2, comment="Late one", capture=django_capture_on_commit_callbacks)
    FollowUp.objects.filter(response__comment="Late one").update(
        due_at=timezone.now() - datetime.timedelta(hours=2)
    )
    client = client_for(org["team_lead"])

    open_page = client.get(reverse("voice:follow-up-list")).text
    overdue_page = client.get(reverse("voice:follow-up-list"), {"state": "overdue"}).text
    closed_page = client.get(reverse("voice:follow-up-list"), {"state": "closed"}).text

    assert "Late one" in open_page
    assert "Nobody called me back" in open_page
    assert open_page.count('class="row-error"') == 1
    assert "Overdue</span>" in open_page
    assert "Late one" in overdue_page
    assert "Nobody called me back" not in overdue_page
    assert "No follow-ups here." in closed_page


def test_the_list_takes_a_bounded_number_of_queries(
    org, client_for, team_alpha, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for number in range(15):
        answer(
            team_alpha, score=1, comment=f"c{number}", capture=django_capture_on_commit_callbacks
        )
    client = client_for(org["manager"])

    with django_assert_max_num_queries(8):
        response = client.get(reverse("voice:follow-up-list"), {"state": "all"})

    assert len(response.context["page"]) == 15


@pytest.mark.parametrize("role", ALL_ROLES)
def test_closing_from_the_page_per_role(role, org, follow_up, client_for):
    data = {"outcome": "reached_not_resolved", "note": "Called, refund still pending."}
    response = client_for(org[role]).post(
        reverse("voice:follow-up-close", args=[follow_up.pk]), data
    )

    follow_up.refresh_from_db()
    if role in HANDLERS:
        assert response.status_code == 302
        assert follow_up.status == "closed"
        assert follow_up.closed_by == org[role]
    else:
        assert response.status_code == 403
        assert follow_up.status == "open"


def test_closing_without_an_outcome_shows_the_errors(org, follow_up, client_for):
    response = client_for(org["team_lead"]).post(
        reverse("voice:follow-up-close", args=[follow_up.pk]), {"outcome": "", "note": ""}
    )

    assert response.status_code == 400
    assert "Choose what happened." in response.text
    assert "Write a short note about the conversation." in response.text
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_follow_ups_due_appear_on_the_team_leads_home(org, follow_up, client_for):
    FollowUp.objects.filter(pk=follow_up.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    home = client_for(org["team_lead"]).get(reverse("site:home"))

    assert "Overdue follow-ups" in home.text
    assert follow_up.get_absolute_url() in home.text
    assert "Overdue</span>" in home.text
    assert home.context["team_voice"].overdue == 1


@pytest.mark.parametrize(("score", "poor"), [(7, True), (5, True), (4, False), (1, False)])
def test_a_legacy_effort_answer_keeps_its_meaning(
    score, poor, team_alpha, team_lead, django_capture_on_commit_callbacks
):
    """An invitation sent on the legacy effort version (1 easy - 7 hard) answered after CES 2.0
    was published: a high effort score is still the poor one, and the answer says its scale."""
    invitation, _token = make_invitation(
        make_interaction(team_alpha, customer=make_customer()), kind="ces"
    )
    invitation.version = legacy_effort_version()
    invitation.save(update_fields=["version"])
    with django_capture_on_commit_callbacks(execute=True):
        response = services.record_response(invitation, score=score, comment="It took ages")

    assert response.scale == "effort_1_7_low_is_easy"
    assert response.score == score
    assert response.is_poor is poor
    assert response.is_compliment is (score <= 2)
    assert FollowUp.objects.filter(response=response).exists() is poor
