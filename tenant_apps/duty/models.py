"""Duty activities (履职活动) and the duties the platform cannot see by itself (履职登记).

- An `Activity` is organised by the office: kind, time, place, topic, organiser, invited deputies. Each
  `Invitation` is one deputy's answer and attendance. Activities of a congress above arrive here as a received
  copy (`origin_congress`, `transfer_id`) listing this congress's own deputies, for the office to follow.
- A `DutyEntry` is a duty a deputy reports (a speech at a session, a visit to constituents), or one the office
  records (attendance at a session): the office confirms or returns it.

Each moves by its own transition table (workflow.py). What they record reaches the deputy's duty record, the
public read model of shared_apps.ledger, in the same transaction.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.suggestions.models import get_private_storage
from tenants.workflow.history import TransitionEvent


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")  # the invited were told; they answer, sign in
    CLOSED = "closed", _("已结束")  # attendance final, duties recorded
    CANCELLED = "cancelled", _("已取消")


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class Activity(models.Model):
    kind = models.CharField(_("活动类型"), max_length=40)
    kind_label = models.CharField(max_length=60)  # the congress's word for the kind when it was organised
    title = models.CharField(_("主题"), max_length=200)
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    organiser = models.CharField(_("组织单位"), max_length=100)
    description = models.TextField(_("活动内容"), blank=True)
    minutes = models.TextField(_("活动纪要"), blank=True)
    status = models.CharField(max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    # Whether the activity and the attendance it records are shown to the public.
    public = models.BooleanField(_("向社会公开"), default=True)
    # Signs the on-the-spot QR codes (views.sign_in): changes when the office renews them.
    signin_secret = models.CharField(max_length=64, default=new_secret, editable=False)
    # A received copy: the congress above that organised it, its id there and the transfer that brought it.
    origin_congress = models.ForeignKey(
        "tenants.Congress", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", null=True, blank=True
    )
    origin_name = models.CharField(max_length=100, blank=True)
    origin_activity_id = models.PositiveIntegerField(null=True, blank=True)
    origin_url = models.CharField(max_length=500, blank=True)
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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="duty_activity_by_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_activity_ends")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_received(self) -> bool:
        return self.origin_congress_id is not None


class ActivityEvent(TransitionEvent):
    subject_field = "activity"
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="events")


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("待答复")
    ATTENDING = "attending", _("确认参加")
    LEAVE_REQUESTED = "leave_requested", _("请假待批")
    EXCUSED = "excused", _("已准假")
    ATTENDED = "attended", _("已出席")
    ABSENT = "absent", _("缺席")


class SignInVia(models.TextChoices):
    QR = "qr", _("扫码签到")
    OFFICE = "office", _("工作人员确认")
    UPPER = "upper", _("上级人大确认")


class Invitation(models.Model):
    """One invited deputy: their answer, the leave they asked for, their attendance."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="invitations")
    deputy = models.ForeignKey("registry.Deputy", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+")
    # The congress where the deputy sits that the invitation goes through (this one, or one below it).
    seat_congress = models.ForeignKey(
        "tenants.Congress", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    leave_reason = models.TextField(_("请假理由"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    signed_in_via = models.CharField(max_length=8, choices=SignInVia.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity_id", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "deputy"], name="duty_invitation_once")]
        indexes = [models.Index(fields=["deputy", "status"], name="duty_invitation_by_deputy")]


class InvitationEvent(TransitionEvent):
    subject_field = "invitation"
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="events")


class OpinionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("意见建议")  # may become a deputy's suggestion
    SENTIMENT = "sentiment", _("社情民意")  # for the presidium / the office to route


class Opinion(models.Model):
    """An opinion gathered at an activity: a suggestion for a deputy to take up, or a public-sentiment item."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="opinions")
    kind = models.CharField(_("类别"), max_length=16, choices=OpinionKind.choices)
    text = models.TextField(_("内容"))
    # The suggestion a deputy drafted from it (in this congress), once they did.
    suggestion_id = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class DutyEntry(models.Model):
    """A duty the platform cannot see by itself, reported by the deputy or recorded by the office."""

    deputy = models.ForeignKey("registry.Deputy", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+")
    kind = models.CharField(_("履职类型"), max_length=40)  # a shared_apps.ledger kind
    title = models.CharField(_("事项"), max_length=200)
    occurred_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    text = models.TextField(_("情况说明"), blank=True)
    status = models.CharField(max_length=16, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED)
    public = models.BooleanField(_("向社会公开"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="duty_entry_by_status")]


class DutyEntryEvent(TransitionEvent):
    subject_field = "entry"
    entry = models.ForeignKey(DutyEntry, on_delete=models.CASCADE, related_name="events")


class DutyFile(models.Model):
    """A photo or document of an activity (its minutes, its pictures) or of a reported duty. Private storage,
    served only through a view that checks who asks."""

    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    entry = models.ForeignKey(DutyEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=get_private_storage, upload_to="duty/%Y/%m/", max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(activity__isnull=False, entry__isnull=True)
                | models.Q(activity__isnull=True, entry__isnull=False),
                name="duty_file_one_owner",
            )
        ]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class PrintStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class LedgerPrint(models.Model):
    """The office's print of every deputy's ledger for a year: one PDF made by the worker, with its progress."""

    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=PrintStatus.choices, default=PrintStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=get_private_storage, upload_to="duty/prints/", max_length=300, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        return 100 if self.status == PrintStatus.DONE else (self.done * 100 // self.total if self.total else 0)


class LedgerPrintEvent(TransitionEvent):
    subject_field = "print_job"
    print_job = models.ForeignKey(LedgerPrint, on_delete=models.CASCADE, related_name="events")
