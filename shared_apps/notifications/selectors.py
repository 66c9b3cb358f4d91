"""Reads of notices: an account only ever sees its own."""

from django.db.models import QuerySet

from shared_apps.notifications.models import Notification


def notification_list(user) -> QuerySet[Notification]:
    """The account's notices, newest first (none for anonymous callers)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).select_related("congress")


def notification_get_for_user(user, pk) -> Notification | None:
    """The account's notice `pk`; None both when it does not exist and when it is someone else's."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return notification_list(user).filter(pk=pk).first()


def unread_count(user) -> int:
    """How many of the account's notices are unread (uses the (user, read_at) index)."""
    return notification_list(user).filter(read_at__isnull=True).count()
