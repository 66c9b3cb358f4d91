from django.db import transaction

from shared_apps.exchange.models import InboxCount


@transaction.atomic
def inbox_count_set(*, user, congress, kind: str, count: int) -> None:
    """Record that `count` items of `kind` wait for `user` in `congress` (idempotent; 0 removes the row)."""
    if count <= 0:
        InboxCount.objects.filter(user=user, congress=congress, kind=kind).delete()
        return
    InboxCount.objects.update_or_create(user=user, congress=congress, kind=kind, defaults={"count": count})
