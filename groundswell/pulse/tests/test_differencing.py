"""Reading results before and after one more answer, or subtracting cells, learns nothing.

An open wave shows only how many were invited and answered; results appear once, when the
wave closes, and never change after that.
"""

import csv
import datetime
import io
import re

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from groundswell.pulse import services
from groundswell.pulse.models import Submission, Wave
from groundswell.pulse.tests.factories import (
    answer_through_link,
    close,
    full_answers,
    launched,
    members,
)

SECRET = "the sixth person's comment"


@pytest.fixture
def open_wave(admin, team_alpha):
    people = members(team_alpha, 6)
    campaign, wave, tokens = launched(admin, teams=[team_alpha])
    for person in people[:5]:
        assert answer_through_link(tokens[person.email], full_answers(campaign, 3, 7)) == 302
    return campaign, wave, tokens, people


def _reads(client, campaign):
    """What a viewer gets from the page, the CSV and the API (the page without CSRF tokens)."""
    url = reverse("pulse:campaign-detail", args=[campaign.pk])
    page = re.sub(r"[A-Za-z0-9]{64}", "", client.get(url).content.decode())
    export = client.get(reverse("pulse:campaign-export", args=[campaign.pk])).content.decode()
    api = client.get(f"/api/v1/pulse/campaigns/{campaign.pk}/results").json()
    return page, list(csv.reader(io.StringIO(export))), api


@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
def test_one_more_answer_to_an_open_wave_changes_nothing_but_the_count(
    role, open_wave, org, client_for
):
    campaign, _wave, tokens, people = open_wave
    client = client_for(org[role])

    page_before, csv_before, api_before = _reads(client, campaign)
    sixth = full_answers(campaign, 1, 0)
    assert answer_through_link(tokens[people[5].email], sixth, SECRET) == 302
    page_after, csv_after, api_after = _reads(client, campaign)

    assert api_before["published"] is api_after["published"] is False
    assert (api_before["answered"], api_after["answered"]) == (5, 6)
    assert api_before | {"answered": 6} == api_after
    assert api_after["groups"] == api_after["comments"] == api_after["changes"] == []
    assert csv_before == [["wave", "status", "invited", "answered"], ["1", "open", "6", "5"]]
    assert csv_after == [["wave", "status", "invited", "answered"], ["1", "open", "6", "6"]]
    assert page_before.replace("5 of 6 people", "6 of 6 people") == page_after
    assert SECRET not in page_after
    assert 'id="heat"' not in page_after
    assert "not-published" in page_after


def test_results_are_published_when_the_wave_closes_with_every_answer(
    open_wave, admin, client_for, settings
):
    settings.GROUNDSWELL_MIN_COMMENT_RESPONSES = 6  # six respondents: comments may show
    campaign, _wave, tokens, people = open_wave
    answer_through_link(tokens[people[5].email], full_answers(campaign, 1, 0), SECRET)

    close(admin, campaign)
    _page, rows, api = _reads(client_for(admin), campaign)

    organisation = next(g for g in api["groups"] if g["label"] == "Whole organisation")
    assert api["published"] is True
    assert organisation["respondents"] == 6
    assert organisation["enps"]["respondents"] == 6
    assert SECRET in api["comments"]
    assert rows[0][0] == "group"


def test_a_wave_past_its_closing_time_is_published_on_the_next_read(open_wave, admin, client_for):
    campaign, wave, _tokens, _people = open_wave
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))

    _page, _rows, api = _reads(client_for(admin), campaign)

    assert api["published"] is True
    assert Submission.objects.filter(wave=wave).count() == 5
    assert not wave.pending_submissions.exists()


def test_published_results_never_change_again(open_wave, admin, client_for):
    campaign, _wave, tokens, people = open_wave
    client = client_for(admin)
    close(admin, campaign)
    _page, rows_before, api_before = _reads(client, campaign)

    late = answer_through_link(tokens[people[5].email], full_answers(campaign, 1, 0), SECRET)
    services.publish_closed_waves()
    _page, rows_after, api_after = _reads(client, campaign)

    assert late == 410
    assert (rows_before, api_before) == (rows_after, api_after)


