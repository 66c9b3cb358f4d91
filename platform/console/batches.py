"""The end of a batch (a tree of congresses asked for from one file), a workflow on the platform's workflow core:
running → finished, a step the system takes once none of the batch's requests is pending. Its notice is the one
the uploader gets for the whole file — its rows tell no one (console.provisioning), or a province's file would
send 1,600 — saying how many were made, were there already, and failed, and linking to the batch's page.

`finish_if_done` runs after each row's outcome is committed; the worker's minute sweep (`resume_provisioning`)
finishes a batch whose last row's process died before it could.
"""

import logging

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from console.bulk import batch_progress
from shared_apps.memberships.permissions import SYSTEM, can_provision_congress
from shared_apps.notifications.services import notify_users
from tenants.hosts import root_url
from tenants.language import platform_text
from tenants.models import PENDING_STATUSES, BatchStatus, ProvisioningBatch, ProvisioningBatchEvent
from tenants.workflow import Notify, Refusals, Step, Transition, Workflow, WrongStatus, apply_transition

logger = logging.getLogger(__name__)


def _finish(step: Step) -> str:
    step.set(finished_at=step.now)
    progress = batch_progress(step.obj)
    step.event_data.update(succeeded=progress.succeeded, failed=progress.failed, already_there=progress.already_there)
    return BatchStatus.FINISHED


def _uploader(step: Step) -> set[int]:
    """Whoever uploaded the file on the console or the API; a command's operator has its summary instead."""
    return {step.obj.requested_by_id} if step.obj.requested_by_id else set()


def _title(step: Step):
    if step.event_data.get("failed"):
        return gettext_lazy("批量创建已结束，%(failed)s 个未能创建：%(name)s")
    return gettext_lazy("批量创建已全部完成：%(name)s")


def _deliver(step: Step, notice: Notify, user_ids: set[int]) -> None:
    batch, counts = step.obj, step.event_data
    url = root_url(reverse("console:batch_detail", urlconf="config.urls_public", kwargs={"pk": batch.pk}))
    body = platform_text(
        gettext_lazy("已创建 %(succeeded)s 个，已存在 %(already_there)s 个，失败 %(failed)s 个。"),
        succeeded=counts["succeeded"],
        already_there=counts["already_there"],
        failed=counts["failed"],
    )
    notify_users(
        user_ids=user_ids,
        congress=None,
        kind=notice.kind,
        title=platform_text(notice.title_for(step), name=batch.file_name or f"#{batch.pk}", failed=counts["failed"]),
        body=body,
        url=url,
        immediate=notice.immediate,
    )


BATCH = Workflow(
    name="console.provisioning_batch",
    model=ProvisioningBatch,
    event_model=ProvisioningBatchEvent,
    transitions={
        # The uploader waited for this (and must look at what failed): told at once, by their preferences.
        "finish": Transition(
            gettext_lazy("批量创建结束"),
            frozenset({BatchStatus.RUNNING}),
            (BatchStatus.FINISHED,),
            lambda access, batch: can_provision_congress(access),
            _finish,
            notify=Notify(_uploader, "batch_finished", _title),
        ),
    },
    # Refused only to code, never to a person: these texts end up in logs.
    refusals=Refusals(
        elsewhere="a batch is handled on the root domain",
        wrong_status="a batch that is %(status)s cannot %(action)s",
        forbidden="only the province's platform may %(action)s",
        not_applicable="%(action)s does not apply",
    ),
    in_congress=False,
    deliver=_deliver,
)


def finish_if_done(batch_id: int) -> bool:
    """Finish the batch if none of its requests is pending any more; whether this call finished it. The batch's
    row lock makes the check and the step one: two last rows ending together finish it once. Called after a
    row's commit, it never fails that row's caller: what goes wrong is logged, and the sweep tries again."""
    try:
        with transaction.atomic():
            batch = ProvisioningBatch.objects.select_for_update().get(pk=batch_id)
            if batch.status != BatchStatus.RUNNING or batch.requests.filter(status__in=PENDING_STATUSES).exists():
                return False
            apply_transition(BATCH, access=SYSTEM, obj=batch, action="finish")
    except WrongStatus:
        return False
    except Exception:
        logger.exception("batch %s: could not be finished; the sweep tries again", batch_id)
        return False
    return True


def settled_batch_ids() -> list[int]:
    """Running batches with requests, none of them pending: their last row's process died before finishing
    them. (A batch of rows that all existed already has no request: its page said so when it was made.)"""
    return list(
        ProvisioningBatch.objects.filter(status=BatchStatus.RUNNING, requests__isnull=False)
        .exclude(requests__status__in=PENDING_STATUSES)
        .distinct()
        .values_list("pk", flat=True)
    )
