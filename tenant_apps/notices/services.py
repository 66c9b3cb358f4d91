"""Writes to notices. Each checks permission, runs in one transaction and raises PermissionDenied or
ValidationError by field; on error nothing changes (no notice, no transfer, no job)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.exchange.models import Transfer, TransferStatus
from shared_apps.exchange.outbox import transfer_answer, transfers_send
from shared_apps.memberships.permissions import Access, is_office
from tenant_apps.notices import selectors
from tenant_apps.notices.models import Direction, Notice, Scope
from tenants.connection import in_schema_of
from tenants.fields import max_length

TITLE_MAX = max_length(Notice, "title")


def _require_office_here(access: Access) -> None:
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if not in_schema_of(access.congress) or not is_office(access):
        raise PermissionDenied(_("只有本级人大办公室可以处理通知。"))


@transaction.atomic
def notice_send(*, access: Access, title: str, body: str, scope: str = Scope.CHILDREN) -> Notice:
    """Send a notice to the congresses below: the direct ones, or all of them. The sender's copy, one transfer
    per receiving congress and their delivery jobs are written together."""
    _require_office_here(access)
    title, body = str(title or "").strip(), str(body or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("请填写标题。")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("标题不能超过%(n)d个字。") % {"n": TITLE_MAX}]
    if not body:
        errors["body"] = [_("请填写正文。")]
    if scope not in Scope.values:
        errors["scope"] = [_("请选择发送范围。")]
    if errors:
        raise ValidationError(errors)
    congress = access.congress
    assert congress is not None  # _require_office_here: in this congress's schema (in_schema_of is False for None)
    targets = selectors.congresses_below(congress, scope)
    if not targets:
        raise ValidationError({"scope": [_("本级人大没有可以接收通知的下级人大。")]})
    notice = Notice.objects.create(
        direction=Direction.SENT, title=title, body=body, scope=scope, created_by=access.user
    )
    transfers_send(
        kind="notice",
        source=congress,
        targets=targets,
        payload={"title": title, "body": body, "from_name": congress.name, "notice": notice.pk},
        source_ref=f"notice:{notice.pk}",
        actor=access.user,
    )
    return notice


@transaction.atomic
def notice_acknowledge(*, access: Access, notice: Notice) -> Notice:
    """The receiving office acknowledges (签收) a notice; the sender sees it as accepted."""
    _require_office_here(access)
    # Locked and read again: of two acknowledgements at once the second is refused, so the sender is answered once.
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.direction != Direction.RECEIVED:
        raise ValidationError({"notice": [_("只能签收收到的通知。")]})
    if locked.acknowledged_at is not None:
        raise ValidationError({"notice": [_("这份通知已经签收。")]})
    locked.acknowledged_at, locked.acknowledged_by = timezone.now(), access.user
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    # A received copy without a transfer (transfer_id null) matches no transfer.
    transfer = Transfer.objects.filter(pk=locked.transfer_id).first() if locked.transfer_id is not None else None
    if transfer is not None:
        transfer_answer(transfer=transfer, status=TransferStatus.ACCEPTED)
    return locked
