"""The kudos export: what is shown publicly in the viewer's scope, as rows for `tabular`.

Private kudos, hidden ones and those about someone who opted out of public display or left
never leave through an export; the rows go through `core.lib.tabular`, which neutralises text
a spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator

from groundswell.core.lib import tabular
from groundswell.people.models import Person
from groundswell.recognition import reach
from groundswell.recognition.models import Kudos

COLUMNS: tabular.Row = (
    "id",
    "given_at",
    "from",
    "to_person",
    "to_team",
    "department",
    "values",
    "message",
    "source",
)


def kudos_rows(viewer: Person) -> Iterator[tabular.Row]:
    """The header, then one row per shown kudos in scope, newest first, read in chunks."""
    yield COLUMNS
    kudos = (
        reach.scoped_kudos(viewer, Kudos.objects.in_feed())
        .select_related("giver", "recipient", "team", "department")
        .prefetch_related("values")
        .order_by("-created_at", "-pk")
    )
    for item in kudos.iterator(chunk_size=2000):
        yield (
            item.pk,
            item.created_at,
            item.giver.full_name,
            item.recipient.full_name if item.recipient else None,
            item.team.name if item.team else None,
            item.department.name,
            "; ".join(value.name for value in item.values.all()),
            item.message,
            item.source,
        )
