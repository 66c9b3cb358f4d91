"""Reads of notices. The delivery status of a sent notice comes from the exchange's public table, never from
the receiving congresses' schemas."""

from django.db.models import Count, QuerySet
from django.utils.functional import Promise

from shared_apps.exchange.models import Transfer, TransferStatus
from tenant_apps.notices.models import Direction, Notice, Scope


def congresses_below(congress, scope: str) -> list:
    """The active congresses directly below `congress`, or all below it (at most three tiers down)."""
    from tenants.models import Congress, CongressStatus

    level = list(Congress.objects.filter(parent=congress))
    found = list(level)
    # One query per tier (at most three below a province), not one per congress.
    while scope == Scope.ALL and level:
        level = list(Congress.objects.filter(parent__in=level))
        found += level
    return sorted((c for c in found if c.status == CongressStatus.ACTIVE), key=lambda c: c.division_code)


def notice_list(direction: str = "") -> QuerySet[Notice]:
    notices = Notice.objects.all()
    if direction in Direction.values:
        notices = notices.filter(direction=direction)
    return notices


def notice_get(pk) -> Notice | None:
    try:
        return Notice.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def deliveries(congress, notice: Notice):
    """The transfers of a sent notice, one per receiving congress, with their status."""
    return (
        Transfer.objects.filter(kind="notice", source=congress, source_ref=f"notice:{notice.pk}")
        .select_related("target")
        .order_by("target__division_code")
    )


def delivery_summary(congress, notice: Notice) -> list[tuple[str | Promise, int]]:
    """(status label, count) of a sent notice's transfers, in the order of the statuses."""
    rows = deliveries(congress, notice).order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return [(label, counts[code]) for code, label in TransferStatus.choices if code in counts]


def unacknowledged_count() -> int:
    return Notice.objects.filter(direction=Direction.RECEIVED, acknowledged_at__isnull=True).count()
