"""The hourly job of the idempotency keys: forget answers older than IDEMPOTENCY_KEY_HOURS (public schema)."""

from procrastinate.contrib.django import app

from shared_apps.idempotency.services import idempotency_keys_purge
from tenants.jobs import public_job


@app.periodic(cron="41 * * * *", periodic_id="idempotency_purge_keys")
# The queueing lock keeps a single purge waiting when the worker was away for hours.
@app.task(name="idempotency.purge_keys", queue="maintenance", queueing_lock="idempotency_purge_keys")
@public_job
def purge_keys(timestamp: int) -> int:
    return idempotency_keys_purge()
