"""A NUL character anywhere a request carries text is a clear 400/422 naming the field.

PostgreSQL refuses NUL in text, so without these checks such input ended in a server error
there; on SQLite it was stored. Both databases answer the same way now.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groundswell.desk.models import ImportJob, Interaction
from groundswell.ideas.models import Idea
from groundswell.ideas.tests.factories import submission_form
from groundswell.people.models import Person


def test_a_nul_in_a_form_field_is_a_400_naming_it(agent, client_for):
    response = client_for(agent).post(
        reverse("ideas:idea-create"), submission_form(agent, title="a\x00b")
    )

    assert response.status_code == 400
    assert "“title” contains a NUL character" in response.text
    assert not Idea.objects.exists()


def test_a_nul_in_a_choice_field_of_a_query_string_is_a_400(agent, client_for):
    response = client_for(agent).get(reverse("ideas:idea-list"), {"department": "cs\x00"})

    assert response.status_code == 400
    assert "“department”" in response.text


def test_a_nul_in_a_field_name_is_a_400(agent, client_for):
    response = client_for(agent).get(reverse("ideas:idea-list"), {"odd\x00name": "x"})

    assert response.status_code == 400
    assert "odd\\x00name" in response.text


@pytest.mark.parametrize("path", ["/s/token%00tail", "/p/token%00tail/", "/people/teams/a%00b/"])
def test_a_nul_in_a_path_is_a_400(path, client, db):
    response = client.get(path)

    assert response.status_code == 400
    assert "“path”" in response.text


def test_a_nul_in_the_sign_in_form_is_a_400(client, db):
    response = client.post(reverse("login"), {"username": "a\x00", "password": "x"})

    assert response.status_code == 400
    assert "“username”" in response.text


# --- The API: one parser for every router ---------------------------------------------------


def _fields(response):
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_the_api_names_a_nul_in_the_body_down_to_the_nested_field(agent, client_for):
    body = submission_form(agent, title="a\x00b") | {"extra": {"deep": ["ok", "x\x00"]}, "k\x00": 1}

    response = client_for(agent).post("/api/v1/ideas", body, content_type="application/json")

    fields = _fields(response)
    assert set(fields) == {"title", "extra.deep.1", "k\\x00"}
    assert fields["title"] == "Text may not contain NUL characters."
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/ideas?status=new%00", "status"),
        ("/api/v1/customers?q=kim%00", "q"),
        ("/api/v1/people?search=a%00", "search"),
    ],
)
def test_the_api_names_a_nul_in_the_query_string(url, field, admin, client_for):
    assert field in _fields(client_for(admin).get(url))


@pytest.mark.parametrize("url", ["/api/v1/ideas/%00", "/api/v1/policies/1%00", "/api/v1/x%00"])
def test_a_nul_in_an_api_path_is_a_client_error(url, admin, client_for):
    assert client_for(admin).get(url).status_code in {404, 422}


# --- Imports: the row is bad, the column named ----------------------------------------------

DESK_HEADER = "external_id,subject,channel,status,team,opened_at,handled_by_email\n"


def test_a_helpdesk_import_reports_a_nul_cell_as_a_bad_row(manager, agent, team_alpha, client_for):
    content = (
        DESK_HEADER
        + "t-1,Parcel lost,email,open,Alpha,2026-10-01 10:00,agent@example.test\n"
        + "t-2,Wrong\x00size,chat,open,Alpha,2026-10-02 09:00,agent\x00@example.test\n"
    ).encode()
    client = client_for(manager)
    upload = SimpleUploadedFile("export.csv", content, content_type="text/csv")

    response = client.post(
        reverse("desk:import"), {"file": upload, "preset": "groundswell", "skip_bad_rows": "0"}
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    preview = client.get(job.get_absolute_url())
    assert "This cell contains a NUL character." in preview.text
    report = client.get(reverse("desk:import-report", args=[job.pk])).content.decode()
    assert "3,subject,This cell contains a NUL character." in report
    assert "3,handled_by_email,This cell contains a NUL character." in report
    assert not Interaction.objects.exists()


def test_a_people_import_reports_a_nul_cell_as_a_bad_row(org, client_for):
    content = (
        b"full_name,email,role,department,team\r\n"
        b"Nia\x00New,nia@example.test,agent,Customer Service,Alpha\r\n"
        b"Lee Lead,lee\x00@example.test,team_lead,Customer Service,Beta\r\n"
    )
    upload = SimpleUploadedFile("people.csv", content, content_type="text/csv")

    response = client_for(org["manager"]).post(reverse("people:import"), {"file": upload})

    assert response.status_code == 200
    rows = response.context["result"].rows
    problems = {(row.line, problem.column) for row in rows for problem in row.problems}
    assert {(2, "full_name"), (3, "email")} <= problems
    assert not Person.objects.filter(full_name__startswith="Nia").exists()
