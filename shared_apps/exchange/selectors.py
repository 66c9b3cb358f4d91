from django.db.models import Sum

from shared_apps.exchange.models import InboxCount


def inbox_totals(user) -> dict[int, int]:
    """congress id → total items waiting for `user` there, in one query."""
    rows = InboxCount.objects.filter(user=user).values("congress_id").annotate(total=Sum("count"))
    return {row["congress_id"]: row["total"] for row in rows}
