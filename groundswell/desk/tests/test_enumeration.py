"""Another team's external ids cannot be probed through the ingest API or the CSV import.

An upsert whose (source, external_id) belongs to an interaction out of the caller's reach is
checked as if the id were unused: while the payload is wrong it gets exactly the answer an
unused id gets, and once it is right it gets exactly the answer of naming a team the caller
may not write in (same status, same error shape, same message). Nothing is written either way.
"""

import pytest
from django.urls import reverse

from groundswell.desk import imports
from groundswell.desk.models import Customer, ImportJob, Interaction
from groundswell.desk.tests.factories import InteractionFactory

API = "/api/v1"
TAKEN = "ZD-4242"  # an id of team Invoices, in another department
FREE = "ZD-0001"  # an id nobody has used


@pytest.fixture
def invoices_ticket(team_invoices):
    return InteractionFactory.create(
        team=team_invoices, source="zendesk", external_id=TAKEN, subject="Invoice twice"
    )


def ingest(client, payload):
    return client.post(f"{API}/interactions", payload, content_type="application/json")


def answer(response):
    return response.status_code, response.json()


def payload(external_id, team, **extra):
    data = {"source": "zendesk", "external_id": external_id, "channel": "email", "subject": "Hi"}
    if team is not None:
        data["team_id"] = team.pk
    return {**data, **extra}


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_a_taken_id_answers_like_a_team_out_of_reach(
    role, org, client_for, team_alpha, team_invoices, invoices_ticket
):
    client = client_for(org[role])

    taken = ingest(client, payload(TAKEN, team_alpha, customer_email="new@example.test"))
    team_out_of_reach = ingest(client, payload(FREE, team_invoices))

    assert answer(taken) == answer(team_out_of_reach)
    assert taken.status_code == 403
    assert "Invoices" not in taken.text
    invoices_ticket.refresh_from_db()
    assert (invoices_ticket.team, invoices_ticket.subject) == (team_invoices, "Invoice twice")
    assert Interaction.objects.count() == 1
    assert not Customer.objects.filter(email="new@example.test").exists()


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({}, id="no-team"),
        pytest.param({"team_id": 999_999}, id="unknown-team"),
        pytest.param({"team_id": "alpha", "channel": "pigeon"}, id="bad-fields"),
        pytest.param({"handled_by_email": "nobody@example.test"}, id="unknown-agent"),
    ],
)
def test_a_wrong_payload_answers_the_same_for_a_taken_and_an_unused_id(
    extra, agent, client_for, team_alpha, invoices_ticket
):
    client = client_for(agent)
    team = None if "team_id" in extra or not extra else team_alpha

    taken = ingest(client, payload(TAKEN, team, **extra))
    unused = ingest(client, payload(FREE, team, **extra))

    assert answer(taken) == answer(unused)
    assert taken.status_code == 422
    assert Interaction.objects.count() == 1


def test_the_owning_team_still_updates_its_own_interaction(
    outsider, client_for, team_invoices, invoices_ticket
):
    response = ingest(client_for(outsider), payload(TAKEN, team_invoices, subject="Paid"))

    assert response.status_code == 201
    assert response["Groundswell-Upsert"] == "updated"
    invoices_ticket.refresh_from_db()
    assert invoices_ticket.subject == "Paid"


def test_batch_items_answer_the_same_for_a_taken_id_and_a_team_out_of_reach(
    agent, client_for, team_alpha, team_invoices, invoices_ticket
):
    items = [
        payload(TAKEN, team_alpha),
        payload(FREE, team_invoices),
        payload(TAKEN, None),
        payload(FREE, None),
    ]

    response = client_for(agent).post(
        f"{API}/interactions/batch", items, content_type="application/json"
    )

    results = response.json()["results"]
    assert [result["status"] for result in results] == ["error"] * 4
    assert results[0]["errors"] == results[1]["errors"]
    assert results[2]["errors"] == results[3]["errors"]
    assert "Invoices" not in response.text
    assert Interaction.objects.count() == 1


HEADER = "external_id,subject,channel,status,team,opened_at\n"


def csv_rows(*rows):
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def test_csv_import_reports_a_taken_id_as_a_team_out_of_reach(
    manager, client_for, team_alpha, team_invoices, invoices_ticket
):
    content = csv_rows(
        f"{TAKEN},Mine now,email,open,Alpha,2026-10-01T10:00:00+00:00",
        f"{FREE},Theirs,email,open,Invoices,2026-10-01T10:00:00+00:00",
    )

    response = client_for(manager).post(
        f"{API}/interactions/import?source=zendesk", content, content_type="text/csv"
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["line 2: team", "line 3: team"]
    assert errors[0]["message"] == imports.not_yours("Alpha")
    assert errors[1]["message"] == imports.not_yours("Invoices")
    assert TAKEN not in response.text
    invoices_ticket.refresh_from_db()
    assert invoices_ticket.subject == "Invoice twice"
    assert Interaction.objects.count() == 1


def test_csv_upload_page_reports_a_taken_id_as_a_team_out_of_reach(
    manager, client_for, team_alpha, team_invoices, invoices_ticket
):
    client = client_for(manager)
    content = csv_rows(
        f"{TAKEN},Mine now,email,open,Alpha,2026-10-01T10:00:00+00:00",
        f"{FREE},Fresh,email,open,Alpha,2026-10-01T10:00:00+00:00",
    )
    client.post(
        reverse("desk:import"),
        {
            "file": _upload(content),
            "preset": "groundswell",
            "source": "zendesk",
            "skip_bad_rows": "0",
        },
    )
    job = ImportJob.objects.get()

    report = client.get(reverse("desk:import-report", args=[job.pk])).content.decode()

    assert report.splitlines()[1:] == [f'2,team,"{imports.not_yours("Alpha")}"']
    assert (job.created_count, job.updated_count) == (1, 0)


def _upload(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("export.csv", content)
