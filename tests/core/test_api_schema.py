"""Schemathesis drives every operation of /api/openapi.json with generated input (bounded), through the real WSGI
application and database, as an authenticated staff member."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

from tsunagu.agencies.tokens import api_token_issue
from tsunagu.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes the database connection after each WSGI request; its test client stops that, and so must we,
    because schemathesis calls the WSGI application directly inside the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, negative_data_rejection]


def test_every_operation_survives_generated_input(alice, own_agency):
    _, key = api_token_issue(staff=alice, name="schemathesis")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application,
                                            headers={"Authorization": f"Bearer {key}"})
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI document lists no operations"
    for operation in operations:
        @settings(max_examples=12, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect all operations' failures, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
