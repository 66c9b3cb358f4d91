"""Sending through the exchange: the sender's side of the transactional outbox.

transfer_send writes the Transfer row and the job that delivers it in the caller's own transaction, so either
the sender's change, the transfer and its delivery job all commit, or none of them does. The worker delivers
(delivery.transfer_deliver); a periodic sweep re-queues any transfer whose job went missing.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate.types import JSONDict

from shared_apps.exchange.kinds import DOWN, UP, get_kind
from shared_apps.exchange.models import Transfer, TransferStatus
from tenants.connection import in_schema_of

EXCHANGE_QUEUE = "exchange"


def _require_transaction() -> None:
    # The outbox's whole point: the transfer commits with the sender's change or not at all.
    if not connection.in_atomic_block:
        raise RuntimeError("transfer_send must run inside the sender's transaction (transaction.atomic).")


def _check_route(kind, source, target, below: set[int] | None) -> None:
    from tenants.models import CongressStatus

    if target.status != CongressStatus.ACTIVE:
        raise ValidationError({"target": [_("接收方“%(name)s”目前不能接收。") % {"name": target.name}]})
    if kind.direction == UP and (source is None or source.parent_id != target.pk):
        raise ValidationError({"target": [_("只能上报到上一级人大。")]})
    if kind.direction == DOWN and below is not None and target.pk not in below:
        raise ValidationError({"target": [_("只能下发给下级人大。")]})


def _ids_below(source) -> set[int]:
    """Every congress below `source`, one query per tier (township → county → city → province: at most 3)."""
    from tenants.models import Congress

    found: set[int] = set()
    level = [source.pk]
    while level:
        level = list(Congress.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found.update(level)
    return found


def transfer_send(*, kind: str, source, target, payload: dict, source_ref: str = "", actor=None) -> Transfer:
    """Put one transfer in the outbox, inside the caller's transaction. Raises ValidationError for an unknown
    kind, a target the kind may not go to, or a second transfer of the same thing (`source_ref`) there."""
    return transfers_send(
        kind=kind, source=source, targets=[target], payload=payload, source_ref=source_ref, actor=actor
    )[0]


def transfers_send(*, kind: str, source, targets, payload: dict, source_ref: str = "", actor=None) -> list[Transfer]:
    """Put one transfer per target in the outbox (a notice to every congress below), with their delivery jobs
    in one batch, inside the caller's transaction."""
    _require_transaction()
    spec = get_kind(kind)
    if spec is None:
        raise ValidationError({"kind": [_("未知的转送类型。")]})
    targets = list(targets)
    if not targets:
        raise ValidationError({"target": [_("没有可以接收的人大。")]})
    below = _ids_below(source) if spec.direction == DOWN and source is not None else None
    for target in targets:
        _check_route(spec, source, target, below)
    if (
        source_ref
        and Transfer.objects.filter(kind=kind, source=source, target__in=targets, source_ref=source_ref).exists()
    ):
        raise ValidationError({"target": [_("这件事项已经转送过。")]})
    user = actor if getattr(actor, "is_authenticated", False) else None
    transfers = Transfer.objects.bulk_create(
        [
            Transfer(kind=kind, source=source, target=target, payload=payload, source_ref=source_ref, created_by=user)
            for target in targets
        ]
    )
    from shared_apps.exchange.tasks import deliver_transfer

    jobs: list[JSONDict] = [{"transfer_id": str(t.pk)} for t in transfers]
    deliver_transfer.batch_defer(*jobs)
    return transfers


@transaction.atomic
def transfer_answer(*, transfer: Transfer, status: str, note: str = "") -> Transfer:
    """The receiving congress accepts or returns a delivered transfer (from inside its own schema)."""
    if status not in (TransferStatus.ACCEPTED, TransferStatus.RETURNED):
        raise ValidationError({"status": [_("只能接收或退回。")]})
    locked = Transfer.objects.select_for_update(of=("self",)).select_related("target").get(pk=transfer.pk)
    # SECURITY: only the receiving congress answers, from its own schema.
    if not in_schema_of(locked.target):
        raise ValidationError({"status": [_("只有接收方可以处理这件转送事项。")]})
    if locked.status not in (TransferStatus.DELIVERED, TransferStatus.ACCEPTED):
        raise ValidationError({"status": [_("这件转送事项已处理。")]})
    locked.status, locked.answer_note, locked.answered_at = status, note, timezone.now()
    locked.save(update_fields=["status", "answer_note", "answered_at"])
    return locked
