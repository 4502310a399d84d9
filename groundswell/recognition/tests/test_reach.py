"""Reach and fairness, and the kudos export: per role, with denials and the minimum group."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.people.tests.factories import PersonFactory
from groundswell.recognition import reach
from groundswell.recognition.models import Kudos, Preference


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),
        ("team_lead", 200),
        ("manager", 200),
        ("executive", 200),
        ("admin", 200),
        ("outsider", 403),
    ],
)
@pytest.mark.parametrize("name", ["recognition:reach", "recognition:kudos-export"])
def test_only_leaders_open_reach_and_export(name, role, status, org, client_for, respect):
    assert client_for(org[role]).get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", ["recognition:reach", "recognition:kudos-export"])
def test_visitors_are_sent_to_sign_in(name, client, db):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _rows(reach_rows):
    return {row.team_name: row for row in reach_rows}


def test_team_shares_counted_per_team_in_scope(org, give, settings):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 1
    give(org["team_lead"], recipient=org["agent"])
    give(org["agent"], recipient=org["other_agent"])
    give(org["outsider"], recipient=org["agent"])

    lead = _rows(reach.team_reach(org["team_lead"]))
    manager = _rows(reach.team_reach(org["manager"]))
    everyone = _rows(reach.team_reach(org["executive"]))

    assert set(lead) == {"Alpha"}
    assert set(manager) == {"Alpha", "Beta"}
    assert set(everyone) >= {"Alpha", "Beta", "Invoices"}
    alpha = manager["Alpha"]
    assert (alpha.people, alpha.recognised, alpha.givers) == (2, 1, 2)
    assert alpha.share == pytest.approx(0.5)
    assert (manager["Beta"].people, manager["Beta"].recognised) == (1, 1)
    assert (everyone["Invoices"].recognised, everyone["Invoices"].givers) == (0, 1)


def test_a_team_below_the_minimum_group_shows_n_but_no_share(org, give, client_for, settings):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 3
    give(org["team_lead"], recipient=org["agent"])

    alpha = _rows(reach.team_reach(org["manager"]))["Alpha"]
    page = client_for(org["manager"]).get(reverse("recognition:reach")).content.decode()

    assert alpha.people == 2
    assert alpha.share is None
    assert "fewer than 3 people" in page
    assert "50%" not in page


def test_hidden_and_old_kudos_do_not_count(org, give, settings):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 1
    hidden = give(org["team_lead"], recipient=org["agent"])
    Kudos.objects.filter(pk=hidden.pk).update(is_hidden=True)
    old = give(org["other_agent"], recipient=org["agent"])
    Kudos.objects.filter(pk=old.pk).update(created_at=old.created_at - datetime.timedelta(days=31))

    alpha = _rows(reach.team_reach(org["team_lead"]))["Alpha"]

    assert alpha.recognised == 0


def test_totals_and_values_come_from_the_scope(org, give, respect):
    give(org["team_lead"], recipient=org["agent"])
    give(org["other_agent"], recipient=org["agent"])
    give(org["outsider"], recipient=org["other_agent"])

    lead = reach.reach_for(org["team_lead"])
    manager = reach.reach_for(org["manager"])

    assert (lead.kudos, lead.givers, lead.receivers) == (2, 2, 1)
    assert (manager.kudos, manager.givers, manager.receivers) == (3, 3, 2)
    assert [(v.name, v.kudos) for v in manager.by_value] == [("Respect", 3)]


def test_quiet_people_are_listed_for_their_lead_only(org, give, client_for):
    quiet = PersonFactory.create(
        team=org["agent"].team, department=org["agent"].department, full_name="Quinn Quiet"
    )
    give(org["team_lead"], recipient=org["agent"])

    assert reach.quiet_people(org["team_lead"]) == [quiet]
    in_department = reach.quiet_people(org["manager"]) or []
    assert org["other_agent"] in in_department
    assert quiet in in_department
    assert org["outsider"] not in in_department
    assert reach.quiet_people(org["executive"]) is None
    assert reach.quiet_people(org["admin"]) is None
    lead_page = client_for(org["team_lead"]).get(reverse("recognition:reach")).content.decode()
    exec_page = client_for(org["executive"]).get(reverse("recognition:reach")).content.decode()
    assert "Quinn Quiet" in lead_page
    assert "Ben Beta" not in lead_page
    assert "Quinn Quiet" not in exec_page


def test_reach_takes_a_fixed_number_of_queries(org, give, django_assert_max_num_queries):
    for _ in range(3):
        give(org["team_lead"], recipient=org["agent"], idempotency_key=None)
    with django_assert_max_num_queries(8):
        reach.reach_for(org["manager"])


def _export(client):
    response = client.get(reverse("recognition:kudos-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_export_holds_only_shown_kudos_in_scope(org, give, client_for):
    shown = give(org["team_lead"], recipient=org["agent"], message="=HYPERLINK(1) great call")
    give(org["team_lead"], recipient=org["agent"], is_private=True, message="private thanks")
    hidden = give(org["other_agent"], recipient=org["agent"], message="hidden one")
    Kudos.objects.filter(pk=hidden.pk).update(is_hidden=True)
    give(org["agent"], recipient=org["other_agent"], message="to an opted-out person")
    Preference.objects.create(person=org["other_agent"], hide_from_feed=True)
    give(org["agent"], recipient=org["outsider"], message="billing thanks")

    lead_rows = _export(client_for(org["team_lead"]))
    exec_rows = _export(client_for(org["executive"]))

    assert [row["id"] for row in lead_rows] == [str(shown.pk)]
    assert lead_rows[0]["message"] == "'=HYPERLINK(1) great call"
    assert lead_rows[0]["values"] == "Respect"
    assert lead_rows[0]["to_person"] == "Ada Agent"
    assert {row["message"] for row in exec_rows} == {"'=HYPERLINK(1) great call", "billing thanks"}


# Recognition against customer satisfaction, month by month --------------------------------------


def _answer(team, agent, score, when, capture):
    from groundswell.voice.invitations.services import record_response
    from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

    interaction = make_interaction(team, customer=make_customer(), handled_by=agent)
    invitation, _token = make_invitation(interaction)
    with capture(execute=True):
        record_response(invitation, score=score, now=when)


def test_the_trend_gives_each_month_its_share_recognised_and_csat_with_n_and_interval(
    org, give, settings, django_capture_on_commit_callbacks
):
    from groundswell.recognition import trend

    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 2
    team = org["agent"].team  # Alpha: the agent and the lead
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    # The Wednesday of the week holding last month's 10th: its Thursday is in that month.
    tenth = last_month.replace(day=10)
    wednesday = tenth - datetime.timedelta(days=(tenth.weekday() - 2) % 7)
    when = timezone.make_aware(datetime.datetime.combine(wednesday, datetime.time(12)))
    kudos = give(org["other_agent"], recipient=org["agent"])
    Kudos.objects.filter(pk=kudos.pk).update(created_at=when)
    for score in (5, 4, 2):
        _answer(team, org["agent"], score, when, django_capture_on_commit_callbacks)

    shown = trend.trend_for(org["manager"], team)

    assert len(shown.months) == trend.MONTHS
    assert shown.months[-1].month == this_month
    assert shown.months[-1].recognised == 0
    point = shown.months[-2]
    assert point.month == last_month
    assert (point.people, point.recognised) == (2, 1)
    assert point.share is not None
    assert point.share.value == pytest.approx(50.0)
    assert point.share.interval is not None
    assert point.share.interval.low < 50 < point.share.interval.high
    assert point.csat is not None
    assert (point.csat.n, round(point.csat.favourable)) == (3, 67)
    assert point.csat.interval is not None
    earlier = shown.months[0]
    assert (earlier.recognised, earlier.csat, earlier.csat_n) == (0, None, 0)
    recognised = next(series for series in shown.series if series.name == "recognised")
    assert len(recognised.dots) == trend.MONTHS
    assert len(recognised.segments) == trend.MONTHS - 1


def test_the_trend_holds_back_small_groups_and_few_answers(org, give, settings):
    from groundswell.recognition import trend

    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 3
    give(org["other_agent"], recipient=org["agent"])

    shown = trend.trend_for(org["executive"], org["agent"].team)

    assert all(point.share is None and point.csat is None for point in shown.months)
    assert shown.months[-1].people == 2
    assert all(series.dots == [] for series in shown.series)


@pytest.mark.parametrize(
    ("role", "team", "status"),
    [
        ("team_lead", "agent", 200),
        ("team_lead", "other_agent", 404),  # Beta: not a team the lead looks after
        ("manager", "other_agent", 200),
        ("manager", "outsider", 404),  # Billing: another department
        ("executive", "outsider", 200),
        ("admin", "outsider", 200),
    ],
)
def test_the_reach_page_shows_the_trend_of_a_team_in_scope(role, team, status, org, client_for):
    url = reverse("recognition:reach") + f"?team={org[team].team_id}"

    response = client_for(org[role]).get(url)

    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert "Recognition and customer satisfaction" in text
        assert 'data-series="csat"' in text
        assert f'<option value="{org[team].team_id}" selected>' in text


def test_a_bad_team_on_the_reach_page_is_a_404(org, client_for):
    client = client_for(org["admin"])

    assert client.get(reverse("recognition:reach") + "?team=x").status_code == 404
    assert client.get(reverse("recognition:reach") + "?team=999999").status_code == 404
