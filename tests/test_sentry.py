"""Errors reach Sentry tagged with the congress they happened in."""

import pytest
import sentry_sdk
from django.test import Client
from sentry_sdk.transport import Transport

from config.sentry import init_sentry


class LocalTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():
    transport = LocalTransport()
    init_sentry("http://public@127.0.0.1:9/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.init(dsn=None)


def test_an_error_in_a_congress_is_tagged_with_its_schema(db, sentry_events, monkeypatch):
    def broken():
        raise RuntimeError("profile store unavailable")

    monkeypatch.setattr("tenant_apps.about.selectors.profile_get", broken)
    response = Client(HTTP_HOST="qingyan.congress.localhost", raise_request_exception=False).get("/about/")
    assert response.status_code == 500
    sentry_sdk.flush()
    tagged = [e for e in sentry_events if e.get("exception")]
    assert tagged and tagged[-1]["tags"]["congress"] == "c520111101000"
    assert "profile store unavailable" in str(tagged[-1]["exception"])


def test_jobs_tag_their_congress(db, sentry_events):
    from tenants.jobs import in_congress

    @in_congress
    def failing_job(schema_name):
        from django.db import connection

        assert connection.schema_name == schema_name
        sentry_sdk.capture_message("job ran")

    failing_job("c520111101000")
    sentry_sdk.flush()
    assert sentry_events[-1]["tags"]["congress"] == "c520111101000"


def test_a_database_outage_is_a_503_page_and_one_event_a_minute(db, sentry_events, monkeypatch):
    """Every request fails at once while PostgreSQL restarts: each answers 503 with Retry-After (the page says
    to come back shortly; the API says so in JSON), and Sentry hears of it once, not once a request."""
    from django.db import OperationalError

    from config import sentry

    def unreachable():
        raise OperationalError("the connection is lost")

    monkeypatch.setattr("tenant_apps.about.selectors.profile_get", unreachable)
    monkeypatch.setattr(sentry, "_last_outage_report", [0.0])
    client = Client(HTTP_HOST="qingyan.congress.localhost", raise_request_exception=False)
    for _ in range(3):
        response = client.get("/about/")
        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert "服务暂时不可用" in response.content.decode() and "503" in response.content.decode()
    api = client.get("/api/v1/about/profile/")
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert api.json() == {"detail": "服务暂时不可用，请稍后再试。"}
    sentry_sdk.flush()
    outages = [e for e in sentry_events if "the connection is lost" in str(e.get("exception"))]
    assert len(outages) == 1


def test_the_pool_checks_a_connection_before_handing_it_out():
    from django.db import connection

    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    if connection.settings_dict.get("OPTIONS", {}).get("pool"):
        from psycopg_pool import ConnectionPool

        assert connection.pool._check == ConnectionPool.check_connection
