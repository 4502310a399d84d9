"""Schema-based fuzzing: every operation in the OpenAPI document, fed generated input, never 5xx.

Schemathesis reads /api/v1/openapi.json from the WSGI app and generates requests (valid ones
and edge cases) for each operation, sent in-process with an admin's read-write API key.
Whatever it sends, the API must answer with a client error or a success, never a server error.
A second pass puts a NUL character into every string of each generated request (path, query,
body), since PostgreSQL cannot store one: each must be a 4xx, never a 5xx. Both run on SQLite
and on PostgreSQL (CI runs the suite on both; nothing here is skipped on either).
(Schemathesis's own pytest plugin does not run under pytest 9 yet, so Hypothesis drives the
strategies directly.)
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_finished, which would close the test's
    database connection (and its transaction); Django's own test client disconnects it too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_key(org):
    return create_api_key(actor=org["admin"], name="fuzz", scope=ApiKeyScope.READ_WRITE).secret


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_api_never_answers_with_a_server_error(operation, admin_key):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        case.call_and_validate(
            headers={"Authorization": f"Bearer {admin_key}"}, checks=[not_a_server_error]
        )

    fuzz()


def _with_nul(value):
    """`value` with a NUL in every string (keys of objects included)."""
    if isinstance(value, str):
        return value[:1] + "\x00" + value[1:]
    if isinstance(value, dict):
        return {_with_nul(key): _with_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_nul(item) for item in value]
    return value


def _nul_case(case):
    """The case with NUL in its strings, or None when it has no string to put one in.

    Path parameters get a NUL after their value (ids and UUIDs too, as the URL's text)."""
    changed = bool(case.path_parameters)
    case.path_parameters = {name: f"{value}\x00" for name, value in case.path_parameters.items()}
    for part in ("query", "body"):
        value = getattr(case, part, None)
        if isinstance(value, dict | list | str) and _with_nul(value) != value:
            setattr(case, part, _with_nul(value))
            changed = True
    return case if changed else None


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_nul_characters_anywhere_are_a_client_error(operation, admin_key):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=3,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        nul = _nul_case(case)
        if nul is None:
            return
        response: Response = nul.call(headers={"Authorization": f"Bearer {admin_key}"})
        assert 400 <= response.status_code < 500, (nul.method, nul.formatted_path, response.text)

    fuzz()
