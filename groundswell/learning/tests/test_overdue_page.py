"""The overdue-refreshers page read as plain rows (selectors.overdue_page): who sees whose
expired certificates, by team, in expiry order, in a number of queries that does not grow with
the rows (bench/learning.py times it at 100,000 people)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import _person
from groundswell.learning import selectors, services
from groundswell.learning.models import Course
from groundswell.people.choices import Role


@pytest.fixture
def course(customer_service):
    return Course.objects.create(
        department=customer_service, title="Listening", content="x", refresher_months=12
    )


def expired(manager, course, person, days):
    day = timezone.localdate() - datetime.timedelta(days=days)
    services.record_completion(actor=manager, course=course, person=person, completed_on=day)


def test_each_viewer_reads_the_rows_in_their_reach_in_expiry_order(
    manager, team_lead, agent, other_agent, course
):
    expired(manager, course, agent, 400)
    expired(manager, course, other_agent, 500)
    gone = _person(Role.AGENT, "gone@example.test", agent.team)
    expired(manager, course, gone, 450)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    everyone = selectors.overdue_page(manager).rows
    beta_only = selectors.overdue_page(manager, team=other_agent.team).rows
    led = selectors.overdue_page(team_lead).rows
    own = selectors.overdue_page(agent).rows

    assert [row.person for row in everyone] == [other_agent.full_name, agent.full_name]
    assert [row.person for row in beta_only] == [other_agent.full_name]
    assert [row.person for row in led] == [agent.full_name]
    assert [row.person for row in own] == [agent.full_name]
    assert everyone[1].team == agent.team.name
    assert everyone[1].course == "Listening"
    assert everyone[1].course_url == f"/learning/courses/{course.pk}/"
    assert everyone[1].expired_on == timezone.localdate() - datetime.timedelta(days=400 - 365)


@pytest.mark.parametrize("role", ["manager", "team_lead"])
def test_the_page_reads_a_fixed_number_of_queries(role, org, client_for, course):
    client = client_for(org[role])
    expired(org["manager"], course, org["agent"], 400)
    client.get("/learning/refreshers/overdue/")  # warm the session and the person
    with CaptureQueriesContext(connection) as one:
        first = client.get("/learning/refreshers/overdue/")
    for n in range(4):
        person = _person(Role.AGENT, f"more{n}@example.test", org["agent"].team)
        expired(org["manager"], course, person, 400 + n)
    with CaptureQueriesContext(connection) as five:
        second = client.get("/learning/refreshers/overdue/")

    assert first.status_code == second.status_code == 200
    assert second.content.decode().count("/learning/courses/") >= 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_team_filter_keeps_its_choice_and_refuses_a_team_out_of_reach(
    client_for, team_lead, other_agent, agent
):
    client = client_for(team_lead)

    chosen = client.get(f"/learning/refreshers/overdue/?team={agent.team.pk}")
    refused = client.get(f"/learning/refreshers/overdue/?team={other_agent.team.pk}")

    assert f'<option value="{agent.team.pk}" selected>' in chosen.content.decode()
    assert refused.status_code == 400


def test_the_list_pages_by_keyset_without_losing_or_repeating_a_line(
    manager, agent, course, monkeypatch
):
    monkeypatch.setattr(selectors, "OVERDUE_PAGE_ROWS", 2)
    people = [agent] + [
        _person(Role.AGENT, f"page{n}@example.test", agent.team, full_name=f"Page {n}")
        for n in range(4)
    ]
    for person in people:  # two expire on the same day: the id breaks the tie
        expired(manager, course, person, 400 if person.pk % 2 else 401)

    seen, after, pages = [], "", 0
    while True:
        page = selectors.overdue_page(manager, after=after)
        seen += [row.person for row in page.rows]
        pages += 1
        if page.after is None:
            break
        after = page.after

    assert pages == 3
    assert sorted(seen) == sorted(p.full_name for p in people)
    assert len(seen) == len(set(seen))


def test_a_cursor_that_is_not_one_is_refused(client_for, manager):
    response = client_for(manager).get("/learning/refreshers/overdue/?after=yesterday")

    assert response.status_code == 400
    assert "is not a page of this list" in response.content.decode()


def test_team_names_are_escaped_in_the_filter(client_for, manager, team_alpha):
    team_alpha.name = '<b>"Alpha" & co</b>'
    team_alpha.save(update_fields=["name"])

    text = client_for(manager).get("/learning/refreshers/overdue/").content.decode()

    assert (
        f'<option value="{team_alpha.pk}">&lt;b&gt;&quot;Alpha&quot; &amp; co&lt;/b&gt;</option>'
        in text
    )
    assert '<b>"Alpha"' not in text
