"""Error reporting. Every event carries the `congress` tag (set per request by CongressMiddleware and per job
by tenants.jobs), so an error can be traced to the congress it happened in."""

import time

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float = 0.0, transport=None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        # SECURITY: local variables can hold clear ID and mobile numbers (registry code decrypts them);
        # stack frames are sent without their locals.
        include_local_variables=False,
        integrations=[DjangoIntegration(), LoggingIntegration()],
        transport=transport,
        before_send=quiet_outages,
    )


# An outage of the database fails every request at once: one event a minute per process says so.
OUTAGE_REPORT_SECONDS = 60
_last_outage_report = [0.0]


def quiet_outages(event, hint):
    """Sentry's before_send: drop an event about the database being unreachable if this process reported one
    within the last minute (config.errors answers those requests 503)."""
    from config.errors import database_unavailable

    exc_info = hint.get("exc_info") if hint else None
    if exc_info and database_unavailable(exc_info[1]):
        now = time.monotonic()
        if now - _last_outage_report[0] < OUTAGE_REPORT_SECONDS:
            return None
        _last_outage_report[0] = now
    return event
