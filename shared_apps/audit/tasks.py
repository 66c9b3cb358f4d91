"""The audit log's daily job: archive and remove rows past the retention (public schema)."""

from procrastinate.contrib.django import app

from shared_apps.audit import retention
from tenants.jobs import public_job


@app.periodic(cron="17 3 * * *", periodic_id="audit_archive_expired")
@app.task(name="audit.archive_expired", queue="maintenance")
@public_job
def archive_expired(timestamp: int) -> None:
    while retention.archive_expired() is not None:
        pass
