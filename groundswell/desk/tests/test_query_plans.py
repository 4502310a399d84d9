"""The ingest lookups by (source, external_id) use the partial unique index, never a scan.

The index only covers rows with an external id, so a query must carry the index's condition
in a form the database recognises; SQLite in particular scans the whole table otherwise.
"""

import pytest
from django.db import connection

from groundswell.desk import imports, services
from groundswell.desk.models import Interaction
from groundswell.people.models import Team

from .factories import InteractionFactory

pytestmark = [
    pytest.mark.django_db,
    # PostgreSQL proves the index's condition from the literal id itself (parameters are
    # interpolated on the client), and on a test-sized table its planner rightly picks any
    # index, so the plan says nothing there. SQLite is where the scan happened.
    pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite query-plan check"),
]

INDEX = "interaction_unique_external_id"


def _plan(sql: str, params: list[object]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(part) for row in cursor.fetchall() for part in row)


@pytest.fixture
def some_interactions(team_alpha: Team) -> None:
    for number in range(3):
        InteractionFactory.create(team=team_alpha, source="zendesk", external_id=f"Z-{number}")


def test_the_upsert_lookup_uses_the_index(some_interactions: None) -> None:
    lookup = services._INTERACTION_BY_EXTERNAL_ID
    assert lookup.get("zendesk", "Z-1") is not None
    compiled = getattr(connection, lookup.attribute)
    params = list(compiled.params)
    for index, key in zip(compiled.key_indexes, ["zendesk", "Z-1"], strict=True):
        params[index] = key
    assert INDEX in _plan(compiled.sql, params)


def test_the_import_match_uses_the_index(some_interactions: None) -> None:
    sql = imports.match_sql(2)
    assert INDEX in _plan(sql, ["zendesk", "Z-1", "Z-2"])


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ({"customer_id": 1}, "interaction_customer"),
        ({"customer_id__in": [1, 2]}, "interaction_customer"),  # what PROTECT asks on delete
        ({"handled_by_id": 1}, "interaction_agent_opened"),
        ({"requester_person_id": 1}, "interaction_requester"),
    ],
)
def test_lookups_by_a_nullable_link_use_its_partial_index(
    some_interactions: None, lookup: dict[str, object], index: str
) -> None:
    """The customer, agent and requester indexes hold only rows where the link is set; a
    lookup by a value implies it is set, so SQLite still uses them (and no insert of a row
    without one pays for them)."""
    query = Interaction.objects.filter(**lookup).order_by("-opened_at").query
    sql, params = query.sql_with_params()
    assert index in _plan(sql, list(params))
