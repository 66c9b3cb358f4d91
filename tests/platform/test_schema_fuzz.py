"""Schema fuzzing (issue 12): schemathesis generates calls from the platform's own OpenAPI schema — of a congress
host signed in as its office, and of the root signed in as the platform administrator — and every answer must
be no server error and exactly what the schema describes (status code, content type, body).

The calls go through Django's WSGI handler in this process, inside the test's transaction (nothing is kept);
the example count per operation is bounded so that the whole file stays near a minute.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared_apps.security import tokens

# Examples per operation. The same examples every run (derandomized) so a red run can be replayed; set
# FUZZ_RANDOM=1 to explore fresh ones.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """Django's handler, without closing the test's connection at each request (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(app, host: str, user) -> list[str]:
    _token, key = tokens.issue(user, "schemathesis")
    headers = {"Host": host, "Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app, headers={"Host": host})
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(
            max_examples=EXAMPLES,
            derandomize=not RANDOM,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            call()
        # Every operation is tried and the failures listed together (schemathesis raises a BaseExceptionGroup).
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    return failures


def test_a_congress_host_as_its_office(wsgi_app, users):
    failures = _fuzz(wsgi_app, "huaxi.congress.localhost", users["li"])
    assert not failures, "\n\n".join(failures)


def test_the_root_as_the_platform_administrator(wsgi_app, users):
    failures = _fuzz(wsgi_app, "congress.localhost", users["wang"])
    assert not failures, "\n\n".join(failures)
