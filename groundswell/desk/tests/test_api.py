"""The desk endpoints under /api/v1: per role, ingest, batch, CSV import and promises."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.desk.models import Customer, Interaction, Promise
from groundswell.desk.services import _TEAM_BY_PK
from groundswell.desk.tests.factories import (
    CHANGE,
    VIEW,
    CustomerFactory,
    InteractionFactory,
    PromiseFactory,
)

API = "/api/v1"


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def key(admin):
    return create_api_key(actor=admin, name="Helpdesk", scope=ApiKeyScope.READ_WRITE).secret


@pytest.fixture
def alpha_interaction(org, team_alpha):
    return InteractionFactory.create(
        team=team_alpha, handled_by=org["agent"], subject="Lost parcel"
    )


def test_ingest_with_an_api_key_is_idempotent(key, team_alpha):
    payload = {
        "team_id": team_alpha.pk,
        "channel": "email",
        "status": "open",
        "subject": "Refund not received",
        "external_id": "bench-1",
        "customer_email": "Pat@Example.test",
    }
    client = Client()

    first = post(client, f"{API}/interactions", payload, headers=bearer(key))
    second = post(
        client, f"{API}/interactions", {**payload, "status": "resolved"}, headers=bearer(key)
    )

    assert first.status_code == 201
    assert second.status_code == 201
    assert first["Groundswell-Upsert"] == "created"
    assert second["Groundswell-Upsert"] == "updated"
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["status"] == "resolved"
    assert second.json()["resolved_at"] is not None
    assert Interaction.objects.count() == 1
    assert Customer.objects.get().email == "pat@example.test"


def test_resending_an_unchanged_interaction_writes_nothing(key, team_alpha, agent):
    payload = {
        "team_id": team_alpha.pk,
        "channel": "chat",
        "subject": "Where is my parcel?",
        "external_id": "same-1",
        "handled_by_email": agent.email,
        "customer_email": "pat@example.test",
    }
    client = Client()
    post(client, f"{API}/interactions", payload, headers=bearer(key))
    Interaction.objects.update(updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))

    again = post(client, f"{API}/interactions", payload, headers=bearer(key))
    changed = post(
        client, f"{API}/interactions", {**payload, "subject": "Parcel found"}, headers=bearer(key)
    )

    assert again.status_code == 201
    assert again["Groundswell-Upsert"] == "updated"
    assert changed.json()["subject"] == "Parcel found"
    stored = Interaction.objects.get()
    assert stored.handled_by == agent
    assert stored.updated_at.year == 2026
    assert stored.updated_at.month > 1 or stored.updated_at.day > 1  # only the change wrote


def test_ingest_costs_a_few_queries(key, team_alpha):
    payload = {"team_id": team_alpha.pk, "channel": "email", "subject": "x", "external_id": "q-1"}
    client = Client()
    post(client, f"{API}/interactions", payload, headers=bearer(key))

    with CaptureQueriesContext(connection) as queries:
        response = post(client, f"{API}/interactions", payload, headers=bearer(key))

    assert response.status_code == 201
    assert len(queries) <= 7


def test_a_new_row_reads_its_team_by_primary_key_alone(key, team_alpha):
    """The ingest's team lookup is compiled once per connection and carries none of the
    model's ordering (which joins the department): one plain read by id."""
    client = Client()
    post(
        client,
        f"{API}/interactions",
        {"team_id": team_alpha.pk, "channel": "email", "subject": "x", "external_id": "n-0"},
        headers=bearer(key),
    )
    payload = {"team_id": team_alpha.pk, "channel": "email", "subject": "x", "external_id": "n-1"}

    with CaptureQueriesContext(connection) as queries:
        response = post(client, f"{API}/interactions", payload, headers=bearer(key))

    assert response.status_code == 201
    assert response["Groundswell-Upsert"] == "created"
    # On PostgreSQL the lookup runs as `EXECUTE` of a statement prepared on the server.
    team_reads = [
        q["sql"]
        for q in queries
        if 'FROM "people_team"' in q["sql"] or _TEAM_BY_PK.statement_name in q["sql"]
    ]
    assert len(team_reads) == 1
    compiled = getattr(connection, _TEAM_BY_PK.attribute).sql.upper()
    assert "JOIN" not in compiled
    assert "ORDER BY" not in compiled
    assert Interaction.objects.get(external_id="n-1").team == team_alpha


