"""Background jobs of provisioning, run by the procrastinate worker in the public schema; each takes the
request's id. (The task names stay those of the tenants app that first defined them, so jobs queued before an
upgrade still run.)"""

from procrastinate.contrib.django import app

from console import batches
from console.provisioning import provisioning_execute, stalled_provisioning_ids
from tenants.jobs import public_job
from tenants.tasks import defer_refill


# Retries are safe: provisioning_execute claims a pending request and returns a finished or claimed one untouched.
@app.task(name="tenants.provision_congress", queue="provisioning", retry=3)
@public_job
def provision_congress(request_id: int) -> None:
    """Create the congress a provisioning request asks for (idempotent), then top the spare pool up."""
    provisioning_execute(request_id)
    # Taking a spare shrinks the pool; the queueing lock keeps a burst of provisionings to one waiting refill.
    defer_refill()


@app.periodic(cron="* * * * *", periodic_id="resume_provisioning")
# queueing_lock: a slow run cannot pile up a queue of minute-by-minute resumes behind it.
@app.task(name="tenants.resume_provisioning", queue="provisioning", queueing_lock="resume_provisioning")
@public_job
def resume_provisioning(timestamp: int) -> None:
    """Finish provisioning requests that no live run holds: running ones whose claimant died (a worker or a
    command killed), queued ones whose job was lost (retries exhausted); then end the batches left settled.

    Safe to overlap with a live job: provisioning_execute takes the request's claim, or leaves it to its holder.
    """
    for request_id in stalled_provisioning_ids():
        provisioning_execute(request_id)
    # A batch whose last row's process died between that row's commit and the batch's end.
    for batch_id in batches.settled_batch_ids():
        batches.finish_if_done(batch_id)
