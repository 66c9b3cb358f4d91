"""Motions and suggestions (议案建议) of one congress, their co-signers, assignments, evaluations and history.

These tables live in the congress's schema. Deputies and accounts are public tables: the foreign keys point
from here to there and are DO_NOTHING, so the database itself refuses to delete a deputy still in use.
The status changes only through services.suggestion_transition, driven by workflow.TRANSITIONS.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.functional import LazyObject, Promise
from django.utils.translation import gettext_lazy as _

from tenants.workflow.history import Event, TransitionEvent


class Status(models.TextChoices):
    """Where an item stands. workflow.TRANSITIONS says which action leads from which status to which."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审查")  # co-signers may still confirm while the office reviews
    ACCEPTED = "accepted", _("已立案")
    RETURNED = "returned", _("已退回")  # to the lead deputy, with the reasons
    ASSIGNED = "assigned", _("办理中")  # units named, the reply clock running
    REPLIED = "replied", _("已答复")
    REHANDLING = "rehandling", _("重新办理")  # after an "unsatisfied" evaluation
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已并案")


class Kind(models.TextChoices):
    MOTION = "motion", _("议案")
    SUGGESTION = "suggestion", _("建议")


class RaisedDuring(models.TextChoices):
    SESSION = "session", _("大会期间")
    BETWEEN_SESSIONS = "between_sessions", _("闭会期间")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    JOINT = "joint", _("会办")
    ASSISTING = "assisting", _("协办")
    SEPARATE = "separate", _("分办")


