"""Bulk import of people from CSV: reading files, checking rows, and all-or-nothing writes."""

import uuid

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from groundswell.people import imports
from groundswell.people.choices import Role
from groundswell.people.imports import RowStatus
from groundswell.people.models import Person
from groundswell.people.tests.factories import PersonFactory, UserFactory

HEADER = imports.COLUMNS


def csv_bytes(*rows, header=HEADER, delimiter=",", bom=False):
    """A CSV file from dicts of cells (missing cells are blank)."""
    lines = [delimiter.join(header)]
    lines += [delimiter.join(row.get(column, "") for column in header) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def row(**cells):
    base = {
        "full_name": "Nia Newcomer",
        "email": "nia@example.test",
        "role": "agent",
        "job_title": "Customer service agent",
        "department": "Customer Service",
        "team": "Alpha",
        "hire_date": "2025-02-03",
        "is_champion": "no",
        "create_login": "no",
    }
    return base | cells


def preview(actor, content):
    return imports.preview_import(actor=actor, content=content)


def commit(actor, content):
    return imports.commit_import(actor=actor, content=content)


def problems(result):
    return [(problem.column, problem.message) for r in result.rows for problem in r.problems]


def test_admin_imports_people_who_name_each_other_further_down_the_file(org):
    content = csv_bytes(
        row(manager_email="lee@example.test", buddy_email="agent@example.test", create_login="yes"),
        row(
            full_name="Lee Lead",
            email="Lee@Example.test",
            role="Team lead",
            team="Beta",
            is_champion="yes",
        ),
    )

    dry = preview(org["admin"], content)
    assert dry.is_valid
    assert [r.status for r in dry.rows] == [RowStatus.NEW, RowStatus.NEW]
    assert not Person.objects.filter(email="nia@example.test").exists()

    result = commit(org["admin"], content)

    assert result.committed
    assert (result.new_count, result.update_count) == (2, 0)
    nia = Person.objects.select_related("manager", "buddy", "team", "user").get(
        email="nia@example.test"
    )
    lee = Person.objects.get(email="lee@example.test")
    assert nia.manager == lee
    assert nia.buddy == org["agent"]
    assert nia.team is not None
    assert nia.team.name == "Alpha"
    assert str(nia.hire_date) == "2025-02-03"
    assert lee.role == Role.TEAM_LEAD
    assert lee.is_champion
    assert lee.user is None
    assert nia.user is not None
    assert nia.user.username == "nia@example.test"
    assert not nia.user.has_usable_password()


def test_importing_the_same_file_again_updates_instead_of_duplicating(org):
    commit(org["admin"], csv_bytes(row()))
    count = Person.objects.count()

    again = csv_bytes(row(email="NIA@example.test", job_title="Senior agent", create_login="yes"))
    dry = preview(org["admin"], again)
    result = commit(org["admin"], again)

    assert [r.status for r in dry.rows] == [RowStatus.UPDATE]
    assert result.committed
    assert result.update_count == 1
    assert Person.objects.count() == count
    nia = Person.objects.get(email="nia@example.test")
    assert nia.job_title == "Senior agent"
    assert nia.user is not None
    assert User.objects.filter(username="nia@example.test").count() == 1


def test_existing_people_are_matched_whatever_the_case_of_their_email(org):
    result = commit(org["manager"], csv_bytes(row(email="AGENT@example.test", full_name="Ada A.")))

    assert result.update_count == 1
    assert Person.objects.get(pk=org["agent"].pk).full_name == "Ada A."


def test_a_column_left_out_is_left_alone_but_a_blank_cell_clears(org):
    agent = org["agent"]
    assert agent.manager is not None
    header = ("full_name", "email", "role", "department", "job_title")

    commit(
        org["admin"],
        csv_bytes(
            {
                "full_name": "Ada Agent",
                "email": agent.email,
                "role": "agent",
                "department": "Customer Service",
                "job_title": "",
            },
            header=header,
        ),
    )

    agent.refresh_from_db()
    assert agent.job_title == ""
    assert agent.manager is not None
    assert agent.team is not None
    assert agent.team.name == "Alpha"


CELL_ERRORS = [
    pytest.param({"full_name": ""}, "full_name", "name is required", id="missing-name"),
    pytest.param({"full_name": "x" * 151}, "full_name", "At most 150", id="long-name"),
    pytest.param({"email": "not-an-email"}, "email", "not a valid email", id="bad-email"),
    pytest.param({"email": ""}, "email", "email address is required", id="missing-email"),
    pytest.param({"role": "boss"}, "role", "Unknown role “boss”", id="unknown-role"),
    pytest.param({"role": ""}, "role", "role is required", id="missing-role"),
    pytest.param({"role": "admin"}, "role", "may not give the role Admin", id="role-not-allowed"),
    pytest.param(
        {"department": "Nowhere"}, "department", "Unknown department “Nowhere”", id="department"
    ),
    pytest.param({"department": ""}, "department", "department is required", id="no-department"),
    pytest.param(
        {"department": "Billing", "team": "Invoices"},
        "department",
        "may not import people into Billing",
        id="department-out-of-scope",
    ),
    pytest.param({"team": "Gamma"}, "team", "Unknown team “Gamma”", id="unknown-team"),
    pytest.param(
        {"team": "Invoices"}, "team", "not in department Customer Service", id="team-elsewhere"
    ),
    pytest.param(
        {"manager_email": "ghost@example.test"},
        "manager_email",
        "No one with the email ghost@example.test",
        id="unknown-manager",
    ),
    pytest.param(
        {"buddy_email": "ghost@example.test"},
        "buddy_email",
        "No one with the email ghost@example.test",
        id="unknown-buddy",
    ),
    pytest.param({"buddy_email": "not-an-email"}, "buddy_email", "not a valid", id="bad-buddy"),
    pytest.param(
        {"buddy_email": "nia@example.test"}, "buddy_email", "their own buddy", id="own-buddy"
    ),
    pytest.param(
        {"manager_email": "nia@example.test"}, "manager_email", "own manager", id="own-manager"
    ),
    pytest.param({"hire_date": "31/01/2025"}, "hire_date", "YYYY-MM-DD", id="bad-date"),
    pytest.param({"hire_date": "2025-02-30"}, "hire_date", "YYYY-MM-DD", id="impossible-date"),
    pytest.param({"is_champion": "maybe"}, "is_champion", "yes or no", id="bad-champion"),
    pytest.param({"create_login": "please"}, "create_login", "yes or no", id="bad-login"),
    pytest.param(
        {"email": "outsider@example.test", "department": "Customer Service"},
        "email",
        "outside the teams you manage",
        id="existing-person-out-of-scope",
    ),
]


@pytest.mark.parametrize(("cells", "column", "message"), CELL_ERRORS)
def test_each_bad_cell_is_reported_against_its_column(cells, column, message, org):
    result = preview(org["manager"], csv_bytes(row(**cells)))

    assert not result.is_valid
    assert result.rows[0].status == RowStatus.ERROR
    assert any(c == column and message in m for c, m in problems(result)), problems(result)


def test_a_duplicate_email_in_the_file_names_the_first_line(org):
    result = preview(org["admin"], csv_bytes(row(), row(email="NIA@example.test")))

    assert result.rows[0].status == RowStatus.NEW
    assert result.rows[1].status == RowStatus.ERROR
    assert ("email", "nia@example.test is already on line 2 of this file.") in problems(result)


def test_a_login_that_already_exists_is_not_taken_over(org):
    UserFactory.create(username="nia@example.test")

    result = preview(org["admin"], csv_bytes(row(create_login="yes")))

    assert [c for c, _m in problems(result)] == ["create_login"]


def test_a_manager_cannot_update_someone_who_outranks_them(org, customer_service):
    senior = PersonFactory.create(
        team=None, department=customer_service, role=Role.EXECUTIVE, email="sen@example.test"
    )

    result = commit(org["manager"], csv_bytes(row(email=senior.email, role="executive", team="")))

    assert not result.committed
    assert [c for c, _m in problems(result)] == ["email"]
    assert Person.objects.get(pk=senior.pk).job_title == senior.job_title


def test_a_manager_importing_into_another_department_is_refused_row_by_row(org):
    content = csv_bytes(
        row(),
        row(email="bill@example.test", department="Billing", team="Invoices"),
    )

    result = commit(org["manager"], content)

    assert [r.status for r in result.rows] == [RowStatus.NEW, RowStatus.ERROR]
    assert [c for c, _m in problems(result)] == ["department"]
    assert not result.committed
    assert not Person.objects.filter(email__in=["nia@example.test", "bill@example.test"]).exists()


def test_one_bad_row_means_nothing_is_imported(org):
    before = Person.objects.count()
    content = csv_bytes(
        row(create_login="yes"),
        row(email="two@example.test", manager_email="nia@example.test"),
        row(email="three@example.test", hire_date="yesterday"),
    )

    result = commit(org["admin"], content)

    assert not result.committed
    assert result.error_count == 1
    assert result.new_count == 2
    assert Person.objects.count() == before
    assert not User.objects.filter(username="nia@example.test").exists()


def test_a_file_with_bom_and_semicolons_imports(org):
    content = csv_bytes(row(job_title="Agent, returns desk"), delimiter=";", bom=True)

    result = commit(org["admin"], content)

    assert result.committed
    assert Person.objects.get(email="nia@example.test").job_title == "Agent, returns desk"


def test_quoted_cells_and_blank_lines_are_read_and_lines_numbered(org):
    content = (
        b"full_name,email,role,department\r\n"
        b'"Rivera, Sam",sam@example.test,agent,Customer Service\r\n'
        b",,,\r\n"
        b"Jo,bad,agent,Customer Service\r\n"
    )

    result = preview(org["admin"], content)

    assert result.rows[0].values["full_name"] == "Rivera, Sam"
    assert [r.line for r in result.rows] == [2, 4]
    assert result.rows[1].status == RowStatus.ERROR


def test_department_and_team_may_be_given_by_slug_in_any_case(org):
    content = csv_bytes(row(department="customer-service", team="customer-service-beta"))

    result = commit(org["admin"], content)

    assert result.committed
    nia = Person.objects.select_related("team").get(email="nia@example.test")
    assert nia.team is not None
    assert nia.team.name == "Beta"


def test_a_row_with_more_cells_than_the_header_is_an_error(org):
    content = (
        b"full_name,email,role,department\r\nA,a@example.test,agent,Customer Service,extra\r\n"
    )

    result = preview(org["admin"], content)

    assert "This row has 5 cells but the header names only 4." in [m for _c, m in problems(result)]


@pytest.mark.parametrize(
    ("content", "column", "message"),
    [
        pytest.param(
            b"full_name,email,department\r\nA,a@example.test,IT\r\n",
            "role",
            "The required column “role” is missing.",
            id="missing-column",
        ),
        pytest.param(
            b"full_name,email,role,department,emial\r\n",
            "emial",
            "Unknown column “emial”",
            id="unknown-column",
        ),
        pytest.param(
            b"full_name,email,role,department,email\r\n",
            "",
            "The column “email” appears twice.",
            id="duplicate-column",
        ),
        pytest.param(
            "full_name,email,role,department\r\nJosé,j@example.test,agent,IT\r\n".encode("latin-1"),
            "",
            "not UTF-8",
            id="not-utf8",
        ),
        pytest.param(b"", "", "The file is empty.", id="empty"),
        pytest.param(
            b'full_name,email,role,department\r\nA,b,c,d\r\n"A,\r\n',
            "",
            "not valid CSV: unexpected end of data on line 3",
            id="unterminated-quote",
        ),
    ],
)
def test_problems_with_the_whole_file(content, column, message, org):
    result = preview(org["admin"], content)

    assert not result.is_valid
    assert any(p.column == column and message in p.message for p in result.file_problems), (
        result.file_problems
    )


def test_too_many_rows(org, settings):
    settings.GROUNDSWELL_IMPORT_MAX_ROWS = 2
    content = csv_bytes(row(), row(email="b@example.test"), row(email="c@example.test"))

    result = preview(org["admin"], content)

    assert [p.message for p in result.file_problems] == [
        "The file has 3 rows; at most 2 can be imported at once. Split it into smaller files."
    ]


def test_a_file_with_only_a_header_cannot_be_imported(org):
    result = commit(org["admin"], csv_bytes())

    assert not result.is_valid
    assert not result.committed


@pytest.mark.parametrize("role", ["agent", "team_lead", "executive", "outsider"])
def test_only_managers_and_admins_may_import(role, org):
    with pytest.raises(PermissionDenied):
        preview(org[role], csv_bytes(row()))
    with pytest.raises(PermissionDenied):
        commit(org[role], b"")


def test_a_large_import_takes_a_bounded_number_of_queries(org, django_assert_max_num_queries):
    rows = [
        row(email=f"p{n}@example.test", manager_email="p0@example.test", create_login="yes")
        for n in range(1, 301)
    ]
    content = csv_bytes(row(email="p0@example.test"), *rows)

    with django_assert_max_num_queries(25):
        result = commit(org["admin"], content)

    assert result.committed
    assert Person.objects.filter(manager__email="p0@example.test").count() == 300
    assert User.objects.filter(username__startswith="p").count() == 300


def test_the_template_file_lists_every_column_and_previews_cleanly(org):
    result = preview(org["admin"], imports.template_csv(org["admin"]).encode())

    assert result.columns == imports.COLUMNS
    assert result.is_valid, problems(result)


def test_the_kept_upload_is_returned_only_to_its_owner(org):
    upload = imports.keep_upload(org["admin"], b"full_name\r\n", "people.csv")

    assert imports.recall_upload(org["admin"], upload.pk) == (b"full_name\r\n", "people.csv")
    assert imports.recall_upload(org["admin"], uuid.uuid4()) is None
    with pytest.raises(PermissionDenied):
        imports.recall_upload(org["manager"], upload.pk)
    with pytest.raises(PermissionDenied):
        imports.forget_upload(org["manager"], upload.pk)
    imports.forget_upload(org["admin"], upload.pk)
    assert imports.recall_upload(org["admin"], upload.pk) is None


def test_an_excel_workbook_is_read_like_a_csv(org):
    import datetime
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Full name", "Email", "Role", "Department", "Hire date", "Is champion"])
    sheet.append(
        [
            "Xia Excel",
            "xia@example.test",
            "agent",
            "Customer Service",
            datetime.datetime(2025, 1, 31),  # noqa: DTZ001 (Excel has no zones)
            True,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = imports.commit_import(actor=org["admin"], content=buffer.getvalue(), filename="p.xlsx")

    assert result.committed, problems(result)
    xia = Person.objects.get(email="xia@example.test")
    assert (xia.hire_date, xia.is_champion) == (datetime.date(2025, 1, 31), True)
