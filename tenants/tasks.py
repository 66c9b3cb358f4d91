"""Background jobs of the tenants app, run by the procrastinate worker.

Jobs that work inside one congress take its schema name explicitly (see tenants.jobs.in_congress);
provisioning works in the public schema and takes the request's id.
"""

from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from tenants import schemas
from tenants.jobs import public_job


@app.task(name="tenants.provision_congress", queue="provisioning", retry=3)
@public_job
def provision_congress(request_id: int) -> None:
    """Create the congress a provisioning request asks for (idempotent), then top the spare pool up."""
    from tenants.services import provisioning_execute

    provisioning_execute(request_id)
    defer_refill()


@app.task(name="tenants.refill_spare_schemas", queue="maintenance", queueing_lock="refill_spare_schemas")
@public_job
def refill_spare_schemas() -> None:
    """Keep CONGRESS_SPARE_POOL_SIZE clones of the template ready for fast provisioning."""
    schemas.refill_spares()


def defer_refill() -> None:
    """Ask for a refill unless one is already queued (the queueing lock keeps a single one waiting)."""
    try:
        # A savepoint: the refused insert must not abort the caller's transaction.
        with transaction.atomic():
            refill_spare_schemas.defer()
    except AlreadyEnqueued:
        pass


@app.periodic(cron="*/5 * * * *", periodic_id="refill_spare_schemas")
@app.task(name="tenants.refill_spare_schemas_periodic", queue="maintenance")
@public_job
def refill_spare_schemas_periodic(timestamp: int) -> None:
    schemas.refill_spares()


@app.periodic(cron="* * * * *", periodic_id="resume_provisioning")
@app.task(name="tenants.resume_provisioning", queue="provisioning", queueing_lock="resume_provisioning")
@public_job
def resume_provisioning(timestamp: int) -> None:
    """Finish provisioning requests whose job was lost (a worker killed, retries exhausted).

    Safe to overlap with a live job: provisioning_execute locks the request and skips finished ones.
    """
    from tenants.services import provisioning_execute, stalled_provisioning_ids

    for request_id in stalled_provisioning_ids():
        provisioning_execute(request_id)
