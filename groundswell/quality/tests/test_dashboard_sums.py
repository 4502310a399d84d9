"""The dashboard's sums (grouped by SQL, the by-criterion table from the team rollups) against
a straightforward reading of the agents' rollup rows, as the dashboard first summed them, over
random rollups: the same figures, the same hidden ones, for each role and narrowing."""

import datetime
import random
from collections import defaultdict

import pytest
from django.db.models import Max, Q, Sum
from django.utils import timezone

from groundswell.people.permissions import Action, restrict
from groundswell.quality import dashboard, rollups
from groundswell.quality.models import (
    TeamWeeklyCriterionRollup,
    WeeklyCriterionRollup,
    WeeklyQualityRollup,
)
from groundswell.quality.tests.test_dashboard import worked  # noqa: F401 - a fixture

MINIMUM = 3
CRITERIA = [("ownership", "Takes ownership"), ("steps", "Explains next steps"), ("answer", "")]


@pytest.fixture
def random_rollups(request, settings, team_alpha, team_beta, team_invoices, org):
    """Rollup rows for 14 weeks, at random, as the refresh leaves them: agents' rows, and
    the team rows summed from them. Besides each agent's own team, people's work in a team
    outside their reach (the manager's and the lead's in other teams, an agent's in another
    department), and interactions nobody handled."""
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = MINIMUM
    draw = random.Random(request.param)  # noqa: S311 - test data, seeded
    cells = [
        (team_alpha, org["agent"]),
        (team_beta, org["other_agent"]),
        (team_invoices, org["outsider"]),
        (team_alpha, None),
        (team_invoices, org["manager"]),
        (team_beta, org["team_lead"]),
        (team_invoices, org["agent"]),
        (team_alpha, org["other_agent"]),
    ]
    this_week = rollups.monday(timezone.localdate())
    weekly, criteria = [], []
    for back in range(14):
        week = this_week - datetime.timedelta(weeks=back)
        for team, agent in cells:
            if draw.random() < 0.25:
                continue
            interactions = draw.randint(0, 6)
            reviews = draw.randint(0, interactions)
            weekly.append(
                WeeklyQualityRollup(
                    week=week,
                    team=team,
                    agent=agent,
                    interactions=interactions,
                    reviewed=draw.randint(0, reviews),
                    reviews=reviews,
                    score_sum=float(sum(draw.randint(0, 100) for _ in range(reviews))),
                    failed=0,
                    disputed=draw.randint(0, reviews),
                )
            )
            for key, label in CRITERIA:
                scored = draw.randint(0, reviews)
                if scored:  # fractions in quarters: sums are exact in any order
                    criteria.append(
                        WeeklyCriterionRollup(
                            week=week,
                            team=team,
                            agent=agent,
                            criterion_key=key,
                            label=label or f"Accurate answer, version {draw.randint(1, 3)}",
                            scored=scored,
                            fraction_sum=sum(draw.randint(0, 4) for _ in range(scored)) / 4,
                        )
                    )
    WeeklyQualityRollup.objects.bulk_create(weekly)
    WeeklyCriterionRollup.objects.bulk_create(criteria)
    TeamWeeklyCriterionRollup.objects.bulk_create(rollups.team_criteria(criteria))
    return org


def straightforward(viewer, *, weeks=12, team=None, agent=None):
    """Every agent row in reach read into Python and summed there."""
    since = rollups.monday(timezone.localdate()) - datetime.timedelta(weeks=weeks - 1)
    mine = Q(agent=viewer)
    weekly = restrict(
        WeeklyQualityRollup.objects.filter(week__gte=since),
        viewer,
        Action.VIEW_QUALITY,
        team="team",
        also=mine,
    )
    criteria = restrict(
        WeeklyCriterionRollup.objects.filter(week__gte=since),
        viewer,
        Action.VIEW_QUALITY,
        team="team",
        also=mine,
    )
    if team is not None:
        weekly, criteria = weekly.filter(team=team), criteria.filter(team=team)
    if agent is not None:
        weekly, criteria = weekly.filter(agent=agent), criteria.filter(agent=agent)
    total = dashboard._Sums()
    by_week: dict[datetime.date, dashboard._Sums] = defaultdict(dashboard._Sums)
    by_team: dict[tuple[str, int], dashboard._Sums] = defaultdict(dashboard._Sums)
    by_agent: dict[tuple[str, int | None], dashboard._Sums] = defaultdict(dashboard._Sums)
    for row in weekly.select_related("team", "agent"):
        cell = (row.interactions, row.reviewed, row.reviews, row.score_sum, row.disputed)
        total.add(cell)
        by_week[row.week].add(cell)
        by_team[(row.team.name, row.team_id)].add(cell)
        by_agent[(row.agent.full_name if row.agent else "—", row.agent_id)].add(cell)
    met: dict[str, tuple[str, float, int]] = {}
    for scores in criteria:
        label, summed, scored = met.get(scores.criterion_key, ("", 0.0, 0))
        met[scores.criterion_key] = (
            max(label, scores.label),
            summed + scores.fraction_sum,
            scored + scores.scored,
        )
    line = dashboard._line
    return {
        "total": line("Everything in your view", total, MINIMUM),
        "by_week": [
            line(
                str(since + datetime.timedelta(weeks=i)),
                by_week[since + datetime.timedelta(weeks=i)],
                MINIMUM,
            )
            for i in range(weeks)
        ],
        "by_team": [
            line(name, sums, MINIMUM, query=f"team={pk}")
            for (name, pk), sums in sorted(by_team.items())
        ],
        "by_agent": [
            line(name, sums, MINIMUM, query=f"agent={pk}" if pk else "")
            for (name, pk), sums in sorted(by_agent.items(), key=lambda i: (i[0][0], i[0][1] or 0))
        ],
        "by_criterion": [
            dashboard.CriterionLine(label, dashboard._figure(summed, n, MINIMUM, scale=100))
            for label, summed, n in sorted(met.values())
        ],
    }


