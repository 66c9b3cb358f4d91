"""Background jobs of the tenants app, run by the procrastinate worker: keeping the pool of spare schemas full.
(Provisioning's jobs are the console's, console/tasks.py.) Jobs that work inside one congress take its schema
name explicitly (see tenants.jobs.in_congress); these work in the public schema.
"""

from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from tenants import schemas
from tenants.jobs import public_job


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
