import datetime

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from shared_apps.exchange.kinds import get_kind
from shared_apps.exchange.models import InboxCount, Transfer, TransferStatus

# What the operator's page counts: the transfers still in flight or failed (all of them, few), and the finished
# ones of the last day (a range of the (status, created_at) index; the table itself grows without end).
OPEN_STATUSES = (TransferStatus.SENT, TransferStatus.FAILED)
RECENT = datetime.timedelta(days=1)


def inbox_totals(user) -> dict[int, int]:
    """congress id → total items waiting for `user` there, in one query."""
    rows = InboxCount.objects.filter(user=user).values("congress_id").annotate(total=Sum("count"))
    return {row["congress_id"]: row["total"] for row in rows}


def kind_label(key: str) -> str:
    kind = get_kind(key)
    return kind.label if kind else key


def transfer_summary(now: datetime.datetime | None = None) -> list[dict]:
    """Per kind: transfers waiting ("sent") and failed, all time; delivered, accepted and returned in the last
    day; and how many minutes the oldest one waiting has waited. One query per group, whatever the table's size."""
    now = now or timezone.now()
    rows: dict[str, dict] = {}

    def row(kind: str) -> dict:
        return rows.setdefault(kind, {"kind": kind, "label": kind_label(kind), "waiting_minutes": None})

    open_counts = Transfer.objects.filter(status__in=OPEN_STATUSES).values("kind", "status").annotate(n=Count("pk"))
    recent = (
        Transfer.objects.filter(
            status__in=(TransferStatus.DELIVERED, TransferStatus.ACCEPTED, TransferStatus.RETURNED),
            created_at__gte=now - RECENT,
        )
        .values("kind", "status")
        .annotate(n=Count("pk"))
    )
    for item in [*open_counts, *recent]:
        row(item["kind"])[item["status"]] = item["n"]
    for kind in rows:
        oldest = (
            Transfer.objects.filter(kind=kind, status=TransferStatus.SENT)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        rows[kind]["waiting_minutes"] = int((now - oldest).total_seconds() // 60) if oldest else None
    return [rows[kind] for kind in sorted(rows)]


def transfer_list(*, status: str = TransferStatus.FAILED, kind: str = "") -> QuerySet[Transfer]:
    """Transfers of one status (failed by default), optionally of one kind, newest first, with both ends."""
    transfers = Transfer.objects.select_related("source", "target", "retried_by")
    if status in TransferStatus.values:
        transfers = transfers.filter(status=status)
    if kind:
        transfers = transfers.filter(kind=kind)
    return transfers.order_by("-created_at")
