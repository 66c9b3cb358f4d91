"""The cross-tier exchange (public schema): the read model of what waits for each user in each
congress, which lets a deputy's workspace show every congress's count without visiting any schema.
Tenant modules keep it current through services.inbox_count_set.

The exchange's outbox (Transfer) carries items between congresses: escalations up, notices down. See
shared_apps/exchange/outbox.py (sending) and delivery.py (the worker's side).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboxCount(models.Model):
    """How many items of one kind wait for `user` in `congress` (e.g. suggestions to co-sign, messages)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    congress = models.ForeignKey("tenants.Congress", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)
    # What the workspace names: the page listing them all on the congress's host, and the oldest few
    # ([{"title", "url", "since"}], at most services.INBOX_ITEMS), each linked. Labels: services.inbox_kind_label.
    url = models.CharField(max_length=500, blank=True)
    items = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "congress", "kind"], name="inbox_count_unique")]
        indexes = [models.Index(fields=["user", "congress"])]


class TransferStatus(models.TextChoices):
    SENT = "sent", _("已发送")  # written by the sender; waiting for the worker
    DELIVERED = "delivered", _("已送达")  # in the receiving congress's schema
    ACCEPTED = "accepted", _("已接收")  # the receiving congress took it up
    RETURNED = "returned", _("已退回")  # the receiving congress sent it back, with reasons
    FAILED = "failed", _("投递失败")  # retries exhausted; an operator looks at last_error


class Transfer(models.Model):
    """One item carried between congresses (the transactional outbox).

    The sender writes the row in the same database transaction as its own change (outbox.transfer_send), with
    the job that will deliver it. The worker delivers it into the receiving congress's schema through the
    handler registered for `kind`, and marks it delivered in the SAME transaction as the handler's writes:
    delivery happens once or not at all, whatever the worker suffers. The handler keys its row by this id
    as well, so even a replayed delivery finds the row and adds nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    # None: sent by the platform itself (the root domain), not by a congress.
    source = models.ForeignKey(
        "tenants.Congress", null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_sent"
    )
    target = models.ForeignKey("tenants.Congress", on_delete=models.PROTECT, related_name="transfers_received")
    # What the sender refers to (e.g. "message:42"): one transfer of a kind per thing and target.
    source_ref = models.CharField(max_length=80, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=TransferStatus.choices, default=TransferStatus.SENT)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # The receiving side's own reference (e.g. "notice:7") once delivered, and its answer.
    target_ref = models.CharField(max_length=80, blank=True)
    answer_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # An operator sent a failed transfer again (services.transfer_retry): how often, last by whom and when.
    retries = models.PositiveIntegerField(default=0)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source", "target", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="exchange_transfer_once_per_ref",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="exchange_transfer_status"),
            models.Index(fields=["target", "kind", "status"], name="exchange_transfer_inbox"),
            models.Index(fields=["source", "kind", "created_at"], name="exchange_transfer_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class TrackedMatter(models.Model):
    """The public tracker's read model: where a public message stands, under its tracking code, whichever
    congress holds it now. Written by the congress that changes the matter, in the same transaction; read by
    the tracking page on any host, which therefore never visits a congress's schema."""

    code = models.CharField(max_length=16, unique=True)
    congress = models.ForeignKey("tenants.Congress", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16)
    mobile_last4 = models.CharField(max_length=4)
    updated_at = models.DateTimeField(auto_now=True)


class TrackedStep(models.Model):
    """One step of a tracked matter as the sender sees it: which congress, what happened, what they may read."""

    matter = models.ForeignKey(TrackedMatter, on_delete=models.CASCADE, related_name="steps")
    congress = models.ForeignKey("tenants.Congress", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    status = models.CharField(max_length=16)
    public_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class LiaisonFigure(models.Model):
    """The public read model of one congress's liaison-message figures for one year (by the year a message
    arrived): written by that congress after each change to its messages (tenant_apps.liaison.figures
    .refresh_public_figures), read by the roll-up page of the congresses above, which therefore never visits
    a congress's schema. Held and discarded messages are not counted."""

    congress = models.ForeignKey("tenants.Congress", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    received = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    forwarded = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    # Sum and median of the days from arrival to answer over the answered messages (median: None if none).
    answer_days_total = models.FloatField(default=0)
    answer_days_median = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["congress_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["congress", "year"], name="exchange_liaison_figure_once")]
