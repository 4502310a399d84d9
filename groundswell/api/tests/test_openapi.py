"""The API describes itself: a valid OpenAPI 3 document and a docs page served locally."""

import re

import pytest
from django.test import Client
from django.urls import reverse

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# The only routes with `auth=None`: an anonymous submitter's way back in with a follow-up code.
PUBLIC_PATHS = {"/api/v1/ideas/follow-up", "/api/v1/ideas/follow-up/reply"}


@pytest.fixture
def document(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_document_is_openapi_3_with_info_and_paths(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Groundswell API"
    assert document["info"]["version"] == "1"
    paths = set(document["paths"])
    assert {
        "/api/v1/departments",
        "/api/v1/departments/{department_id}",
        "/api/v1/teams",
        "/api/v1/teams/{team_id}",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/interactions",
        "/api/v1/interactions/batch",
        "/api/v1/interactions/import",
        "/api/v1/analytics/summary",
        "/api/v1/metrics/summary",
        "/api/v1/quality/scorecards",
        "/api/v1/quality/scorecards/{scorecard_id}",
        "/api/v1/quality/scorecards/{scorecard_id}/versions",
        "/api/v1/quality/scorecards/{scorecard_id}/reviews/import",
        "/api/v1/quality/reviews",
        "/api/v1/quality/reviews/{review_id}",
        "/api/v1/quality/reviews/{review_id}/acknowledge",
        "/api/v1/quality/reviews/{review_id}/disputes",
        "/api/v1/quality/disputes",
        "/api/v1/quality/disputes/{dispute_id}/decision",
        "/api/v1/quality/calibrations",
        "/api/v1/quality/calibrations/{calibration_id}",
        "/api/v1/quality/metric-audit",
    } <= paths
    assert all(path.startswith("/api/v1/") for path in paths)


def test_every_operation_is_well_formed(document):
    operation_ids = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert method in HTTP_METHODS, (path, method)
            operation_ids.append(operation["operationId"])
            assert operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", status), (path, method, status)
                assert response["description"], (path, method, status)
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"query", "path", "header", "cookie"}
                if parameter["in"] == "path":
                    assert parameter["required"] is True
                    assert "{" + parameter["name"] + "}" in path
    assert len(operation_ids) == len(set(operation_ids)) > 40


def test_every_reference_resolves(document):
    schemas = document["components"]["schemas"]
    for ref in set(_refs(document)):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_errors_are_documented_in_one_shape(document):
    for item in document["paths"].values():
        for operation in item.values():
            for status in ("401", "403", "422"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "errors"}


def test_key_and_session_authentication_are_required_by_default(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["ApiKeyAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["PersonSessionAuth"]["in"] == "cookie"
    for path, item in document["paths"].items():
        for operation in item.values():
            if path in PUBLIC_PATHS:
                assert "security" not in operation, path
                continue
            assert {"ApiKeyAuth": []} in operation["security"]
            assert {"PersonSessionAuth": []} in operation["security"]


def test_lists_are_paginated_with_count_and_items(document):
    lists = (
        "/api/v1/departments",
        "/api/v1/teams",
        "/api/v1/people",
        "/api/v1/quality/scorecards",
        "/api/v1/quality/reviews",
        "/api/v1/quality/disputes",
        "/api/v1/quality/calibrations",
    )
    for path in lists:
        operation = document["paths"][path]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"page", "page_size"} <= names
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        paged = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(paged["required"]) == {"items", "count"}


def test_docs_page_loads_swagger_from_our_own_static_files(db):
    response = Client().get(reverse("api-1:openapi-view"))

    assert response.status_code == 200
    html = response.text
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "/api/v1/openapi.json" in html
    assert "cdn" not in html.lower()
    assert "http://" not in html
    assert "https://" not in html


def test_document_passes_the_openapi_specification_validator(document):
    from openapi_spec_validator import validate

    validate(document)  # raises OpenAPIValidationError naming the offending path
