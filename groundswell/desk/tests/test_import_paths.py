"""The import's quick check against the row-by-row reference: the same rows, the same report.

`check_file` passes most rows through `_Checker.quick` (lookups only) and hands the rest to
`_Checker.check`, which words every problem; `fast=False` sends every row to `check`. Both
must plan the same rows with the same values and report the same problems in the same order,
on a file holding every kind of bad row the import knows.
"""

import pytest

from groundswell.desk import imports
from groundswell.desk.models import Interaction
from groundswell.desk.tests.factories import InteractionFactory
from groundswell.people.tests.factories import PersonFactory

HEADER = (
    "external_id,subject,channel,status,team,opened_at,resolved_at,handled_by_email,"
    "customer_email,customer_name,customer_language,handle_time_seconds,topics\n"
)
WHEN = "2026-10-01T10:00:00+00:00"
ROWS = [
    # good rows, in every shape the quick check must pass as `check` does
    f"q-1,Parcel lost,email,open,Alpha,{WHEN},,agent@example.test,kim@example.test,Kim,en,60,a;b",
    "q-2,Wrong size,CHAT,Resolved,customer-service-alpha,2026-10-02 09:00,2026-10-02 09:30,,,,,,",
    f"  q-3  ,  Spaces around  ,  phone ,,  alpha ,{WHEN},,AGENT@EXAMPLE.TEST,,,en-GB,0,",
    f",No id at all,email,closed,Alpha,{WHEN},{WHEN},,Kim@Example.test,,,,x; y ;;z",
    f"q-5,Not ready agent,email,open,Alpha,{WHEN},,new@example.test,,,,2147483647,",
    "q-6,Naive dates,email,pending,Alpha,2026-10-01T10:00,2026-10-01T10:00,,,,,,",
    f"q-7,{'s' * 255},email,open,Alpha,{WHEN},,,,{'n' * 200},,,",
    f"{'i' * 120},Longest id,email,open,Alpha,{WHEN},,,,,,,",
    f"q-9,Default team,email,open,,{WHEN},,,,,,,",
    f"q-10,Team by id,email,open,{{alpha_id}},{WHEN},,,,,,,",
    # bad rows, one kind each
    f"{'i' * 121},Id too long,email,open,Alpha,{WHEN},,,,,,,",
    f"q-1,Repeated id,email,open,Alpha,{WHEN},,,,,,,",
    f"q-13,,email,open,Alpha,{WHEN},,,,,,,",
    f"q-14,{'s' * 256},email,open,Alpha,{WHEN},,,,,,,",
    f"q-15,No channel,,open,Alpha,{WHEN},,,,,,,",
    f"q-16,Pigeon,pigeon,open,Alpha,{WHEN},,,,,,,",
    f"q-17,Odd status,email,asleep,Alpha,{WHEN},,,,,,,",
    f"q-18,Unknown team,email,open,Nowhere,{WHEN},,,,,,,",
    f"q-19,Team out of reach,email,open,Invoices,{WHEN},,,,,,,",
    "q-20,No date,email,open,Alpha,,,,,,,,",
    "q-21,Bad date,email,open,Alpha,yesterday,,,,,,,",
    f"q-22,Bad resolved,email,open,Alpha,{WHEN},soon,,,,,,",
    f"q-23,Resolved first,email,open,Alpha,{WHEN},2026-09-30T10:00:00+00:00,,,,,,",
    f"q-24,Ghost agent,email,open,Alpha,{WHEN},,ghost@example.test,,,,,",
    f"q-25,Bad email,email,open,Alpha,{WHEN},,,not-an-email,,,,",
    f"q-26,Long name,email,open,Alpha,{WHEN},,,,{'n' * 201},,,",
    f"q-27,Klingon,email,open,Alpha,{WHEN},,,,,tlh,,",
    f"q-28,Minutes,email,open,Alpha,{WHEN},,,,,,ten,",
    f"q-29,Negative,email,open,Alpha,{WHEN},,,,,,-5,",
    f"q-30,Too long,email,open,Alpha,{WHEN},,,,,,2147483648,",
    f"q-31,Arabic digits,email,open,Alpha,{WHEN},,,,,,٣٠,",
    f"q-32,Extra cells,email,open,Alpha,{WHEN},,,,,,,,surplus",
    "q-33,Short row,email,open,Alpha",
    "q-34,Many problems,pigeon,asleep,Nowhere,yesterday,,ghost@example.test,x,,tlh,ten,",
    f"{'i' * 121},Bad id then repeated,email,open,Alpha,{WHEN},,,,,,,",
    f"q-36,,email,open,Alpha,{WHEN},,,,,,,",
    f"q-36,Repeats a bad row's id,email,open,Alpha,{WHEN},,,,,,,",
    f"q-other,Updates another team's row,email,open,Alpha,{WHEN},,,,,,,",
    f"q-mine,Updates our own row,email,closed,Alpha,{WHEN},,,,,,,",
    "",
    ",,,,,,,,,,,,",
    f"q-40,After blank lines,email,open,Alpha,{WHEN},,,,,,,",
    # ids written on more than one line, and a topics text another row has
    "q-41,A short row with an id,email",
    f"q-41,Repeats the short row's id,email,open,Alpha,{WHEN},,,,,,,",
    f"  q-42 ,Padded id,email,open,Alpha,{WHEN},,,,,,,",
    f"q-42,Repeats the padded id,email,open,Alpha,{WHEN},,,,,,,",
    f"q-43,Same topics as q-1,email,open,Alpha,{WHEN},,,,,,,a;b",
]


