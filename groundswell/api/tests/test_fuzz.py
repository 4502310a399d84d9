"""Schema-based fuzzing: every operation in the OpenAPI document, fed generated input, never 5xx.

Schemathesis reads /api/v1/openapi.json from the WSGI app and generates requests (valid ones
and edge cases) for each operation, sent in-process with an admin's read-write API key.
Whatever it sends, the API must answer with a client error or a success, never a server error.
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
