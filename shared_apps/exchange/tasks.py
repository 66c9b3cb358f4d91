"""Background jobs of the exchange: delivery, the sweep for transfers whose job went missing, and the retry of
jobs whose worker died (which also protects every other job of the project)."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.exceptions import AlreadyEnqueued

from shared_apps.exchange.delivery import DeliveryError, transfer_deliver
from shared_apps.exchange.models import Transfer, TransferStatus
from tenants.jobs import public_job

# A transfer still "sent" this long after it was written has lost its job (or its job failed for good).
SWEEP_AFTER = datetime.timedelta(minutes=2)


@app.task(
    name="exchange.deliver_transfer",
    queue="exchange",
    retry=RetryStrategy(max_attempts=7, exponential_wait=2, retry_exceptions={DeliveryError}),
)
@public_job
def deliver_transfer(transfer_id: str) -> str:
    return transfer_deliver(transfer_id)


@app.periodic(cron="* * * * *", periodic_id="exchange_sweep")
@app.task(name="exchange.sweep", queue="exchange", queueing_lock="exchange_sweep")
@public_job
def sweep(timestamp: int) -> int:
    """Re-queue transfers left "sent" with no job waiting (a lost job, a worker gone for good)."""
    return requeue_stuck(timezone.now() - SWEEP_AFTER)


def requeue_stuck(before) -> int:
    """Queue a delivery for each transfer written before `before`, still "sent", whose job is gone: none waiting
    ("todo") and none running ("doing"; a dead worker's job is put back by retry_stalled_jobs). Returns how many
    were queued."""
    queued = 0
    # The outbox's own jobs carry no queueing lock, so the lock below cannot see them: without this check a
    # backlog older than SWEEP_AFTER (a worker down for a few minutes) would be queued a second time.
    live_job = ProcrastinateJob.objects.annotate(transfer_id=KeyTextTransform("transfer_id", "args")).filter(
        task_name=deliver_transfer.name,
        status__in=("todo", "doing"),
        transfer_id=Cast(OuterRef("pk"), TextField()),
    )
    stuck = (
        Transfer.objects.filter(status=TransferStatus.SENT, created_at__lt=before)
        .filter(~Exists(live_job))
        .values_list("pk", flat=True)
    )
    for pk in stuck[:1000]:
        try:
            with transaction.atomic():  # a savepoint: a refused lock must not spoil the caller's transaction
                deliver_transfer.configure(queueing_lock=f"transfer:{pk}").defer(transfer_id=str(pk))
        except AlreadyEnqueued:
            continue
        queued += 1
    return queued


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(name="exchange.retry_stalled_jobs", queue="maintenance", queueing_lock="retry_stalled_jobs")
async def retry_stalled_jobs(timestamp: int) -> int:
    """Put back to "todo" the jobs of workers that stopped sending heartbeats (killed, machine lost):
    procrastinate leaves them "doing" otherwise. Every job of the project is safe to run again."""
    stalled = list(await app.job_manager.get_stalled_jobs())
    for job in stalled:
        await app.job_manager.retry_job(job)
    return len(stalled)