@pytest.fixture
def every_kind_of_row(agent, team_alpha, team_invoices):
    PersonFactory.create(email="new@example.test", team=team_alpha, on_readiness_hold=True)
    InteractionFactory.create(source="groundswell", external_id="q-other", team=team_invoices)
    InteractionFactory.create(source="groundswell", external_id="q-mine", team=team_alpha)
    rows = [row.replace("{alpha_id}", str(team_alpha.pk)) for row in ROWS]
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def _both(content, **options):
    quick = imports.check_file(content=content, **options)
    reference = imports.check_file(content=content, fast=False, **options)
    return quick, reference


@pytest.mark.parametrize("default_team", [False, True])
def test_quick_and_reference_checks_agree_on_every_kind_of_row(
    manager, team_alpha, every_kind_of_row, default_team
):
    team = team_alpha if default_team else None

    quick, reference = _both(every_kind_of_row, actor=manager, default_team=team)

    assert quick.rows == reference.rows
    assert quick.problems == reference.problems
    assert quick.file_problems == reference.file_problems == []
    assert imports.report_csv(quick) == imports.report_csv(reference)
    assert (quick.total, quick.new_count, quick.update_count, quick.not_ready_count) == (
        reference.total,
        reference.new_count,
        reference.update_count,
        reference.not_ready_count,
    )
    # The file does hold both kinds: planned rows and a problem of every field.
    assert len(quick.rows) == (14 if default_team else 13)
    assert {problem.column for problem in quick.problems} == {
        "",
        "external_id",
        "subject",
        "channel",
        "status",
        "team",
        "opened_at",
        "resolved_at",
        "handled_by_email",
        "customer_email",
        "customer_name",
        "customer_language",
        "handle_time_seconds",
    }
    assert [row.handler_not_ready for row in quick.rows].count(True) == 1


def test_a_file_with_a_nul_is_checked_row_by_row_alike(manager, team_alpha, every_kind_of_row):
    content = every_kind_of_row.replace(b"Klingon", b"Kling\x00on")

    quick, reference = _both(content, actor=manager)

    assert quick.rows == reference.rows
    assert quick.problems == reference.problems
    assert any("NUL" in problem.message for problem in quick.problems)


# What two imports of the same file must store alike (also compared by test_import_staged).
STORED_FIELDS = (
    "team_id",
    "channel",
    "status",
    "subject",
    "topics",
    "opened_at",
    "resolved_at",
    "handle_time_seconds",
    "handled_by_id",
    "customer__email",
    "handler_not_ready",
    "source",
    "external_id",
)


def test_both_paths_import_the_same_rows(manager, team_alpha, every_kind_of_row):
    quick, reference = _both(every_kind_of_row, actor=manager)
    stored = []
    for plan in (quick, reference):
        Interaction.objects.exclude(external_id__in=["q-other", "q-mine"]).delete()
        outcome = imports.commit_plan(manager, plan, skip_bad_rows=True)
        assert outcome.committed
        stored.append(
            list(
                Interaction.objects.exclude(external_id="q-other")
                .order_by("external_id", "subject")
                .values_list(*STORED_FIELDS)
            )
        )
    assert stored[0] == stored[1]
    assert len(stored[0]) == 13
