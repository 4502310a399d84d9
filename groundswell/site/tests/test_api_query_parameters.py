"""Every API route refuses query parameters it does not declare, naming them (a misspelt
filter must not silently return the whole list), and still takes the ones it declares."""

import re

import pytest
from django.test import Client

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.desk.choices import InteractionStatus
from groundswell.desk.tests.factories import InteractionFactory


@pytest.fixture
def api(admin):
    key = create_api_key(actor=admin, name="query check", scope=ApiKeyScope.READ_WRITE)
    return Client(headers={"authorization": f"Bearer {key.secret}"})


def _operations():
    document = Client().get("/api/v1/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            yield method, re.sub(r"\{[^}]+\}", "1", path), declared


@pytest.mark.django_db
def test_every_route_names_an_unknown_query_parameter(api):
    checked = 0
    for method, path, declared in _operations():
        response = getattr(api, method)(f"{path}?no_such_filter=1", content_type="application/json")
        assert response.status_code == 422, (method, path, response.content)
        body = response.json()
        assert body["detail"] == "Unknown query parameter."
        assert [e["field"] for e in body["errors"]] == ["no_such_filter"], (method, path)
        for name in declared:
            assert name in body["errors"][0]["message"], (method, path, name)
        checked += 1
    assert checked > 30  # every route of every app, not a handful


@pytest.mark.django_db
def test_a_misspelt_filter_is_refused_and_the_right_one_works(api, team_alpha):
    InteractionFactory.create(team=team_alpha, status=InteractionStatus.OPEN)
    InteractionFactory.create(team=team_alpha, status=InteractionStatus.RESOLVED)

    refused = api.get("/api/v1/interactions?stauts=open")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "stauts"
    assert "status" in refused.json()["errors"][0]["message"]

    listed = api.get("/api/v1/interactions?status=open")
    assert listed.status_code == 200
    assert [i["status"] for i in listed.json()["items"]] == ["open"]


@pytest.mark.django_db
def test_unknown_parameters_are_refused_before_anything_is_read(db):
    """No credentials: the answer still names the parameter (the schema is public anyway)."""
    response = Client().get("/api/v1/people?rol=admin")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "rol"
