"""The kudos endpoints under /api/v1, per role and per API-key scope, and their schema."""

import threading
import time
import uuid

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import Client

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.recognition.models import Kudos

ALL_ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
API = "/api/v1"


def post(client, url, data=None, **headers):
    return client.post(url, data or {}, content_type="application/json", **headers)


def errors_by_field(response):
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def payload(recipient, **extra):
    return {
        "recipient": recipient.pk,
        "message": "Great save today.",
        "values": ["respect"],
        **extra,
    }


def test_the_api_needs_credentials(client, db):
    assert client.get(f"{API}/kudos").status_code == 401
    assert post(client, f"{API}/kudos", {}).status_code == 401
    assert client.get(f"{API}/recognition/values").status_code == 401


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_gives_reads_reacts_and_comments(role, org, client_for, respect):
    client = client_for(org[role])
    recipient = org["other_agent"] if role != "other_agent" else org["agent"]

    created = post(client, f"{API}/kudos", payload(recipient))
    kudos_id = created.json()["id"]
    reacted = post(client, f"{API}/kudos/{kudos_id}/reactions", {"kind": "applause"})
    commented = post(client, f"{API}/kudos/{kudos_id}/comments", {"body": "Indeed"})
    listed = client.get(f"{API}/kudos?feed=company")

    assert created.status_code == 201
    assert created.json()["giver"] == org[role].pk
    assert created.json()["values"] == ["respect"]
    assert created.json()["source"] == "api"
    applause = next(r for r in reacted.json()["reactions"] if r["kind"] == "applause")
    assert applause == {"kind": "applause", "count": 1, "mine": True}
    assert commented.status_code == 201
    assert listed.json()["count"] == 1
    assert client.get(f"{API}/recognition/values").json()[0]["slug"] == "respect"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_private_kudos_per_role(role, org, client_for, give):
    kudos = give(org["other_agent"], recipient=org["agent"], is_private=True)

    response = client_for(org[role]).get(f"{API}/kudos/{kudos.pk}")

    assert response.status_code == (200 if role in {"agent", "team_lead"} else 404)


def test_bad_kudos_name_the_field(org, client_for, respect, retired):
    client = client_for(org["agent"])

    assert "recipient" in errors_by_field(post(client, f"{API}/kudos", payload(org["agent"])))
    assert "values" in errors_by_field(
        post(client, f"{API}/kudos", payload(org["manager"], values=[]))
    )
    retired_error = errors_by_field(
        post(client, f"{API}/kudos", payload(org["manager"], values=["old-ways"]))
    )
    assert "retired" in retired_error["values"]
    unknown = errors_by_field(
        post(client, f"{API}/kudos", payload(org["manager"], values=["nope"]))
    )
    assert "nope" in unknown["values"]
    assert "recipient" in errors_by_field(
        post(client, f"{API}/kudos", {**payload(org["manager"]), "recipient": 999_999})
    )
    assert not Kudos.objects.exists()


def test_a_retry_with_the_same_key_returns_the_first_kudos(org, client_for, respect):
    client = client_for(org["agent"])
    data = payload(org["manager"], idempotency_key=str(uuid.uuid4()))

    first = post(client, f"{API}/kudos", data)
    second = post(client, f"{API}/kudos", data)

    assert first.json()["id"] == second.json()["id"]
    assert Kudos.objects.count() == 1


def test_too_many_kudos_is_429(org, client_for, respect, settings):
    settings.GROUNDSWELL_KUDOS_PER_HOUR = 1
    client = client_for(org["agent"])
    post(client, f"{API}/kudos", payload(org["manager"]))

    response = post(client, f"{API}/kudos", payload(org["manager"]))

    assert response.status_code == 429
    assert "hour" in response.json()["detail"]


def test_a_read_only_key_cannot_give_kudos(admin, client, respect, other_agent):
    reader = create_api_key(actor=admin, name="bot", scope=ApiKeyScope.READ).secret
    writer = create_api_key(actor=admin, name="bot2", scope=ApiKeyScope.READ_WRITE).secret

    refused = post(
        client, f"{API}/kudos", payload(other_agent), HTTP_AUTHORIZATION=f"Bearer {reader}"
    )
    given = post(
        client, f"{API}/kudos", payload(other_agent), HTTP_AUTHORIZATION=f"Bearer {writer}"
    )

    assert refused.status_code == 403
    assert given.status_code == 201


def test_the_schema_documents_every_kudos_route(client, db):
    schema = client.get(f"{API}/openapi.json").json()

    for path in ("/api/v1/kudos", "/api/v1/kudos/{kudos_id}", "/api/v1/kudos/{kudos_id}/reactions"):
        assert path in schema["paths"]
    give = schema["paths"]["/api/v1/kudos"]["post"]
    assert {"201", "401", "403", "422", "429"} <= set(give["responses"])
    assert "KudosIn" in schema["components"]["schemas"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_double_sends_store_one_kudos(agent, other_agent, respect):
    """Eight threads (fifty on PostgreSQL) send one form at once; SQLite's shared in-memory test
    database answers "locked" at once instead of waiting, so a thread then tries again."""
    threads_count = 50 if connection.vendor == "postgresql" else 8
    data = payload(other_agent, idempotency_key=str(uuid.uuid4()))
    start = threading.Barrier(threads_count)
    ids: list[int] = []
    errors: list[BaseException] = []

    clients = []
    for _number in range(threads_count):  # signed in one by one: the sessions are written here
        client = Client()
        client.force_login(agent.user, backend="groundswell.people.backends.PersonBackend")
        clients.append(client)

    def send(client: Client) -> None:
        try:
            start.wait(timeout=30)
            for _attempt in range(50):
                try:
                    response = post(client, f"{API}/kudos", data)
                except OperationalError:
                    time.sleep(0.05)
                    continue
                if response.status_code == 201:
                    ids.append(response.json()["id"])
                    return
                time.sleep(0.05)
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(ids) == threads_count
    assert len(set(ids)) == 1
    assert Kudos.objects.filter(giver=agent).count() == 1
