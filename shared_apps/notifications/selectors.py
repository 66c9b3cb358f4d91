"""Reads of notices: an account only ever sees its own."""

from django.db.models import QuerySet

from shared_apps.notifications.delivery import preferences_of
from shared_apps.notifications.models import Notification
from shared_apps.registry.models import Deputy


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


def preference_for(user):
    """The account's delivery preference: its own row, else an unsaved one with the defaults."""
    return preferences_of([user.pk])[user.pk]


def sms_number_masked(user) -> str:
    """Where an SMS notice would go: the masked mobile number of the account's deputy, else ""."""
    return (
        Deputy.objects.filter(user_id=user.pk).exclude(mobile_token="").values_list("mobile_masked", flat=True).first()
        or ""
    )
