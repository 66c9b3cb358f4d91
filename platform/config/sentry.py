"""Error reporting. Every event carries the `congress` tag (set per request by CongressMiddleware and per job
by tenants.jobs), so an error can be traced to the congress it happened in."""

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
    )
