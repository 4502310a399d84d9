"""Reach and fairness, and the kudos export: per role, with denials and the minimum group."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

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