def test_publishing_twice_stores_each_answer_once(open_wave, admin):
    campaign, wave, _tokens, _people = open_wave
    close(admin, campaign)

    again = services.publish_wave(wave.pk)

    assert again == 0
    assert Submission.objects.filter(wave=wave).count() == 5


def test_the_trend_holds_closed_waves_only_and_does_not_move_with_the_open_one(
    admin, team_alpha, client_for
):
    people = members(team_alpha, 6)
    campaign, first, tokens = launched(admin, teams=[team_alpha], schedule="monthly")
    for person in people[:5]:
        answer_through_link(tokens[person.email], full_answers(campaign, 4, 9))
    Wave.objects.filter(pk=first.pk).update(closes_at=timezone.now() - datetime.timedelta(days=1))
    services.publish_closed_waves()
    with TestCase.captureOnCommitCallbacks(execute=True):
        (second,) = services.open_due_waves(now=timezone.now() + datetime.timedelta(days=32))
    links = {p.email: t for p, t in zip(people, _second_links(second, people), strict=True)}
    client = client_for(admin)
    url = reverse("pulse:campaign-detail", args=[campaign.pk]) + "?wave=1"

    before = client.get(url).context["trend_chart"]
    for person in people[:5]:
        answer_through_link(links[person.email], full_answers(campaign, 1, 0))
    after = client.get(url).context["trend_chart"]
    latest = client.get(f"/api/v1/pulse/campaigns/{campaign.pk}/results").json()

    assert before == after
    assert before["labels"] == ["Wave 1"]
    assert latest["wave"] == 2
    assert latest["published"] is False
    assert latest["groups"] == []


def _second_links(wave, people):
    from groundswell.pulse.tests.factories import links_in_outbox

    found = links_in_outbox()
    assert wave.participations.filter(invited_at__isnull=False).count() == len(people)
    return [found[p.email] for p in people]


def test_no_shown_group_can_be_subtracted_from_its_parent_to_expose_a_small_one(
    admin, client_for, team_alpha, team_beta, customer_service, billing
):
    """Alpha 7, Beta 2, Invoices 6 answer: every parent minus its shown children leaves
    nothing or at least the minimum, through every filter the API offers."""
    from groundswell.people.tests.factories import TeamFactory

    invoices = TeamFactory.create(department=billing, name="Invoices 2")
    groups = {team_alpha: 7, team_beta: 2, invoices: 6}
    people = {team: members(team, count) for team, count in groups.items()}
    campaign, _wave, tokens = launched(admin, departments=[customer_service, billing])
    for team_people in people.values():
        for person in team_people:
            answer_through_link(tokens[person.email], full_answers(campaign, 2, 3))
    close(admin, campaign)
    client = client_for(admin)
    api = f"/api/v1/pulse/campaigns/{campaign.pk}/results"

    views = [client.get(api).json()]
    views += [client.get(f"{api}?team={team.pk}").json() for team in groups]
    views += [client.get(f"{api}?department={d.pk}").json() for d in (customer_service, billing)]

    figures: dict[str, int | None] = {}
    for view in views:
        for group in view["groups"]:
            figures.setdefault(group["label"], group["respondents"])
            assert figures[group["label"]] == group["respondents"]  # one figure per group
    shown = {label: n for label, n in figures.items() if n is not None}
    assert all(n >= 5 for n in shown.values())
    assert "Beta" not in shown
    organisation = shown["Whole organisation"]
    departments = [shown.get("Customer Service"), shown.get("Billing")]
    remainder = organisation - sum(n for n in departments if n)
    assert remainder == 0 or remainder >= 5
    stored = Submission.objects.values_list("department", "team", "tenure_band")
    assert all(n >= 5 for n in _cell_sizes(stored).values())


def _cell_sizes(rows):
    sizes: dict[tuple[int | None, int | None], int] = {}
    for department, team, _band in rows:
        sizes[(department, team)] = sizes.get((department, team), 0) + 1
    return sizes
