"""The identity controls' daily job: forget failure counters long past their window (public schema)."""

from procrastinate.contrib.django import app

from shared_apps.security import limiter
from tenants.jobs import public_job


@app.periodic(cron="23 3 * * *", periodic_id="security_purge_throttles")
@app.task(name="security.purge_throttles", queue="maintenance")
@public_job
def purge_throttles(timestamp: int) -> None:
    limiter.purge()
