"""The worker's side of the exchange: deliver one transfer into the receiving congress's schema, exactly once.

The transfer row is locked, the kind's handler writes into the receiving schema, and the row is marked
delivered, all in ONE transaction: a worker killed at any point leaves either nothing (the job is retried,
or the sweep re-queues it) or everything. A second delivery of the same transfer finds it delivered and
does nothing; handlers also key their rows by the transfer id, as a second guard.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.exchange.kinds import get_kind
from shared_apps.exchange.models import Transfer, TransferStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class DeliveryError(RuntimeError):
    """The handler failed; the transfer stays "sent" and the job is retried."""


def transfer_deliver(transfer_id: str) -> str:
    """Deliver the transfer; returns what happened: delivered, already, missing, failed. Raises DeliveryError
    when the handler fails and the transfer has attempts left (the job's retry takes it up)."""
    try:
        with transaction.atomic():
            transfer = (
                Transfer.objects.select_for_update(of=("self",)).select_related("target").filter(pk=transfer_id).first()
            )
            if transfer is None:
                return "missing"
            if transfer.status != TransferStatus.SENT:
                return "already"
            kind = get_kind(transfer.kind)
            if kind is None:
                raise DeliveryError(f"no handler for transfer kind {transfer.kind!r}")
            with schema_context(transfer.target.schema_name):
                target_ref = kind.deliver(transfer)
            transfer.status = TransferStatus.DELIVERED
            transfer.target_ref = str(target_ref or "")[:80]
            transfer.delivered_at = timezone.now()
            transfer.attempts += 1
            transfer.last_error = ""
            transfer.save(update_fields=["status", "target_ref", "delivered_at", "attempts", "last_error"])
            return "delivered"
    except Exception as exc:  # any handler failure is recorded, then retried or given up
        logger.warning("exchange: delivery of %s failed: %s", transfer_id, exc)
        return _record_failure(transfer_id, exc)


def _record_failure(transfer_id: str, exc: Exception) -> str:
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().filter(pk=transfer_id, status=TransferStatus.SENT).first()
        if transfer is None:
            return "already"
        transfer.attempts += 1
        transfer.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if transfer.attempts >= MAX_ATTEMPTS:
            transfer.status = TransferStatus.FAILED
        transfer.save(update_fields=["attempts", "last_error", "status"])
    if transfer.status == TransferStatus.FAILED:
        return "failed"
    raise DeliveryError(transfer.last_error) from exc