class EvaluationLevel(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Confidentiality(models.TextChoices):
    """RULES.md: on request the identity of the deputy or of the person concerned is kept confidential;
    classified items are handled under secrecy rules (never published, materials shown to the office only)."""

    NONE = "none", _("公开")
    IDENTITY = "identity", _("身份保密")
    CLASSIFIED = "classified", _("涉密")


class Suggestion(models.Model):
    """A motion or a suggestion, from the lead deputy's draft to its closing."""

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.SUGGESTION)
    # Assigned on first submission from the congress's one sequence; drafts have none.
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    category = models.CharField(_("分类"), max_length=100, blank=True)
    raised_during = models.CharField(
        _("提出时间"), max_length=20, choices=RaisedDuring.choices, default=RaisedDuring.BETWEEN_SESSIONS
    )
    lead_deputy = models.ForeignKey(
        "registry.Deputy",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("领衔代表"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    reply_due = models.DateField(_("答复期限"), null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    # Each reply opens a new round of evaluations (the first reply is round 1, a re-handled reply round 2...).
    reply_round = models.PositiveSmallIntegerField(default=0)
    result_category = models.CharField(_("办理结果分类"), max_length=20, blank=True)
    reply_public_text = models.TextField(_("答复公开文本"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_items"
    )
    confidentiality = models.CharField(
        _("保密要求"), max_length=16, choices=Confidentiality.choices, default=Confidentiality.NONE
    )
    # Key suggestions (重点督办建议): marked by the chairpersons' meeting, followed by a special committee.
    is_key = models.BooleanField(_("重点督办"), default=False)
    key_committee = models.ForeignKey(
        "Committee",
        verbose_name=_("督办专门委员会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_suggestions",
    )
    key_marked_at = models.DateTimeField(null=True, blank=True)
    # Publication on the congress's public site: when, and which parts the office chose to hide.
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    public_hidden = models.JSONField(_("不公开的内容"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("议案建议")
        constraints = [models.UniqueConstraint(fields=["number"], name="suggestions_unique_number")]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title


class CoSigner(models.Model):
    """A deputy who signs the item with the lead deputy; counts towards a motion's quorum once confirmed."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    deputy = models.ForeignKey(
        "registry.Deputy",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("附议代表"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"], name="suggestions_cosigner_unique")]


class Assignment(models.Model):
    """A unit named to handle the item, with its part: exactly one lead unit per assigned item."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.HandlingUnit", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("办理方式"), max_length=16, choices=AssignmentRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "unit"], name="suggestions_assignment_unique_unit"),
            models.UniqueConstraint(
                fields=["suggestion"], condition=models.Q(role="lead"), name="suggestions_assignment_one_lead"
            ),
        ]


class Evaluation(models.Model):
    """One deputy's rating of one reply: attitude and result are rated separately."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="evaluations")
    deputy = models.ForeignKey("registry.Deputy", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+")
    round = models.PositiveSmallIntegerField()
    attitude = models.CharField(_("办理态度"), max_length=32)
    result = models.CharField(_("办理结果"), max_length=32, choices=EvaluationLevel.choices)
    # Why, when either rating is below the top of the scale (required then; the unit reads it to re-handle).
    reason = models.TextField(_("理由"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Set by selectors.reply_rounds: the congress's words for the two ratings (not fields).
    attitude_label: str
    result_label: str

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy", "round"], name="suggestions_evaluation_once")
        ]


class SuggestionEvent(TransitionEvent):
    """History: every change of an item (who, when, which action, from which status to which, why)."""

    subject_field = "suggestion"
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    to_status = models.CharField(max_length=16, choices=Status.choices)

    # Set by selectors.event_list for the history table (not fields).
    action_label: str | Promise
    from_label: str | Promise
    to_label: str | Promise


class ContactKind(models.TextChoices):
    MEETING = "meeting", _("面商")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("走访")
    OTHER = "other", _("其他")


class Contact(models.Model):
    """A unit's contact with the deputies on the item; kind "meeting" is the face-to-face meeting (面商)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="contacts")
    unit = models.ForeignKey("units.HandlingUnit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("沟通方式"), max_length=16, choices=ContactKind.choices)
    happened_on = models.DateField(_("沟通日期"))
    form = models.CharField(_("形式"), max_length=200, blank=True)  # e.g. 座谈、实地察看、视频会议
    summary = models.TextField(_("沟通情况"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "id"]


class JointOpinion(models.Model):
    """A joint unit's (会办单位) opinion to the lead unit: one per unit per item; `is_late` against the window."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="joint_opinions")
    unit = models.ForeignKey("units.HandlingUnit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("会办意见"))
    due = models.DateField(_("会办期限"))
    is_late = models.BooleanField(_("逾期"), default=False)
    submitted_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "unit"], name="suggestions_joint_opinion_once_per_unit")
        ]


class Extension(models.Model):
    """The item's one request to extend the reply deadline, and the office's decision (approved None: pending)."""

    suggestion = models.OneToOneField(Suggestion, on_delete=models.CASCADE, related_name="extension")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    reason = models.TextField(_("延期理由"))
    months = models.PositiveSmallIntegerField(_("延期月数"))
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True, blank=True)
    # The reply deadline before and after the decision, kept for the history and the bulletin.
    reply_due_before = models.DateField(null=True, blank=True)
    reply_due_after = models.DateField(null=True, blank=True)


class BulletinPublication(models.Model):
    """The office's publication of one month's progress bulletin (办理进度通报): the figures as published are
    kept in `snapshot`, so members see what was published even as items move on. Publishing again adds a row;
    the latest one is shown."""

    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("办理进度通报")
        indexes = [models.Index(fields=["year", "month"], name="suggestions_bulletin_period")]


class _PrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up on first use (tests point it elsewhere and reset `_wrapped`)."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


def get_private_storage():
    # FileField takes a storage or a callable, not an alias of settings.STORAGES ("private" stayed a bare str).
    return private_storage


class AttachmentKind(models.TextChoices):
    MATERIAL = "material", _("附件材料")  # the deputy's supporting material
    REPLY_LETTER = "reply_letter", _("答复函")  # the lead unit's reply letter


class Attachment(models.Model):
    """A file on an item: the deputies' material, or a unit's reply letter for one reply round.
    Files sit in the private storage and are served only through a view that checks who asks."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("附件类型"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), storage=get_private_storage, upload_to="suggestions/%Y/%m/", max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    # The reply round a reply letter belongs to (the round its reply opens); 0 for material.
    reply_round = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Set by attachments.panel for the item page (not fields).
    download_url: str
    removable: bool

    class Meta:
        ordering = ["created_at", "id"]


class Committee(models.Model):
    """A special committee (专门委员会) of the congress (or its standing committee's working committee) that
    follows the key suggestions the chairpersons' meeting gives it (代表法 Art. 52)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "name", "id"]
        verbose_name = _("专门委员会")

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """An account that follows the committee's key suggestions (members and the committee's staff)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
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
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="suggestions_committee_member")]


class CommitteeEvent(Event):
    """History of a committee: created, changed, members added and removed. Membership decides who sees which
    key suggestions, so every change of it is kept."""

    subject_field = "committee"
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=32)  # created, updated, member_added, member_removed


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("跟踪中")
    SOLVED = "solved", _("已落实")
    # A later reply (re-handling) answered the item again in another commitment or a category that is no
    # promise (D): this round's promise is no longer the one tracked.
    SUPERSEDED = "superseded", _("已由新的答复取代")


class Commitment(models.Model):
    """What a B or C answer promised (RULES.md: tracked until solved and carried into the next year).

    `year` is the year the commitment was made; an open commitment of an earlier year shows in later years'
    lists as carried over, until the lead unit reports it solved and the office confirms."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="commitments")
    unit = models.ForeignKey("units.HandlingUnit", on_delete=models.PROTECT, related_name="+")
    result_category = models.CharField(_("办理结果分类"), max_length=20)
    reply_round = models.PositiveSmallIntegerField()
    text = models.TextField(_("承诺事项"))
    year = models.PositiveSmallIntegerField(_("承诺年度"))
    status = models.CharField(
        _("落实情况"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    solved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Set by commitments.with_permissions (the forms a page shows) and by committee_views._listing (not fields).
    can_report: bool
    can_confirm: bool
    latest_update: "CommitmentUpdate | None"

    class Meta:
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "reply_round"], name="suggestions_commitment_per_round")
        ]
        indexes = [models.Index(fields=["status", "year"], name="suggestions_commitment_open")]


class CommitmentUpdate(models.Model):
    """A progress report on a commitment by the lead unit, or the office's confirmation that it is solved."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("落实进展"))
    solved = models.BooleanField(_("已落实"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Reminder(models.Model):
    """A reminder (before a deadline) or an urging (催办, after it) sent for one deadline of one item.

    The unique constraint makes sending idempotent: the worker claims the row first, in the same transaction
    as the notices it writes, so a reminder goes out once however often or on however many machines the sweep
    runs. A moved deadline (an approved extension, a re-handling clock) is a new `due`, so it gets its own."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=40)  # e.g. reply_due_soon, reply_overdue, evaluation_due_soon
    due = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)
    sms_sent = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "kind", "due"], name="suggestions_reminder_once")]
