"""In-app notices (站内通知), public schema: one row per notice per account, whichever congress sent it.

Any module writes them through services.notify; the account reads them at /me/notices/ on every host.
`kind` is free-form (e.g. "reply_overdue:2"), so later features (a daily digest) can add their own.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A notice to one account: what happened, and a link to where it can be dealt with."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # The congress it comes from; None for notices of the central platform.
    congress = models.ForeignKey("tenants.Congress", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # When the notice also went out by SMS / e-mail (delivery.py); None: not (yet), or not by that channel.
    sms_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryPreference(models.Model):
    """How an account wants notices that matter at once (a reply, an assignment, a return) beyond the in-app
    list: by SMS (to the mobile number the deputy registry holds for the account's deputy) and/or by e-mail (to
    the sign-in address). No row: the defaults below. The congress's setting `notices.channels` can switch a
    channel off for everyone it notifies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="delivery_preference"
    )
    by_sms = models.BooleanField(_("短信通知"), default=True)
    by_email = models.BooleanField(_("电子邮件通知"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知方式")
        verbose_name_plural = _("通知方式")

    def __str__(self) -> str:
        return f"{self.user_id}: sms={self.by_sms} email={self.by_email}"
