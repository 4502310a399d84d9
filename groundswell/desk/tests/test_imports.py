"""Importing helpdesk exports: presets, bad rows, XLSX, all-or-nothing, the page and its job."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from groundswell.desk import imports
from groundswell.desk.choices import ImportStatus
from groundswell.desk.models import Customer, ImportJob, Interaction
from groundswell.desk.tests.factories import InteractionFactory

HEADER = (
    "external_id,subject,channel,status,team,opened_at,resolved_at,handled_by_email,"
    "customer_email\n"
)


@pytest.fixture(autouse=True)
def _agent_of_the_rows(agent):
    """The rows below name agent@example.test as the agent who handled them."""


def groundswell_csv(*rows):
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


GOOD = (
    "t-1,Parcel lost,email,open,Alpha,2026-10-01T10:00:00+00:00,,agent@example.test,"
    "kim@example.test"
)
GOOD_2 = "t-2,Wrong size,chat,resolved,customer-service-alpha,2026-10-02 09:00,2026-10-02 09:30,,"


def test_a_clean_file_is_imported_with_customers_and_agents(admin, agent, team_alpha):
    outcome = imports.import_file(actor=admin, content=groundswell_csv(GOOD, GOOD_2))

    assert outcome.committed
    assert (outcome.created, outcome.updated) == (2, 0)
    first = Interaction.objects.get(external_id="t-1")
    assert first.team == team_alpha
    assert first.handled_by == agent
    assert first.customer == Customer.objects.get(email="kim@example.test")
    assert first.source == "groundswell"
    second = Interaction.objects.get(external_id="t-2")
    assert second.status == "resolved"
    assert second.resolved_at is not None
    assert second.topics == []


def test_importing_again_updates_instead_of_adding(admin, team_alpha):
    imports.import_file(actor=admin, content=groundswell_csv(GOOD))
    changed = GOOD.replace("Parcel lost", "Parcel found").replace(",open,", ",closed,")

    outcome = imports.import_file(actor=admin, content=groundswell_csv(changed))

    assert (outcome.created, outcome.updated) == (0, 1)
    interaction = Interaction.objects.get()
    assert interaction.subject == "Parcel found"
    assert interaction.status == "closed"


def test_the_same_file_again_rewrites_nothing(admin, team_alpha):
    imports.import_file(actor=admin, content=groundswell_csv(GOOD, GOOD_2))
    Interaction.objects.update(updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    changed = GOOD_2.replace("Wrong size", "Right size")

    outcome = imports.import_file(actor=admin, content=groundswell_csv(GOOD, changed))

    assert (outcome.created, outcome.updated) == (0, 2)  # both rows matched an interaction
    untouched = Interaction.objects.get(external_id="t-1")
    assert untouched.updated_at.year == 2026
    assert untouched.updated_at.month == 1  # identical values: the row was left alone
    rewritten = Interaction.objects.get(external_id="t-2")
    assert rewritten.subject == "Right size"
    assert rewritten.updated_at > untouched.updated_at


def test_an_update_rewrites_every_mapped_field(admin, agent, team_alpha, team_beta):
    """Times, teams, agents, customers and tags all change through the update path."""
    content = (
        b"Id,Subject,Status,Via,Group,Created at,Solved at,Requester,Requester email,Tags\n"
        b"7,Card declined,open,Phone call (inbound),Alpha,2026-09-01 10:00:00,,Lee Park,"
        b"lee@example.test,payments\n"
        b"8,Unchanged,open,Email,Alpha,2026-09-02 10:00:00,,,,\n"
    )
    imports.import_file(actor=admin, content=content, preset="zendesk")
    changed = (
        b"Id,Subject,Status,Via,Group,Created at,Solved at,Requester,Requester email,Tags\n"
        b"7,Card declined twice,solved,Chat,Beta,2026-09-01 11:15:30,2026-09-03 08:00:00,"
        b"Sam Roe,sam@example.test,payments card\n"
        b"8,Unchanged,open,Email,Alpha,2026-09-02 10:00:00,,,,\n"
        b"9,New one,open,Email,Alpha,2026-09-04 10:00:00,,,,\n"
    )

    outcome = imports.import_file(actor=admin, content=changed, preset="zendesk")
    # A second import inside the same transaction finds no leftovers of the first.
    again = imports.import_file(actor=admin, content=changed, preset="zendesk")

    assert (outcome.created, outcome.updated) == (1, 2)
    assert (again.created, again.updated) == (0, 3)
    updated = Interaction.objects.select_related("customer").get(external_id="7")
    assert updated.subject == "Card declined twice"
    assert (updated.status, updated.channel, updated.team) == ("resolved", "chat", team_beta)
    assert updated.opened_at == datetime.datetime(2026, 9, 1, 11, 15, 30, tzinfo=datetime.UTC)
    assert updated.resolved_at == datetime.datetime(2026, 9, 3, 8, tzinfo=datetime.UTC)
    assert updated.topics == ["payments", "card"]
    assert updated.customer is not None
    assert updated.customer.email == "sam@example.test"
    assert Interaction.objects.filter(source="zendesk").count() == 3


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 29, 3, 30, 15, 250, tzinfo=ZoneInfo("Europe/Paris")),
        datetime.datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York")),
    ],
)
def test_the_datetime_adapter_agrees_with_djangos(moment):
    from django.db import connection

    ours = imports.datetime_adapter()(moment)
    django = connection.ops.adapt_datetimefield_value(moment)
    if connection.vendor == "postgresql":
        # The same instant, sent as UTC (Python never calls a time in a fold equal to one in
        # another zone, so compare the instants).
        assert ours.tzinfo == datetime.UTC
        assert ours.timestamp() == django.timestamp()
    else:
        assert ours == django
    assert imports.datetime_adapter()(None) is None


@pytest.mark.django_db
def test_an_offset_postgresql_cannot_read_is_stored_as_the_same_instant(admin, team_alpha):
    row = "t-far,Far offset,email,open,Alpha,2026-10-01T10:00:00+20:00,,,"

    outcome = imports.import_file(actor=admin, content=groundswell_csv(row))

    assert outcome.committed
    stored = Interaction.objects.get(external_id="t-far").opened_at
    assert stored == datetime.datetime(2026, 9, 30, 14, tzinfo=datetime.UTC)


def test_every_bad_row_is_reported_and_nothing_is_written(admin, team_alpha):
    rows = [
        GOOD,
        "t-2,,email,open,Alpha,2026-10-01T10:00:00+00:00,,,",  # no subject
        "t-3,Hi,pigeon,open,Alpha,2026-10-01T10:00:00+00:00,,,",  # unknown channel
        "t-4,Hi,email,open,Nowhere,2026-10-01T10:00:00+00:00,,,",  # unknown team
        "t-5,Hi,email,open,Alpha,yesterday,,,",  # not a date
        "t-6,Hi,email,open,Alpha,2026-10-02T10:00:00+00:00,2026-10-01T10:00:00+00:00,,",
        "t-7,Hi,email,open,Alpha,2026-10-01T10:00:00+00:00,,ghost@example.test,",
        "t-8,Hi,email,open,Alpha,2026-10-01T10:00:00+00:00,,,not-an-email",
        "t-1,Again,email,open,Alpha,2026-10-01T10:00:00+00:00,,,",  # duplicate id
        "t-9,Hi,email,open,Alpha,2026-10-01T10:00:00+00:00,,,,extra",  # too many cells
    ]

    outcome = imports.import_file(actor=admin, content=groundswell_csv(*rows))

    assert not outcome.committed
    problems = {(error.line, error.column) for error in outcome.plan.problems}
    assert problems == {
        (3, "subject"),
        (4, "channel"),
        (5, "team"),
        (6, "opened_at"),
        (7, "resolved_at"),
        (8, "handled_by_email"),
        (9, "customer_email"),
        (10, "external_id"),
        (11, ""),
    }
    assert not Interaction.objects.exists()
    assert not Customer.objects.exists()


def test_skipping_bad_rows_imports_the_good_ones(admin, team_alpha):
    bad = "t-2,,email,open,Alpha,2026-10-01T10:00:00+00:00,,,"

    outcome = imports.import_file(
        actor=admin, content=groundswell_csv(GOOD, bad), skip_bad_rows=True
    )

    assert outcome.committed
    assert outcome.created == 1
    assert outcome.plan.bad_lines == 1
    assert list(Interaction.objects.values_list("external_id", flat=True)) == ["t-1"]


def test_report_lists_line_column_and_message(admin, team_alpha):
    plan = imports.check_file(
        actor=admin, content=groundswell_csv(GOOD, "t-2,=HYPERLINK(1),email,open,Alpha,,,,")
    )

    report = imports.report_csv(plan).splitlines()

    assert report[0] == "line,column,message"
    assert report[1].startswith("3,opened_at,")
    assert len(report) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"subject,channel\nHi,email\n", "opened_at"),
        (HEADER.encode() + b'"t-1,unterminated\n', "not valid CSV"),
    ],
)
def test_unreadable_files_are_refused_whole(admin, content, message):
    plan = imports.check_file(actor=admin, content=content)

    assert plan.file_problems
    assert message in plan.file_problems[0].message
    assert not imports.commit_plan(admin, plan, skip_bad_rows=True).committed


def test_zendesk_export_is_mapped(admin, agent, team_alpha):
    content = (
        b"Id,Subject,Status,Via,Group,Created at,Solved at,Requester,Requester email,Tags\n"
        b"101,Card declined,solved,Phone call (inbound),Alpha,2026-09-01 10:00:00,"
        b"2026-09-01 10:20:00,Lee Park,lee@example.test,payments card\n"
    )

    outcome = imports.import_file(actor=admin, content=content, preset="zendesk")

    assert outcome.committed, outcome.plan.problems
    interaction = Interaction.objects.get()
    assert (interaction.source, interaction.external_id) == ("zendesk", "101")
    assert interaction.channel == "phone"
    assert interaction.status == "resolved"
    assert interaction.topics == ["payments", "card"]
    assert interaction.customer is not None
    assert interaction.customer.name == "Lee Park"


@pytest.mark.parametrize(
    ("preset", "content"),
    [
        (
            "freshdesk",
            "Ticket ID,Subject,Status,Source,Group,Created time,Resolved time,Full name,Email\n"
            "7,Login,Resolved,Portal,Alpha,2026-09-01 10:00:00,2026-09-01 11:00:00,Ana,"
            "ana@x.test\n",
        ),
        (
            "helpscout",
            "Conversation ID,Subject,Status,Type,Mailbox,Created At,Closed At,Customer Name,"
            "Customer Email\n"
            "55,Refund,closed,email,Alpha,2026-09-01T10:00:00Z,2026-09-01T12:00:00Z,Bo,bo@x.test\n",
        ),
    ],
)
def test_other_presets_are_mapped(preset, content, admin, team_alpha):
    outcome = imports.import_file(actor=admin, content=content.encode(), preset=preset)

    assert outcome.committed, outcome.plan.problems
    assert Interaction.objects.get().source == preset


def test_xlsx_files_are_read(admin, team_alpha):
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["external_id", "subject", "channel", "team", "opened_at", "handle_time_seconds"])
    sheet.append(["x-1", "From Excel", "email", "Alpha", datetime.datetime(2026, 9, 1, 10, 0), 300])  # noqa: DTZ001 (Excel has no zones)
    sheet.append([None, None, None, None, None, None])
    sheet.append(["x-2", "Second", "web", "Alpha", "2026-09-02T10:00:00+00:00", "abc"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    plan = imports.check_file(actor=admin, content=buffer.getvalue(), filename="export.xlsx")

    assert plan.total == 2
    assert [(error.line, error.column) for error in plan.problems] == [(4, "handle_time_seconds")]
    outcome = imports.commit_plan(admin, plan, skip_bad_rows=True)
    assert outcome.created == 1
    assert Interaction.objects.get().handle_time_seconds == 300


def test_a_damaged_xlsx_is_refused(admin):
    plan = imports.check_file(actor=admin, content=b"PK\x03\x04garbage", filename="x.xlsx")

    assert "Excel" in plan.file_problems[0].message


def test_manager_cannot_import_into_another_department(manager, team_alpha, team_invoices):
    content = groundswell_csv(GOOD.replace("Alpha", "Invoices"))

    outcome = imports.import_file(actor=manager, content=content)

    assert not outcome.committed
    assert outcome.plan.problems[0].column == "team"


def test_manager_cannot_update_another_departments_interaction(manager, team_alpha, team_invoices):
    InteractionFactory.create(team=team_invoices, source="groundswell", external_id="t-1")

    outcome = imports.import_file(actor=manager, content=groundswell_csv(GOOD))

    assert not outcome.committed
    assert outcome.plan.problems[0].column == "team"  # worded as a team out of reach
    assert Interaction.objects.get().team == team_invoices


def test_agent_may_not_import(agent):
    with pytest.raises(PermissionDenied):
        imports.check_file(actor=agent, content=groundswell_csv(GOOD))


# The page: upload, preview, start, progress, report ------------------------------------------


def upload(client, content, name="export.csv", **fields):
    data = {"file": SimpleUploadedFile(name, content), "preset": "groundswell", **fields}
    data.setdefault("skip_bad_rows", "0")
    return client.post(reverse("desk:import"), data)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent", 403),
        ("team_lead", 403),
        ("executive", 403),
        ("outsider", 403),
        ("manager", 200),
        ("admin", 200),
    ],
)
def test_import_page_per_role(role, expected, org, client_for):
    assert client_for(org[role]).get(reverse("desk:import")).status_code == expected


def test_preview_then_import_in_the_background(
    manager, client_for, team_alpha, django_capture_on_commit_callbacks
):
    client = client_for(manager)

    response = upload(client, groundswell_csv(GOOD, GOOD_2))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    preview = client.get(job.get_absolute_url())
    assert "would add 2 interactions" in preview.text
    assert not Interaction.objects.exists()  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("desk:import-start", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.percent == 100
    assert Interaction.objects.count() == 2
    progress = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert "Added 2 interactions" in progress.text
    assert "every 1s" not in progress.text  # finished: the page stops asking
    again = client.post(reverse("desk:import-start", args=[job.pk]))
    assert again.status_code == 302
    assert Interaction.objects.count() == 2


def test_a_running_import_polls_its_progress(manager, client_for, team_alpha):
    client = client_for(manager)
    upload(client, groundswell_csv(GOOD))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, checked=1)

    response = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})

    assert 'hx-trigger="every 1s"' in response.text
    assert 'value="50"' in response.text


def test_bad_rows_block_the_import_and_can_be_downloaded(manager, client_for, team_alpha):
    client = client_for(manager)
    upload(client, groundswell_csv(GOOD, "t-2,,email,open,Alpha,2026-10-01T10:00:00+00:00,,,"))
    job = ImportJob.objects.get()

    page = client.get(job.get_absolute_url())
    report = client.get(reverse("desk:import-report", args=[job.pk]))

    assert "Nothing will be imported until every row is right" in page.text
    assert reverse("desk:import-start", args=[job.pk]) not in page.text
    assert report["Content-Type"].startswith("text/csv")
    assert report.content.decode().splitlines()[1].startswith("3,subject,")


def test_skip_bad_rows_from_the_page(
    manager, client_for, team_alpha, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    bad = "t-2,,email,open,Alpha,2026-10-01T10:00:00+00:00,,,"
    upload(client, groundswell_csv(GOOD, bad), skip_bad_rows="1")
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("desk:import-start", args=[job.pk]))

    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DONE, 1, 1)
    assert Interaction.objects.count() == 1


def test_someone_elses_import_is_not_found(manager, admin, client_for, team_alpha, org):
    upload(client_for(admin), groundswell_csv(GOOD))
    job = ImportJob.objects.get()

    assert client_for(manager).get(job.get_absolute_url()).status_code == 404
    assert client_for(manager).post(reverse("desk:import-start", args=[job.pk])).status_code == 404


def test_the_uploaded_file_waits_as_an_upload_and_goes_once_imported(
    manager, client_for, team_alpha, django_capture_on_commit_callbacks
):
    from groundswell.core.models import Upload

    client = client_for(manager)
    upload(client, groundswell_csv(GOOD))
    job = ImportJob.objects.get()
    assert job.upload is not None
    assert Upload.objects.get().owner == f"people.person:{manager.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("desk:import-start", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.upload is None
    assert not Upload.objects.exists()


def test_a_preview_whose_file_was_purged_cannot_be_started(manager, client_for, team_alpha):
    from groundswell.core.imports import uploads

    client = client_for(manager)
    upload(client, groundswell_csv(GOOD))
    job = ImportJob.objects.get()
    assert job.upload is not None
    uploads.discard(job.upload)

    response = client.post(reverse("desk:import-start", args=[job.pk]), follow=True)

    assert "This preview has expired" in response.text
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert not Interaction.objects.exists()
