"""Writes to notices. Tenant modules create them only through `notify`; accounts mark their own as read."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.notifications import delivery
from shared_apps.notifications.models import DeliveryPreference, Notification
from shared_apps.notifications.tasks import deliver_notice
from tenants.fields import max_length

TITLE_MAX = max_length(Notification, "title")
KIND_MAX = max_length(Notification, "kind")
URL_MAX = max_length(Notification, "url")


def notify(*, user, congress, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Leave `user` a notice from `congress` (None: the central platform). For code, not for callers' input:
    a title that is empty or too long is a programming error (ValidationError). Runs in the caller's
    transaction, so a notice exists only if what it announces was committed."""
    title, kind = str(title).strip(), str(kind).strip()
    if not title or len(title) > TITLE_MAX or not kind or len(kind) > KIND_MAX or len(url) > URL_MAX:
        raise ValidationError(_("通知的标题、类型或链接无效。"))
    return Notification.objects.create(
        user=user, congress=congress, kind=kind, title=title, body=str(body or ""), url=str(url or "")
    )


def notify_users(
    *, user_ids, congress, kind: str, title: str, body: str = "", url: str = "", immediate: bool = False
) -> int:
    """Leave each ACTIVE account among `user_ids` the same notice (notify), in id order; returns how many were
    left. The way workflows tell whoever their step concerns. `immediate`: the notice also goes out at once by
    SMS / e-mail to those who want it (delivery.py), through one job per notice queued in this transaction."""
    users = list(get_user_model().objects.filter(pk__in=set(user_ids), is_active=True).order_by("pk"))
    notices = [notify(user=u, congress=congress, kind=kind, title=title, body=body, url=url) for u in users]
    if immediate and notices:
        channels = delivery.congress_channels(congress)
        preferences = delivery.preferences_of([u.pk for u in users])
        for notice in notices:
            if delivery.wants(preferences[notice.user_id], channels).anything:
                deliver_notice.defer(notification_id=notice.pk)
    return len(notices)


def preference_set(*, user, by_sms: bool, by_email: bool) -> DeliveryPreference:
    """Record how the account wants notices that matter at once (beyond the in-app list)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    preference, _created = DeliveryPreference.objects.update_or_create(
        user_id=user.pk, defaults={"by_sms": bool(by_sms), "by_email": bool(by_email)}
    )
    return preference


def mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the account's own notices as read (again: no change). Callers find it with
    selectors.notification_get_for_user, which never hands out someone else's; raises PermissionDenied
    if it is not theirs."""
    # SECURITY: a notice is its owner's alone; the views answer 404 before this is reached.
    if user is None or notification.user_id != user.pk:
        raise PermissionDenied(_("只能标记自己的通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    """Mark every unread notice of the account as read; returns how many changed."""
    if user is None or not user.is_authenticated:
        return 0
    # One UPDATE, no read-then-write: a notice that arrives meanwhile stays unread rather than marked unseen.
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