def test_ingest_names_a_team_that_does_not_exist(key):
    payload = {"team_id": 987654, "channel": "email", "subject": "x", "external_id": "n-2"}

    response = post(Client(), f"{API}/interactions", payload, headers=bearer(key))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "team_id"
    assert "987654" in response.json()["errors"][0]["message"]
    assert not Interaction.objects.filter(external_id="n-2").exists()


def test_ingest_with_bad_values_names_the_fields(key):
    response = post(
        Client(),
        f"{API}/interactions",
        {"team_id": 0, "channel": "pigeon", "subject": "", "customer_email": "nope"},
        headers=bearer(key),
    )

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"team_id", "channel", "subject", "customer_email"} <= fields


def test_offsets_beyond_what_databases_keep_are_stored_in_utc(key, team_alpha):
    """Python accepts offsets up to ±23:59; PostgreSQL only to ±15:59, so moments go in as UTC."""
    client = Client()
    payload = {
        "team_id": team_alpha.pk,
        "channel": "email",
        "subject": "Far away",
        "opened_at": "2026-10-01T10:00:00-21:54",
    }

    created = post(client, f"{API}/interactions", payload, headers=bearer(key))
    listed = client.get(
        f"{API}/interactions", {"opened_from": "2026-10-01T00:00:00+23:30"}, headers=bearer(key)
    )
    too_far = post(
        client,
        f"{API}/interactions",
        {**payload, "opened_at": "9999-12-31T23:00:00-23:00"},
        headers=bearer(key),
    )

    assert created.status_code == 201, created.content
    stored = Interaction.objects.get(pk=created.json()["id"])
    assert stored.opened_at == datetime.datetime(2026, 10, 2, 7, 54, tzinfo=datetime.UTC)
    assert listed.status_code == 200
    assert too_far.status_code == 422
    assert too_far.json()["errors"][0]["field"] == "opened_at"


