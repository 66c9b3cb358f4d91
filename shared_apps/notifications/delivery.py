"""Notices beyond the in-app list: SMS and e-mail, by the recipient's preferences and the congress's channels.

A notice that matters at once (a workflow's `Notify(immediate=True)`) is written in the business transaction
like every notice, and in that same transaction one job is queued for it (`tasks.deliver_notice`) when its
recipient wants it by a channel the congress allows. The job runs after commit in the worker: it locks the
notice, sends each wanted channel not yet sent, and stamps it (`sms_sent_at`, `email_sent_at`) in the same
transaction as the send, so a retry after a gateway failure sends only what is still missing — exactly once
per channel unless the process dies between the gateway's answer and the commit. Other notices are in-app
only; the modules' daily digests (liaison/digest.py, the reminders) cover them.
"""

from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.sms import send_sms
from shared_apps.notifications.models import DeliveryPreference, Notification
from shared_apps.registry.models import Deputy
from tenants.selectors import effective_settings

SMS_TEXT_MAX = 200  # a long SMS is several billed parts: the title and the link, not the body


@dataclass(frozen=True)
class Wants:
    sms: bool
    email: bool

    @property
    def anything(self) -> bool:
        return self.sms or self.email


DEFAULT = DeliveryPreference()


def preferences_of(user_ids) -> dict[int, DeliveryPreference]:
    """Each account's preference (the defaults where it has none), in one query."""
    rows = {p.user_id: p for p in DeliveryPreference.objects.filter(user_id__in=set(user_ids))}
    return {uid: rows.get(uid, DEFAULT) for uid in user_ids}


def congress_channels(congress) -> frozenset[str]:
    """The channels `congress` lets notices use (all, for the central platform's own notices)."""
    if congress is None:
        return frozenset({"sms", "email"})
    return frozenset(code for code, _label in effective_settings(congress)["notices.channels"])


def wants(preference: DeliveryPreference, channels: frozenset[str]) -> Wants:
    return Wants(sms=preference.by_sms and "sms" in channels, email=preference.by_email and "email" in channels)


def mobile_of(user_id: int) -> str:
    """The mobile number the registry holds for the account's deputy, else "" (accounts have no phone)."""
    deputy = Deputy.objects.filter(user_id=user_id).exclude(mobile_token="").first()
    return deputy.reveal_mobile() if deputy is not None else ""


def sms_text(notice: Notification) -> str:
    text = f"【{notice.congress.name if notice.congress else _('人大代表服务云平台')}】{notice.title}"
    link = f" {notice.url}" if notice.url else ""
    return text[: SMS_TEXT_MAX - len(link)] + link


def deliver(notification_id: int) -> list[str]:
    """Send notice `notification_id` by each channel its recipient wants and has not yet had; returns the
    channels sent now. Safe to run again (the stamps say what went out)."""
    notice = Notification.objects.select_related("user", "congress").filter(pk=notification_id).first()
    if notice is None or not notice.user.is_active:
        return []
    want = wants(preferences_of([notice.user_id])[notice.user_id], congress_channels(notice.congress))
    channels = (("sms", want.sms, "sms_sent_at", _by_sms), ("email", want.email, "email_sent_at", _by_email))
    return [name for name, wanted, stamp, send in channels if wanted and _once(notification_id, stamp, send)]


def _once(notification_id: int, stamp: str, send) -> bool:
    """Send under the notice's lock unless `stamp` says it went out already, and stamp it in the same
    transaction: a failed send (SmsError) rolls back and the job is retried."""
    with transaction.atomic():
        notice = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "congress")
            .get(pk=notification_id)
        )
        if getattr(notice, stamp) is not None or not send(notice):
            return False
        setattr(notice, stamp, timezone.now())
        notice.save(update_fields=[stamp])
        return True


def _by_sms(notice: Notification) -> bool:
    mobile = mobile_of(notice.user_id)
    if mobile:
        send_sms(mobile, sms_text(notice))
    return bool(mobile)


def _by_email(notice: Notification) -> bool:
    body = "\n\n".join(part for part in (notice.body, notice.url) if part)
    send_mail(notice.title, body, None, [notice.user.email])
    return True
