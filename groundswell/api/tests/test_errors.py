"""Every refusal and every invalid request answers in one JSON shape."""

import json

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client

from groundswell.core.api.errors import field_path
from groundswell.people.models import Team
from groundswell.site.api import api


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (("body", "payload", "team"), "team"),
        (("body", "payload", "address", "city"), "address.city"),
        (("body", "payload"), "payload"),
        (("query", "role"), "role"),
        (("path", "person_id"), "person_id"),
        (("body", "payload", "tags", 2), "tags.2"),
        ((), None),
    ],
)
def test_field_path_drops_where_ninja_found_the_value(location, expected):
    assert field_path(location) == expected


def test_unknown_api_path_is_a_json_404(admin, client_for):
    response = client_for(admin).get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


def test_unknown_api_path_is_404_even_without_credentials(db):
    assert Client().get("/api/v1/no-such-thing").status_code == 404


def test_malformed_json_is_400_not_500(admin, client_for):
    response = client_for(admin).post(
        "/api/v1/departments", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


def test_body_of_the_wrong_type_is_422(admin, client_for):
    response = client_for(admin).post(
        "/api/v1/departments", [1, 2], content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"]


@pytest.mark.parametrize(
    ("exception", "status", "expected"),
    [
        (
            DjangoValidationError("The import is empty."),
            422,
            [{"field": None, "message": "The import is empty."}],
        ),
        (
            DjangoValidationError({NON_FIELD_ERRORS: ["Clash."], "name": ["Taken.", "Too long."]}),
            422,
            [
                {"field": None, "message": "Clash."},
                {"field": "name", "message": "Taken."},
                {"field": "name", "message": "Too long."},
            ],
        ),
        (SuspiciousOperation("Odd header"), 400, []),
        (Team.DoesNotExist(), 404, []),
    ],
)
def test_exceptions_map_to_statuses_and_field_errors(exception, status, expected, rf):
    response = api.on_exception(rf.get("/api/v1/teams"), exception)

    assert response.status_code == status
    assert json.loads(response.content)["errors"] == expected


def test_unexpected_error_is_logged_and_answered_in_the_api_shape(rf, caplog):
    response = api.on_exception(rf.get("/api/v1/people"), RuntimeError("boom"))

    assert response.status_code == 500
    assert json.loads(response.content) == {
        "detail": "Something went wrong on our side.",
        "errors": [],
    }
    assert "boom" in caplog.text
