"""Changes to the exchange's public tables: the workspace counts (written by the congresses' modules) and the
operator's retry of a transfer that failed for good."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.exchange.models import InboxCount, Transfer, TransferStatus
from shared_apps.memberships.permissions import Access, can_use_console

# How many waiting items of one kind the workspace names; the rest are behind the module's list.
INBOX_ITEMS = 5

# What the workspace calls each kind of waiting item; modules register theirs when their app is ready (a shared
# app never imports a tenant app).
_inbox_labels: dict[str, Any] = {}


def inbox_kind_register(kind: str, label) -> None:
    _inbox_labels[kind] = label


def inbox_kind_label(kind: str) -> str:
    return str(_inbox_labels.get(kind, kind))


@dataclass(frozen=True)
class Waiting:
    """One waiting item as the workspace names it: its title, the page where it is dealt with, since when."""

    title: str
    url: str
    since: datetime.datetime | None = None

    def as_json(self) -> dict:
        return {"title": self.title[:120], "url": self.url, "since": self.since.isoformat() if self.since else ""}


@transaction.atomic
def inbox_count_set(*, user, congress, kind: str, count: int, items: Iterable[Waiting] = (), url: str = "") -> None:
    """Record that `count` items of `kind` wait for `user` in `congress` (idempotent; 0 removes the row), with
    the `url` of the module's list of them and the oldest INBOX_ITEMS `items` named."""
    if count <= 0:
        InboxCount.objects.filter(user=user, congress=congress, kind=kind).delete()
        return
    named = [item.as_json() for item in list(items)[:INBOX_ITEMS]]
    InboxCount.objects.update_or_create(
        user=user,
        congress=congress,
        kind=kind,
        defaults={"count": count, "items": named, "url": url},
    )


@transaction.atomic
def transfer_retry(*, access: Access, transfer: Transfer) -> Transfer:
    """Send a transfer that failed for good (its handler kept failing: a bug fixed since, a receiving congress
    restored) again: back to "sent" with a fresh count of attempts, and its delivery job queued in the same
    transaction; the last error stays until a delivery succeeds. Platform administrators only (the central
    console). Raises PermissionDenied, or ValidationError ("status") for a transfer that has not failed."""
    from shared_apps.exchange.tasks import deliver_transfer

    if not can_use_console(access):
        raise PermissionDenied(_("只有平台管理员可以重新投递。"))
    locked = Transfer.objects.select_for_update(of=("self",)).get(pk=transfer.pk)
    if locked.status != TransferStatus.FAILED:
        raise ValidationError({"status": [_("只有投递失败的转送事项可以重新投递。")]})
    locked.status, locked.attempts = TransferStatus.SENT, 0
    locked.retries += 1
    locked.retried_by = access.user if access.is_authenticated else None
    locked.retried_at = timezone.now()
    locked.save(update_fields=["status", "attempts", "retries", "retried_by", "retried_at"])
    deliver_transfer.defer(transfer_id=str(locked.pk))
    return locked