def test_ingest_of_a_new_interaction_without_a_team_is_refused(key):
    response = post(
        Client(), f"{API}/interactions", {"channel": "email", "subject": "x"}, headers=bearer(key)
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "team_id"


def test_read_only_key_cannot_ingest(admin, team_alpha):
    secret = create_api_key(actor=admin, name="Reader", scope=ApiKeyScope.READ).secret
    payload = {"team_id": team_alpha.pk, "channel": "email", "subject": "x"}

    response = post(Client(), f"{API}/interactions", payload, headers=bearer(secret))

    assert response.status_code == 403
    assert not Interaction.objects.exists()


def test_anonymous_gets_401(db):
    client = Client()
    assert client.get(f"{API}/interactions").status_code == 401
    assert post(client, f"{API}/interactions", {}).status_code == 401
    assert client.get(f"{API}/customers").status_code == 401


@pytest.mark.parametrize("role", list(VIEW))
def test_get_interaction_per_role(role, org, client_for, alpha_interaction):
    response = client_for(org[role]).get(f"{API}/interactions/{alpha_interaction.pk}")

    assert response.status_code == VIEW[role]


@pytest.mark.parametrize("role", list(CHANGE))
def test_patch_interaction_per_role(role, org, client_for, alpha_interaction):
    response = client_for(org[role]).patch(
        f"{API}/interactions/{alpha_interaction.pk}",
        {"subject": "Parcel found"},
        content_type="application/json",
    )

    assert response.status_code == CHANGE[role]
    alpha_interaction.refresh_from_db()
    assert (alpha_interaction.subject == "Parcel found") == (CHANGE[role] == 200)


@pytest.mark.parametrize("role", list(CHANGE))
def test_ingest_per_role(role, org, client_for, team_alpha):
    payload = {"team_id": team_alpha.pk, "channel": "chat", "subject": "Hello"}

    response = post(client_for(org[role]), f"{API}/interactions", payload)

    expected = {200: 201, 404: 403, 403: 403}[CHANGE[role]]
    assert response.status_code == expected


@pytest.mark.parametrize("role", ["agent", "other_agent", "executive", "outsider"])
def test_list_shows_only_what_the_caller_may_see(role, org, client_for, alpha_interaction):
    response = client_for(org[role]).get(f"{API}/interactions")

    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert (alpha_interaction.pk in ids) == (VIEW[role] == 200)


def test_list_follows_cursors_without_counting(admin, client_for, team_alpha):
    start = timezone.now() - datetime.timedelta(days=1)
    for number in range(5):
        InteractionFactory.create(
            team=team_alpha, opened_at=start + datetime.timedelta(minutes=number)
        )
    client = client_for(admin)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(f"{API}/interactions", {"limit": 3}).json()
    second = client.get(f"{API}/interactions", {"limit": 3, "cursor": first["next_cursor"]}).json()

    assert len(first["items"]) == 3
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert not {item["id"] for item in first["items"]} & {item["id"] for item in second["items"]}
    assert not any("COUNT(" in query["sql"].upper() for query in queries)
    bad = client.get(f"{API}/interactions", {"cursor": "nonsense"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"


def test_list_filters(admin, client_for, team_alpha, team_beta):
    InteractionFactory.create(team=team_alpha, channel="chat")
    beta = InteractionFactory.create(team=team_beta, channel="phone")

    response = client_for(admin).get(f"{API}/interactions", {"team_id": team_beta.pk})

    assert [item["id"] for item in response.json()["items"]] == [beta.pk]


def test_batch_reports_each_item(key, team_alpha, team_invoices, agent):
    items = [
        {"team_id": team_alpha.pk, "channel": "email", "subject": "One", "external_id": "b-1"},
        {"team_id": team_alpha.pk, "channel": "pigeon", "subject": "Two"},
        {"team_id": 999_999, "channel": "email", "subject": "Three"},
        {
            "team_id": team_alpha.pk,
            "channel": "email",
            "subject": "One again",
            "external_id": "b-1",
        },
        "not an object",
    ]

    response = post(Client(), f"{API}/interactions/batch", items, headers=bearer(key))

    assert response.status_code == 422  # a non-object item is a malformed request
    response = post(Client(), f"{API}/interactions/batch", items[:4], headers=bearer(key))
    body = response.json()
    assert response.status_code == 200
    assert [result["status"] for result in body["results"]] == [
        "created",
        "error",
        "error",
        "updated",
    ]
    assert body["results"][1]["errors"][0]["field"] == "channel"
    assert body["results"][2]["errors"][0]["field"] == "team_id"
    assert (body["created"], body["updated"], body["failed"]) == (1, 1, 1 + 1)
    assert Interaction.objects.get().subject == "One again"


def test_batch_over_the_limit_is_refused(key, team_alpha):
    items = [{"team_id": team_alpha.pk, "channel": "email", "subject": "x"}] * 1001

    response = post(Client(), f"{API}/interactions/batch", items, headers=bearer(key))

    assert response.status_code == 422
    assert not Interaction.objects.exists()


def test_agent_batch_into_another_team_is_an_item_error(agent, client_for, team_beta):
    items = [{"team_id": team_beta.pk, "channel": "email", "subject": "x"}]

    body = post(client_for(agent), f"{API}/interactions/batch", items).json()

    assert body["results"][0]["status"] == "error"
    assert not Interaction.objects.exists()


def csv_body(team_id, rows=20, start=0):
    lines = ["team_id,channel,status,subject,opened_at,external_id"]
    for number in range(start, start + rows):
        opened = f"2026-10-{1 + number % 28:02d}T10:00:00+00:00"
        lines.append(f"{team_id},email,closed,Refund not received,{opened},csv-{number}")
    return ("\n".join(lines) + "\n").encode()


def test_csv_import_creates_then_updates(key, team_alpha):
    client = Client()
    url = f"{API}/interactions/import"

    first = client.post(url, csv_body(team_alpha.pk), content_type="text/csv", headers=bearer(key))
    again = client.post(url, csv_body(team_alpha.pk), content_type="text/csv", headers=bearer(key))

    assert first.status_code == 201
    assert (first.json()["created"], first.json()["updated"]) == (20, 0)
    assert again.status_code == 201
    assert (again.json()["created"], again.json()["updated"]) == (0, 20)
    assert Interaction.objects.count() == 20


def test_csv_import_with_a_bad_row_imports_nothing(key, team_alpha):
    body = csv_body(team_alpha.pk) + b"999999,email,open,Bad team,2026-10-01T10:00:00+00:00,x\n"

    response = Client().post(
        f"{API}/interactions/import", body, content_type="text/csv", headers=bearer(key)
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "line 22: team_id"
    assert not Interaction.objects.exists()


def test_csv_import_can_skip_bad_rows(key, team_alpha):
    body = csv_body(team_alpha.pk) + b"999999,email,open,Bad team,2026-10-01T10:00:00+00:00,x\n"

    response = Client().post(
        f"{API}/interactions/import?skip_bad_rows=true",
        body,
        content_type="text/csv",
        headers=bearer(key),
    )

    assert response.status_code == 201
    assert response.json()["created"] == 20
    assert response.json()["skipped"] == 1
    assert response.json()["problems"][0]["line"] == 22


@pytest.mark.parametrize("role", ["agent", "team_lead", "executive"])
def test_csv_import_needs_the_import_right(role, org, client_for, team_alpha):
    response = client_for(org[role]).post(
        f"{API}/interactions/import", csv_body(team_alpha.pk), content_type="text/csv"
    )

    assert response.status_code == 403
    assert not Interaction.objects.exists()


# Customers per role: test_customer_scope.py.


def test_customer_create_and_patch(admin, client_for):
    client = client_for(admin)
    CustomerFactory.create(email="taken@example.test")

    created = post(client, f"{API}/customers", {"name": "Jo", "email": "JO@example.test"})
    taken = post(client, f"{API}/customers", {"name": "Jo", "email": "taken@example.test"})
    patched = client.patch(
        f"{API}/customers/{created.json()['id']}",
        {"language": "fr", "is_opted_out": True},
        content_type="application/json",
    )
    bad_language = client.patch(
        f"{API}/customers/{created.json()['id']}",
        {"language": "xx"},
        content_type="application/json",
    )

    assert created.json()["email"] == "jo@example.test"
    assert taken.status_code == 422
    assert taken.json()["errors"][0]["field"] == "email"
    assert patched.json()["language"] == "fr"
    assert patched.json()["is_opted_out"] is True
    assert bad_language.status_code == 422


@pytest.mark.parametrize("role", list(CHANGE))
def test_promises_per_role(role, org, client_for, alpha_interaction):
    client = client_for(org[role])
    due = (timezone.now() + datetime.timedelta(days=1)).isoformat()

    made = post(
        client,
        f"{API}/interactions/{alpha_interaction.pk}/promises",
        {"kind": "fix", "due_at": due},
    )
    promise = PromiseFactory.create(interaction=alpha_interaction)
    kept = post(client, f"{API}/promises/{promise.pk}/keep", {})
    listed = client.get(f"{API}/promises", {"interaction_id": alpha_interaction.pk})

    expected = CHANGE[role]
    assert made.status_code == (201 if expected == 200 else expected)
    assert kept.status_code == expected
    assert listed.status_code == 200
    assert (listed.json()["count"] > 0) == (VIEW[role] == 200)


def test_breaking_a_kept_promise_is_refused(admin, client_for, alpha_interaction):
    promise = PromiseFactory.create(interaction=alpha_interaction, status="kept")

    response = post(client_for(admin), f"{API}/promises/{promise.pk}/break", {})

    assert response.status_code == 422
    assert Promise.objects.get().status == "kept"


def test_subject_with_a_script_is_stored_as_sent(key, team_alpha):
    payload = {"team_id": team_alpha.pk, "channel": "web", "subject": "<script>x</script>"}

    response = post(Client(), f"{API}/interactions", payload, headers=bearer(key))

    assert response.json()["subject"] == "<script>x</script>"  # JSON, escaped where shown
