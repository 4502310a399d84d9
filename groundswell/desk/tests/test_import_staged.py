"""The set-wise import (imports/staged.py) against the row-by-row path: the same rows stored,
the same counts, and for any file SQL cannot vouch for, the row-by-row path's own outcome.

Each file is imported both ways from the same starting point (each in a savepoint rolled
back afterwards), and the stored interactions compared field by field in id order.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from groundswell.desk import imports
from groundswell.desk.models import Interaction
from groundswell.desk.tests.factories import InteractionFactory
from groundswell.desk.tests.test_import_paths import HEADER, ROWS, STORED_FIELDS, WHEN
from groundswell.people.tests.factories import PersonFactory

# Good rows SQL vouches for, in every shape it reads (ASCII cells, no customer, no topics).
CLEAN = [
    f"s-1,Parcel lost,email,open,Alpha,{WHEN},,agent@example.test,,Kim,en,60,",
    "s-2,Wrong size,CHAT,Resolved,customer-service-alpha,2026-10-02 09:00:00,"
    "2026-10-02 09:30:00,,,,,,",
    f"  s-3  ,  Spaces around  ,  phone ,,  alpha ,{WHEN},,AGENT@EXAMPLE.TEST,,,en-GB,0,",
    f",No id at all,email,closed,Alpha,{WHEN},{WHEN},,,,,,",
    f",No id either,web,closed,Alpha,{WHEN},,,,,,,",
    f"s-5,Not ready agent,email,open,Alpha,{WHEN},,new@example.test,,,,2147483647,",
    "s-6,Naive dates,email,pending,Alpha,2026-10-01T10:00:00,2026-10-01T10:00:00,,,,,,",
    "s-7,Offsets,email,open,Alpha,2026-10-01T10:00:00+14:00,2026-10-01T10:00:00-05:30,,,,,,",
    f"s-8,{'s' * 255},email,open,Alpha,{WHEN},,,,{'n' * 200},,,",
    f"{'i' * 120},Longest id,email,open,Alpha,{WHEN},,,,,,,",
    f"s-10,Default team,email,open,,{WHEN},,,,,,,",
    f"s-11,Team by id,email,open,{{alpha_id}},{WHEN},,,,,,0007,",
]

# Good rows SQL leaves to the row-by-row path, which imports them.
OTHER_GOOD = [
    f"o-1,Café,email,open,Alpha,{WHEN},,,,,,,",
    f"o-2,With a customer,email,open,Alpha,{WHEN},,,kim@example.test,Kim,,,",
    f"o-3,With topics,email,open,Alpha,{WHEN},,,,,,,refunds",
    "o-4,Zulu,email,open,Alpha,2026-10-01T10:00:00Z,,,,,,,",
    "o-5,Fractions,email,open,Alpha,2026-10-01T10:00:00.250000+00:00,,,,,,,",
    "o-6,Short form,email,open,Alpha,2026-10-01 10:00,,,,,,,",
    "o-7,Far offset,email,open,Alpha,2026-10-01T10:00:00+20:00,,,,,,,",
    f"o-8,Tab\tinside,email,open,Alpha,{WHEN},,,,,,,",
    f"o-9,Long number,email,open,Alpha,{WHEN},,,,,,00000000060,",
]


@pytest.fixture
def people(agent, team_alpha, team_invoices):
    PersonFactory.create(email="new@example.test", team=team_alpha, on_readiness_hold=True)


def _file(rows, team_alpha, header=HEADER):
    rows = [row.replace("{alpha_id}", str(team_alpha.pk)) for row in rows]
    return (header + "".join(row + "\n" for row in rows)).encode()


def _stored():
    rows = Interaction.objects.order_by("id").values_list(
        *STORED_FIELDS, "created_at", "updated_at"
    )
    return [(*row[:-2], row[-2] == row[-1]) for row in rows]


def _both(content, **options):
    """(outcome, stored rows) of the set-wise path and of the row-by-row path."""
    results = []
    for staged in (True, False):
        with transaction.atomic():
            outcome = imports.import_file(content=content, staged=staged, **options)
            results.append((outcome, _stored()))
            transaction.set_rollback(True)
    return results


def _same(content, **options):
    """Import both ways; assert the same outcome and rows; the set-wise path's outcome."""
    (staged, staged_rows), (reference, reference_rows) = _both(content, **options)
    assert reference.plan.staged is None
    assert staged_rows == reference_rows
    assert (staged.committed, staged.created, staged.updated) == (
        reference.committed,
        reference.created,
        reference.updated,
    )
    for plan, expected in ((staged.plan, reference.plan),):
        assert (plan.total, plan.new_count, plan.update_count, plan.not_ready_count) == (
            expected.total,
            expected.new_count,
            expected.update_count,
            expected.not_ready_count,
        )
        assert plan.problems == expected.problems
        assert plan.file_problems == expected.file_problems
        assert plan.csv() == expected.csv()
    return staged


def test_a_clean_file_is_written_set_wise_with_the_same_rows(manager, team_alpha, people):
    outcome = _same(_file(CLEAN, team_alpha), actor=manager, default_team=team_alpha)

    assert outcome.plan.staged == (12, 0, 1)
    assert outcome.committed


