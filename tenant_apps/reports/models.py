"""Online duty reports (网上述职) and the public's scoring of them (投票打分).

The office opens a reporting round: which deputies report, to which constituency, the window in which the public
scores. Each deputy publishes a report (text, attachments, a link to their ledger) — online when they cannot report
in person. The public scores each report once per mobile number, verified by an SMS code (满意 / 基本满意 /
不满意, with an optional comment that the office moderates). Counts stay hidden until the round closes; the office
then publishes the results, which enter each deputy's duty record.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.suggestions.models import get_private_storage
from tenants.workflow.history import TransitionEvent


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("公众评议中")
    CLOSED = "closed", _("评议已截止")
    PUBLISHED = "published", _("结果已公布")


class Round(models.Model):
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    opens_at = models.DateTimeField(_("公众评议开始"))
    closes_at = models.DateTimeField(_("公众评议截止"))
    status = models.CharField(max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="reports_round_window")
        ]

    def __str__(self) -> str:
        return self.title


class RoundEvent(TransitionEvent):
    subject_field = "round"
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("待提交")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")


class Report(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reports")
    deputy = models.ForeignKey("registry.Deputy", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+")
    constituency = models.CharField(_("述职对象（选区）"), max_length=100)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("述职报告"), blank=True)
    also_in_person = models.BooleanField(_("同时当面述职"), default=False)
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "deputy"], name="reports_one_per_deputy")]

    def __str__(self) -> str:
        return self.title or str(self.deputy_id)


class ReportEvent(TransitionEvent):
    subject_field = "report"
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")


class ReportFile(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=get_private_storage, upload_to="reports/%Y/%m/", max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ScoreStatus(models.TextChoices):
    COUNTED = "counted", _("有效")
    HELD = "held", _("待核实")  # many scores from one address at once: counted once the office releases them
    DISCARDED = "discarded", _("无效")


class CommentStatus(models.TextChoices):
    NONE = "none", _("无留言")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("不予公开")


class Score(models.Model):
    """One mobile number's score of one report (the number kept only as a keyed hash and its last four digits)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="scores")
    mobile_hash = models.CharField(max_length=64)
    mobile_last4 = models.CharField(max_length=4)
    client_hash = models.CharField(max_length=64)
    rating = models.CharField(max_length=24, choices=Rating.choices)
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ScoreStatus.choices, default=ScoreStatus.COUNTED)
    comment_status = models.CharField(max_length=16, choices=CommentStatus.choices, default=CommentStatus.NONE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "mobile_hash"], name="reports_one_score_per_mobile")]
        indexes = [
            models.Index(fields=["report", "status", "rating"], name="reports_score_count"),
            models.Index(fields=["report", "client_hash", "created_at"], name="reports_score_client"),
            models.Index(fields=["comment_status", "created_at"], name="reports_score_comments"),
        ]


class ScoreEvent(TransitionEvent):
    subject_field = "score"
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="events")
