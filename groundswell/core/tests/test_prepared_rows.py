"""PreparedRows: a values() query's rows as the ORM gives them, the SQL compiled once per shape."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F, QuerySet, Value
from django.db.models.fields import DateField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groundswell.core.lib.prepared import PreparedRows
from groundswell.people.models import Person, Team
from groundswell.voice.models import Response
from groundswell.voice.tests import factories as data

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def _by_team(
    since: datetime.datetime, team_ids: list[int] | None, channel: str, day: datetime.date
) -> QuerySet[Any]:
    rows = Response.objects.filter(submitted_at__gte=since)
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    if channel:
        rows = rows.filter(channel=channel)
    return (
        rows.values(g_day=Value(day, output_field=DateField()), g_team=F("team_id"))
        .order_by("g_team")
        .annotate(n=Count("pk"))
    )


BY_TEAM = PreparedRows(_by_team)


@pytest.fixture
def answers(team_alpha: Team, team_beta: Team, agent: Person) -> None:
    now = timezone.now()
    data.answers(team_alpha, "csat", [5, 4, 1], at=now - HOUR, agent=agent)
    data.answers(team_alpha, "csat", [3], at=now - 30 * HOUR, agent=agent, channel="phone")
    data.answers(team_beta, "nps", [10, 9], at=now - 2 * HOUR, channel="phone")


@pytest.mark.usefixtures("answers")
def test_rows_equal_the_orm_for_every_shape(team_alpha: Team, team_beta: Team) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    cases = [
        (now - 48 * HOUR, None, "", today),
        (now - 3 * HOUR, None, "", today - datetime.timedelta(days=3)),
        (now - 48 * HOUR, [team_alpha.pk], "", today),
        (now - 48 * HOUR, [team_beta.pk], "", today),
        (now - 48 * HOUR, [team_alpha.pk, team_beta.pk], "phone", today),
        (now - 48 * HOUR, [team_alpha.pk], "phone", today),
    ]
    for arguments in cases:
        assert BY_TEAM.rows(*arguments) == list(_by_team(*arguments)), arguments
    # values swapped in, converted back: a date stays a date, counts are the new ones
    rows = BY_TEAM.rows(now - 48 * HOUR, [team_alpha.pk], "", today)
    assert rows == [{"g_day": today, "g_team": team_alpha.pk, "n": 4}]
    assert BY_TEAM.rows(now - 3 * HOUR, [team_alpha.pk], "", today)[0]["n"] == 3


@pytest.mark.usefixtures("answers")
def test_compiled_once_per_shape_and_an_empty_list_sends_nothing(team_alpha: Team) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    prepared = PreparedRows(_by_team)
    prepared.rows(now - HOUR, [team_alpha.pk], "", today)
    prepared.rows(now - 2 * HOUR, [team_alpha.pk + 1000], "", today)
    shapes = getattr(connection, prepared.attribute)
    assert len(shapes) == 1
    prepared.rows(now - HOUR, [team_alpha.pk], "chat", today)
    assert len(shapes) == 2
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows(now - HOUR, [], "", today) == []
    assert len(queries) == 0


def test_mistakes_are_named(team_alpha: Team) -> None:
    now = timezone.now()
    ignores_its_argument = PreparedRows(lambda since: Response.objects.values("team_id"))
    with pytest.raises(ImproperlyConfigured, match="Argument 0"):
        ignores_its_argument.rows(now)
    with pytest.raises(TypeError, match="booleans"):
        BY_TEAM.rows(now, None, "", True)
    with pytest.raises(TypeError, match="float"):
        BY_TEAM.rows(now, None, "", 1.5)
