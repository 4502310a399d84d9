"""Who may call the API: keys and sessions, and every way of being refused."""

import pytest
from django.test import Client

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key, revoke_api_key
from groundswell.people.choices import Role

PEOPLE = "/api/v1/people"
DEPARTMENTS = "/api/v1/departments"


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def read_key(admin):
    return create_api_key(actor=admin, name="Reader", scope=ApiKeyScope.READ).secret


@pytest.fixture
def write_key(admin):
    return create_api_key(actor=admin, name="Writer", scope=ApiKeyScope.READ_WRITE).secret


def assert_error(response, status):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    return body


def test_read_key_reads(org, read_key):
    response = Client().get(PEOPLE, headers=bearer(read_key))

    assert response.status_code == 200
    assert response.json()["count"] == len(org)


def test_read_key_may_not_write(admin, read_key):
    response = Client().post(
        DEPARTMENTS, {"name": "Sales"}, content_type="application/json", headers=bearer(read_key)
    )

    body = assert_error(response, 403)
    assert "only read" in body["detail"]


def test_read_write_key_writes_as_its_creator(admin, write_key):
    response = Client().post(
        DEPARTMENTS, {"name": "Sales"}, content_type="application/json", headers=bearer(write_key)
    )

    assert response.status_code == 201
    assert response.json()["name"] == "Sales"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer gsk_00000000_garbage"},
        {"Authorization": "Bearer not-even-close"},
        {"Authorization": "Basic YWRtaW46c2VjcmV0"},
    ],
    ids=["no key", "empty bearer", "unknown key", "garbage", "basic auth"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_missing_or_bad_credentials_are_401_with_a_bearer_challenge(method, headers, db):
    if method == "post":
        response = Client().post(PEOPLE, {}, content_type="application/json", headers=headers)
    else:
        response = Client().get(PEOPLE, headers=headers)

    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_key_is_401(admin, read_key):
    from groundswell.api.models import ApiKey

    revoke_api_key(actor=admin, api_key=ApiKey.objects.get())

    assert_error(Client().get(PEOPLE, headers=bearer(read_key)), 401)


def test_key_of_a_deactivated_admin_is_401(admin, read_key):
    admin.is_active = False
    admin.save(update_fields=["is_active"])

    assert_error(Client().get(PEOPLE, headers=bearer(read_key)), 401)


def test_key_of_an_admin_moved_to_another_role_is_401(admin, read_key):
    admin.role = Role.EXECUTIVE
    admin.save(update_fields=["role"])

    assert_error(Client().get(PEOPLE, headers=bearer(read_key)), 401)


def test_bad_key_is_refused_even_with_a_signed_in_session(agent, client_for):
    response = client_for(agent).get(PEOPLE, headers=bearer("gsk_00000000_garbage"))

    assert_error(response, 401)


def test_session_reads_as_the_signed_in_person(agent, client_for):
    response = client_for(agent).get(f"{PEOPLE}/{agent.pk}")

    assert response.status_code == 200
    assert response.json()["email"] == agent.email


def test_session_writes_need_the_csrf_token(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user, backend="groundswell.people.backends.PersonBackend")

    refused = client.post(DEPARTMENTS, {"name": "Sales"}, content_type="application/json")
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the docs page does for its requests
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        DEPARTMENTS,
        {"name": "Sales"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    body = assert_error(refused, 403)
    assert "CSRF" in body["detail"]
    assert accepted.status_code == 201


def test_session_reads_need_no_csrf_token(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user, backend="groundswell.people.backends.PersonBackend")

    assert client.get(PEOPLE).status_code == 200


def test_signed_in_account_without_a_person_is_403(django_user_model, db):
    user = django_user_model.objects.create_user("robot@example.test", password="x")
    client = Client()
    client.force_login(user, backend="groundswell.people.backends.PersonBackend")

    body = assert_error(client.get(PEOPLE), 403)
    assert "not linked" in body["detail"]


def test_signed_in_person_who_left_is_refused(agent, client_for):
    client = client_for(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    assert_error(client.get(PEOPLE), 403)
