"""Notices between congresses (上级通知): a congress's office sends a notice down to the congresses below it;
each receiving congress's office acknowledges (签收) it. The exchange's outbox carries them: the sender's copy
and the transfers are written in one transaction, the worker writes each receiving copy into its schema."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    SENT = "sent", _("发出")
    RECEIVED = "received", _("收到")


class Scope(models.TextChoices):
    CHILDREN = "children", _("直接下级人大")
    ALL = "all", _("所有下级人大")


class Notice(models.Model):
    direction = models.CharField(_("方向"), max_length=16, choices=Direction.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    scope = models.CharField(_("发送范围"), max_length=16, choices=Scope.choices, blank=True)
    # Received notices: the sending congress (public table) and the exchange transfer that brought it, which
    # makes delivery idempotent (one received copy per transfer).
    from_congress = models.ForeignKey(
        "tenants.Congress", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", null=True, blank=True
    )
    from_name = models.CharField(_("发文单位"), max_length=100, blank=True)
    transfer_id = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        indexes = [models.Index(fields=["direction", "created_at"], name="notices_by_direction")]

    def __str__(self) -> str:
        return self.title