def figures(expected):
    lines = [expected["total"], *expected["by_week"], *expected["by_team"], *expected["by_agent"]]
    found = [f for ln in lines for f in (ln.score, ln.coverage, ln.dispute_rate)]
    return found + [c.met for c in expected["by_criterion"]]


CASES = [
    ("agent", None, None),
    ("other_agent", None, None),
    ("outsider", None, None),
    ("team_lead", None, None),
    ("team_lead", None, "agent"),
    ("manager", None, None),
    ("manager", "team_beta", None),
    ("manager", None, "agent"),
    ("manager", "team_alpha", "other_agent"),
    ("executive", None, None),
    ("executive", "team_invoices", None),
    ("admin", None, "outsider"),
]


@pytest.mark.parametrize("random_rollups", [1, 2, 3], indirect=True)
@pytest.mark.parametrize(("role", "in_team", "of_agent"), CASES)
def test_the_sums_match_a_straightforward_reading(random_rollups, request, role, in_team, of_agent):
    org = random_rollups
    viewer = org[role]
    narrowed = {
        "team": request.getfixturevalue(in_team) if in_team else None,
        "agent": org[of_agent] if of_agent else None,
    }

    page = dashboard.quality_dashboard(viewer, **narrowed)
    expected = straightforward(viewer, **narrowed)

    assert page.total == expected["total"]
    assert page.by_week == expected["by_week"]
    assert page.by_team == expected["by_team"]
    assert page.by_agent == expected["by_agent"]
    assert page.by_criterion == expected["by_criterion"]


@pytest.mark.parametrize("random_rollups", [1], indirect=True)
def test_the_random_rollups_hold_shown_hidden_and_empty_figures(random_rollups):
    """Without these the comparison above could pass on data that never hides a figure."""
    found = figures(straightforward(random_rollups["executive"]))

    assert any(f.hidden for f in found)
    assert any(f.value is not None for f in found)
    manager = straightforward(random_rollups["manager"])
    assert "Otto Outsider" not in [line.label for line in manager["by_agent"]]
    assert random_rollups["manager"].full_name in [line.label for line in manager["by_agent"]]


def test_the_refresh_keeps_team_rows_summed_from_the_agents_rows(worked):  # noqa: F811
    """What the by-criterion table rests on: each team row is its agents' rows summed."""
    expected = {
        (row["week"], row["team_id"], row["criterion_key"]): (row["n"], row["total"], row["name"])
        for row in WeeklyCriterionRollup.objects.order_by()
        .values("week", "team_id", "criterion_key")
        .annotate(n=Sum("scored"), total=Sum("fraction_sum"), name=Max("label"))
    }
    teams = {
        (row.week, row.team_id, row.criterion_key): (row.scored, row.fraction_sum, row.label)
        for row in TeamWeeklyCriterionRollup.objects.all()
    }

    assert expected
    assert teams == expected


def test_the_migration_sums_the_weeks_already_rolled_up(worked):  # noqa: F811
    """Upgrading: quality 0003 fills the team rows from the agents' rows already there."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "groundswell.quality.migrations.0003_team_criterion_rollups"
    )
    before = sorted(
        TeamWeeklyCriterionRollup.objects.values_list(
            "week", "team_id", "criterion_key", "label", "scored", "fraction_sum"
        )
    )
    TeamWeeklyCriterionRollup.objects.all().delete()

    migration.sum_existing_weeks(apps, None)

    after = sorted(
        TeamWeeklyCriterionRollup.objects.values_list(
            "week", "team_id", "criterion_key", "label", "scored", "fraction_sum"
        )
    )
    assert before
    assert after == before