def test_the_benchmark_s_shape_is_written_set_wise(manager, team_alpha):
    header = "external_id,subject,channel,status,team_id,opened_at,handle_time_seconds\n"
    rows = [
        f"b-{n},Refund not received,email,closed,{team_alpha.pk},2026-01-01T00:{n:02}:00+00:00,"
        f"{60 + n}"
        for n in range(50)
    ]

    outcome = _same(_file(rows, team_alpha, header), actor=manager)

    assert outcome.plan.staged == (50, 0, 0)


def test_ids_keep_the_file_s_order(manager, team_alpha):
    rows = [f"z-{n},Row {n},email,open,Alpha,{WHEN},,,,,,," for n in (3, 1, 2)]

    outcome = imports.import_file(actor=manager, content=_file(rows, team_alpha))

    assert outcome.plan.staged is not None
    stored = Interaction.objects.order_by("id").values_list("external_id", flat=True)
    assert list(stored) == ["z-3", "z-1", "z-2"]


def test_a_naive_date_in_another_site_zone_takes_the_row_by_row_path(manager, team_alpha, settings):
    settings.TIME_ZONE = "Europe/Paris"
    timezone.activate("Europe/Paris")
    try:
        outcome = _same(_file([CLEAN[6]], team_alpha), actor=manager)
    finally:
        timezone.deactivate()
    assert outcome.plan.staged is None
    assert outcome.created == 1


@pytest.mark.parametrize("row", OTHER_GOOD)
def test_good_rows_sql_cannot_vouch_for_take_the_row_by_row_path(manager, team_alpha, people, row):
    outcome = _same(_file([*CLEAN, row], team_alpha), actor=manager, default_team=team_alpha)

    assert outcome.plan.staged is None
    assert outcome.committed
    assert outcome.created == 13


@pytest.mark.parametrize("skip_bad_rows", [False, True])
def test_each_bad_row_gets_the_row_by_row_report(
    manager, team_alpha, people, team_invoices, skip_bad_rows
):
    InteractionFactory.create(source="groundswell", external_id="q-other", team=team_invoices)
    InteractionFactory.create(source="groundswell", external_id="q-mine", team=team_alpha)
    bad = ROWS[10:]
    assert len(bad) > 28
    for row in bad:
        outcome = _same(
            _file([*CLEAN, row], team_alpha), actor=manager, skip_bad_rows=skip_bad_rows
        )
        if outcome.plan.problems:
            assert outcome.plan.staged is None, row
    # The whole file of every kind at once, too.
    outcome = _same(_file(ROWS, team_alpha), actor=manager, skip_bad_rows=skip_bad_rows)
    assert outcome.plan.staged is None
    assert len(outcome.plan.problems) > 28


def test_known_ids_are_updated_by_one_statement_alike(manager, team_alpha, people):
    first = _file(CLEAN, team_alpha)
    imports.import_file(actor=manager, content=first, default_team=team_alpha, staged=False)
    changed = [
        CLEAN[0].replace("Parcel lost", "Parcel found"),
        CLEAN[1].replace(",Resolved,", ",closed,"),
        *CLEAN[2:],
        f"s-new,A new row,email,open,Alpha,{WHEN},,,,,,,",
    ]
    before = dict(Interaction.objects.values_list("external_id", "updated_at"))

    outcome = _same(_file(changed, team_alpha), actor=manager, default_team=team_alpha)

    # Rows without an id are new each time; the ten with ids update.
    assert outcome.plan.staged == (3, 10, 1)
    with transaction.atomic():
        imports.import_file(
            actor=manager, content=_file(changed, team_alpha), default_team=team_alpha
        )
        after = dict(Interaction.objects.values_list("external_id", "updated_at"))
        transaction.set_rollback(True)
    moved = sorted(key for key in before if key and after[key] != before[key])
    assert moved == ["s-1", "s-2"]


def test_sending_the_same_file_again_rewrites_nothing(manager, team_alpha, people):
    content = _file(CLEAN, team_alpha)
    imports.import_file(actor=manager, content=content, default_team=team_alpha)
    before = list(Interaction.objects.order_by("id").values_list("id", "updated_at"))

    outcome = imports.import_file(actor=manager, content=content, default_team=team_alpha)

    assert outcome.plan.staged == (2, 10, 1)  # the two rows without an id are new again
    after = list(Interaction.objects.order_by("id").values_list("id", "updated_at"))
    assert after[: len(before)] == before


def test_an_id_of_another_team_s_interaction_gets_the_row_by_row_refusal(
    manager, team_alpha, team_invoices
):
    InteractionFactory.create(source="groundswell", external_id="s-1", team=team_invoices)

    outcome = _same(
        _file([CLEAN[3], CLEAN[0].replace(",agent@example.test,", ",,")], team_alpha), actor=manager
    )

    assert outcome.plan.staged is None
    assert not outcome.committed
    assert [problem.column for problem in outcome.plan.problems] == ["team"]


def test_someone_who_may_not_import_is_refused_before_anything_is_staged(team_lead, team_alpha):
    content = _file([CLEAN[3]], team_alpha)

    for staged in (True, False):
        with pytest.raises(PermissionDenied):
            imports.import_file(actor=team_lead, content=content, staged=staged)

    assert Interaction.objects.count() == 0
