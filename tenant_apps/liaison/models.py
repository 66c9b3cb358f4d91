"""Liaison stations (代表联络站) and the public's messages to deputies (群众留言), in one congress's schema.

A message is sent without an account, to a station or to a named deputy, and followed by its tracking code.
Deputies and station staff answer it, forward it to a handling unit, turn it into a suggestion, escalate it
to the congress one tier up (through the exchange), or close it. Every step is a MessageEvent; the public
tracker (exchange.TrackedMatter, public schema) follows the matter across congresses under the same code.

Personal data of senders (mobile numbers) is encrypted at rest like the registry's (shared_apps.registry.crypto)
and never shown publicly.
"""

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenant_apps.suggestions.models import private_storage
from tenant_apps.units.models import phone_validator
from tenants.workflow.history import Event, TransitionEvent


class StationKind(models.TextChoices):
    PHYSICAL = "physical", _("实体联络站")
    ONLINE = "online", _("网上联络站")


class Station(models.Model):
    """A liaison station: a physical one (address, reception days, deputies on duty) or the congress's online one.
    `code` names it in public addresses and on its QR poster (/liaison/s/<code>/)."""

    kind = models.CharField(_("类型"), max_length=16, choices=StationKind.choices, default=StationKind.PHYSICAL)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    reception_days = models.CharField(_("接待时间"), max_length=200, blank=True)  # e.g. 每月10日、20日上午
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True, validators=[phone_validator])
    introduction = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "kind", "name", "id"]
        verbose_name = _("代表联络站")

    def __str__(self) -> str:
        return self.name


class StationDeputy(models.Model):
    """A deputy who receives the public at the station (进站履职), with their duty days."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="deputies")
    deputy = models.ForeignKey(
        "registry.Deputy", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", verbose_name=_("代表")
    )
    duty_note = models.CharField(_("值班安排"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["station", "deputy"], name="liaison_station_deputy_once")]


class StationStaff(models.Model):
    """An account that handles the station's messages on the deputies' behalf (the station's staff)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("账号"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["station", "user"], name="liaison_station_staff_once")]


class StationEvent(Event):
    """History of a station: created, changed, deactivated or reactivated, deputies on duty or staff set."""

    class Kind(models.TextChoices):
        CREATED = "created", _("新建联络站")
        UPDATED = "updated", _("修改联络站")
        DEACTIVATED = "deactivated", _("停用联络站")
        REACTIVATED = "reactivated", _("重新启用")
        DEPUTIES_SET = "deputies_set", _("设置进站代表")
        STAFF_SET = "staff_set", _("设置工作人员")

    subject_field = "station"
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)


class MessageStatus(models.TextChoices):
    HELD = "held", _("待审核")  # held back (flood, limits); staff release or discard it
    NEW = "new", _("待处理")
    REPLIED = "replied", _("已答复")
    FORWARDED = "forwarded", _("已转交办")  # to a handling unit of this congress
    SUGGESTION = "suggestion", _("已转为建议")
    ESCALATED = "escalated", _("已上报")  # to the congress one tier up
    RETURNED = "returned", _("已退回")  # an escalated message the upper congress sent back down, with reasons
    CLOSED = "closed", _("已办结")
    DISCARDED = "discarded", _("不予受理")  # spam or abuse, with the reason


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class PublicMessage(models.Model):
    """A message from the public to a station or a named deputy (category from the congress's
    `categories.public_message` setting)."""

    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    deputy = models.ForeignKey(
        "registry.Deputy",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("代表"),
        null=True,
        blank=True,
    )
    category = models.CharField(_("类别"), max_length=40)
    text = models.TextField(_("内容"))
    sender_name = models.CharField(_("姓名"), max_length=50)
    sender_mobile_encrypted = models.TextField(editable=False)
    mobile_hash = models.CharField(max_length=64, db_index=True, editable=False)
    mobile_last4 = models.CharField(max_length=4, editable=False)
    is_anonymous = models.BooleanField(_("公开时匿名"), default=True)
    # Abuse controls: a keyed hash of the sender's address and of the normalised text (never the address itself).
    client_hash = models.CharField(max_length=64, db_index=True, editable=False)
    text_hash = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.NEW)
    held_reason = models.CharField(_("暂缓原因"), max_length=200, blank=True)
    # The answer: private to the sender, and (once the office approves it) a public version for the window.
    reply_text = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        blank=True,
    )
    public_reply_text = models.TextField(_("公开答复"), blank=True)
    public_approved_at = models.DateTimeField(null=True, blank=True)
    public_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        blank=True,
    )
    forwarded_unit = models.ForeignKey(
        "units.HandlingUnit",
        verbose_name=_("转交单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggestion = models.ForeignKey(
        "suggestions.Suggestion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Escalation: the transfer that carried it up from here, or the one that brought it here from below.
    escalated_transfer_id = models.UUIDField(null=True, blank=True)
    origin_transfer_id = models.UUIDField(null=True, blank=True, unique=True)
    origin_congress = models.ForeignKey(
        "tenants.Congress", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", null=True, blank=True
    )
    rating = models.CharField(_("评价"), max_length=32, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("群众留言")
        indexes = [
            models.Index(fields=["status", "created_at"], name="liaison_message_status"),
            models.Index(fields=["client_hash", "created_at"], name="liaison_message_client"),
            models.Index(fields=["mobile_hash", "created_at"], name="liaison_message_mobile"),
        ]

    def __str__(self) -> str:
        return self.tracking_code


def get_private_storage():
    # FileField takes a storage or a callable, not an alias of settings.STORAGES (a bare "private" fails in
    # Django 5.2); the suggestions module's lazy "private" storage is the one both modules use.
    return private_storage


class MessagePhoto(models.Model):
    """A photo sent with a message: private storage, served only to the people handling it."""

    message = models.ForeignKey(PublicMessage, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=get_private_storage, upload_to="liaison/%Y/%m/", max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class MessageEvent(TransitionEvent):
    """History: every step of a message (who, when, from which status to which, a note). `public_note` is what
    the sender sees under the tracking code for this step (empty: the step is shown by its status only)."""

    subject_field = "message"
    message = models.ForeignKey(PublicMessage, on_delete=models.CASCADE, related_name="events")
    to_status = models.CharField(max_length=16, choices=MessageStatus.choices)
    public_note = models.TextField(blank=True)

    # Not fields: set by workflow.event_list for the page and the API (a status's label, or its code if unknown).
    action_label: str
    from_label: str | Promise
    to_label: str | Promise


class DigestSent(models.Model):
    """The daily digest of one handler on one day (digest.py): claimed once, so a person gets at most one
    SMS or e-mail a day from this congress however often the job runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    day = models.DateField()
    count = models.PositiveIntegerField()
    channel = models.CharField(max_length=8)  # "sms" or "email"
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="liaison_digest_once_a_day")]
