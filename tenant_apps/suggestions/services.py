"""Writes to motions and suggestions. Every write checks permission and leaves a SuggestionEvent.

Each service raises PermissionDenied, or ValidationError keyed by field; on error nothing changes (each runs in
one transaction and works on a locked copy of the item). Status changes go only through suggestion_transition,
which runs the workflow's table on the platform's workflow core (tenants.workflow).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Seat, SeatStatus
from shared_apps.workdays.calendar import deadline_after_months
from tenant_apps.suggestions import inbox
from tenant_apps.suggestions import permissions as perms
from tenant_apps.suggestions.models import (
    AssignmentRole,
    Contact,
    ContactKind,
    CoSigner,
    Extension,
    JointOpinion,
    Kind,
    RaisedDuring,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenant_apps.suggestions.workflow import SUGGESTIONS
from tenants.fields import max_length
from tenants.selectors import effective_settings
from tenants.workflow import apply_transition, lock, require_here
from tenants.workflow.history import record_event

DRAFT_FIELDS = ("kind", "title", "body", "category", "raised_during")
TITLE_MAX = max_length(Suggestion, "title")
CATEGORY_MAX = max_length(Suggestion, "category")


# -- helpers -------------------------------------------------------------------------------------------


def _serving_here(access: Access, deputy_id) -> bool:
    """Whether the deputy holds a serving seat in the caller's congress."""
    return Seat.objects.filter(deputy_id=deputy_id, congress=access.congress, status=SeatStatus.SERVING).exists()


def _clean_draft(data: dict, *, partial: bool) -> dict:
    """The draft fields of `data`, stripped and checked; ValidationError by field."""
    cleaned = {k: ("" if data[k] is None else str(data[k]).strip()) for k in DRAFT_FIELDS if k in data}
    errors: dict[str, list[str]] = {}
    for key in ("title", "body"):
        if (key in cleaned or not partial) and not cleaned.get(key):
            errors[key] = [_("此项不能为空。")]
    if len(cleaned.get("title", "")) > TITLE_MAX:
        errors["title"] = [_("标题不能超过%(n)d个字。") % {"n": TITLE_MAX}]
    if len(cleaned.get("category", "")) > CATEGORY_MAX:
        errors["category"] = [_("分类不能超过%(n)d个字。") % {"n": CATEGORY_MAX}]
    if "kind" in cleaned and cleaned["kind"] not in Kind.values:
        errors["kind"] = [_("请选择议案或建议。")]
    if "raised_during" in cleaned and cleaned["raised_during"] not in RaisedDuring.values:
        errors["raised_during"] = [_("请选择大会期间或闭会期间。")]
    if errors:
        raise ValidationError(errors)
    return cleaned


# -- drafts and co-signers -------------------------------------------------------------------------------


@transaction.atomic
def suggestion_draft_create(*, access: Access, data: dict, lead_deputy_id=None) -> Suggestion:
    """Start a draft. A deputy drafts as its lead deputy; delegation staff name the lead deputy
    (`lead_deputy_id`), who must hold a serving seat here. Raises PermissionDenied or ValidationError."""
    require_here(access, perms.HERE_ONLY)
    if not perms.can_create_draft(access):
        raise PermissionDenied(_("只有本级人大代表或代表团工作人员可以起草议案建议。"))
    own = perms.deputy_id_of(access.user) if Role.DEPUTY in access.roles else None
    if lead_deputy_id in (None, ""):
        lead_deputy_id = own
    elif own is not None and str(lead_deputy_id) != str(own) and Role.DELEGATION_STAFF not in access.roles:
        raise PermissionDenied(_("代表只能以本人为领衔代表起草。"))
    if lead_deputy_id is None or not _serving_here(access, lead_deputy_id):
        raise ValidationError({"lead_deputy": [_("领衔代表须是本级人大的在任代表。")]})
    cleaned = _clean_draft(data, partial=False)
    item = Suggestion.objects.create(lead_deputy_id=int(lead_deputy_id), created_by=access.user, **cleaned)
    record_event(SuggestionEvent, item, actor=access.user, action="create", from_status="")
    inbox.refresh_for_item(access.congress, item)
    return item


@transaction.atomic
def suggestion_draft_update(*, access: Access, suggestion: Suggestion, data: dict) -> Suggestion:
    """Change a draft's text, kind, category or occasion. The lead deputy or the delegation staff who drafted it."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not perms.can_edit_draft(access, item):
        raise PermissionDenied(_("只有领衔代表可以修改草稿。"))
    if item.status != Status.DRAFT:
        raise ValidationError({"status": [_("只有草稿可以修改。")]})
    cleaned = _clean_draft(data, partial=True)
    changed = [k for k, v in cleaned.items() if getattr(item, k) != v]
    for key in changed:
        setattr(item, key, cleaned[key])
    if changed:
        item.save(update_fields=[*changed, "updated_at"])
        record_event(SuggestionEvent, item, actor=access.user, action="update", data={"fields": changed})
    return item


@transaction.atomic
def cosigner_add(*, access: Access, suggestion: Suggestion, deputy_id) -> CoSigner:
    """Name a co-signer on a draft: a deputy with a serving seat here, other than the lead deputy.
    The lead deputy or the delegation staff who drafted it. The co-signer then confirms (cosigner_confirm)."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not perms.can_edit_draft(access, item):
        raise PermissionDenied(_("只有领衔代表可以邀请附议代表。"))
    if item.status != Status.DRAFT:
        raise ValidationError({"status": [_("只有草稿可以增加附议代表。")]})
    try:
        deputy_id = int(deputy_id)
    except (TypeError, ValueError):
        raise ValidationError({"deputy": [_("请选择代表。")]}) from None
    if deputy_id == item.lead_deputy_id:
        raise ValidationError({"deputy": [_("领衔代表不必再作为附议代表。")]})
    if not _serving_here(access, deputy_id):
        raise ValidationError({"deputy": [_("附议代表须是本级人大的在任代表。")]})
    if item.cosigners.filter(deputy_id=deputy_id).exists():
        raise ValidationError({"deputy": [_("这位代表已经是附议代表。")]})
    cosigner = CoSigner.objects.create(suggestion=item, deputy_id=deputy_id)
    record_event(SuggestionEvent, item, actor=access.user, action="cosigner_add", data={"deputy": deputy_id})
    inbox.refresh_for_item(access.congress, item)
    return cosigner


@transaction.atomic
def cosigner_confirm(*, access: Access, suggestion: Suggestion) -> CoSigner:
    """The co-signer themself confirms signing (while the item is a draft or awaits review)."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    deputy_id = perms.deputy_id_of(access.user) if Role.DEPUTY in access.roles else None
    cosigner = item.cosigners.filter(deputy_id=deputy_id).first() if deputy_id else None
    if cosigner is None:
        raise PermissionDenied(_("只有被邀请的附议代表本人可以确认附议。"))
    if item.status not in (Status.DRAFT, Status.SUBMITTED):
        raise ValidationError({"status": [_("这件议案建议已不能再确认附议。")]})
    if cosigner.confirmed_at is not None:
        raise ValidationError({"deputy": [_("您已确认附议。")]})
    cosigner.confirmed_at = timezone.now()
    cosigner.save(update_fields=["confirmed_at"])
    record_event(SuggestionEvent, item, actor=access.user, action="cosigner_confirm", data={"deputy": deputy_id})
    inbox.refresh_for_item(access.congress, item)
    return cosigner


# -- the workflow ----------------------------------------------------------------------------------------


def suggestion_transition(*, access: Access, suggestion: Suggestion, action: str, **data) -> Suggestion:
    """Apply one action of workflow.TRANSITIONS to the item, as `access`; returns the updated item.

    The workflow core checks, in order: the action exists, the item's status is one it starts from, the caller
    passes its predicate, the item qualifies, the note is given where required; then the action's effect
    validates its input (`data`) and changes the locked item, which is saved with update_fields, followed by the
    workflow's hooks (commitments, the deputies' waiting counts) and logged. Raises ValidationError (by field,
    "status" for a wrong status) or PermissionDenied; on error nothing changes.
    """
    return apply_transition(SUGGESTIONS, access=access, obj=suggestion, action=action, data=data)


# -- handling: contacts, joint opinions, the extension ------------------------------------------------------

HANDLING_STATUSES = frozenset({Status.ASSIGNED, Status.REHANDLING})
# 代表法 Art. 51: reply within 3 months of assignment and, for complex items, at most 6 months in all. A congress
# may set its own reply window and extension (per-congress settings), but never beyond the statute's 6 months.
LEGAL_MAX_REPLY_MONTHS = 6
FORM_MAX = max_length(Contact, "form")


def _require_handling(item: Suggestion) -> None:
    if item.status not in HANDLING_STATUSES:
        raise ValidationError(
            {"status": [_("“%(status)s”的议案建议不在办理中。") % {"status": item.get_status_display()}]}
        )


def _acting_unit(access: Access, item: Suggestion, unit_id, *, role: str | None = None) -> int:
    """The assigned unit (of `role`) the caller acts for: `unit_id` if given, else their only such unit."""
    staffed = perms.unit_ids_staffed(access, item, role=role)
    if unit_id in (None, ""):
        if len(staffed) == 1:
            return staffed[0]
        raise ValidationError({"unit": [_("请选择以哪个承办单位的名义办理。")]})
    try:
        unit_id = int(unit_id)
    except (TypeError, ValueError):
        raise ValidationError({"unit": [_("请选择承办单位。")]}) from None
    if unit_id not in staffed:
        raise PermissionDenied(_("您不是该承办单位的工作人员。"))
    return unit_id


def _date(value, key: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError({key: [_("请填写日期（如 2026-03-01）。")]}) from None


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _settings(access: Access) -> dict:
    assert access.congress is not None  # its callers ran require_here (in_schema_of is False for None)
    return effective_settings(access.congress)


@transaction.atomic
def contact_log(*, access: Access, suggestion: Suggestion, data: dict) -> Contact:
    """Log a unit's contact with the deputies (kind meeting = 面商, with its date and form) while the item is
    handled. Staff of a unit the item is assigned to; `data`: kind, happened_on, form, summary, unit (optional
    when the caller staffs one assigned unit only). Raises PermissionDenied or ValidationError by field."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not perms.is_assigned_unit_staff(access, item):
        raise PermissionDenied(_("只有承办单位的工作人员可以记录与代表的沟通。"))
    _require_handling(item)
    unit_id = _acting_unit(access, item, data.get("unit"))
    kind = str(data.get("kind") or "")
    form = str(data.get("form") or "").strip()
    summary = str(data.get("summary") or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in ContactKind.values:
        errors["kind"] = [_("请选择沟通方式。")]
    if kind == ContactKind.MEETING and not form:
        errors["form"] = [_("面商须写明形式（如座谈、实地察看）。")]
    if len(form) > FORM_MAX:
        errors["form"] = [_("形式不能超过%(n)d个字。") % {"n": FORM_MAX}]
    if not summary:
        errors["summary"] = [_("请填写沟通情况。")]
    try:
        happened_on = _date(data.get("happened_on"), "happened_on")
        if happened_on > timezone.localdate():
            errors["happened_on"] = [_("沟通日期不能晚于今天。")]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.create(
        suggestion=item,
        unit_id=unit_id,
        kind=kind,
        happened_on=happened_on,
        form=form,
        summary=summary,
        created_by=access.user,
    )
    record_event(
        SuggestionEvent,
        item,
        actor=access.user,
        action="contact_log",
        data={"unit": unit_id, "kind": kind, "happened_on": happened_on.isoformat()},
    )
    return contact


def joint_opinion_due(access: Access, item: Suggestion) -> datetime.date:
    """When the joint units' opinions are due: `deadline.joint_opinion_months` after assignment (RULES.md:
    within 1 month by default), on a working day of the congress's calendar."""
    months = _settings(access)["deadline.joint_opinion_months"]
    return deadline_after_months(access.congress, timezone.localdate(item.assigned_at), months)


@transaction.atomic
def joint_opinion_submit(*, access: Access, suggestion: Suggestion, text: str, unit_id=None) -> JointOpinion:
    """A joint unit (会办单位) sends its opinion to the lead unit, once per unit, while the item is handled.
    Staff of a joint unit on the item. A late opinion is accepted and flagged (`is_late`), not refused.
    Raises PermissionDenied or ValidationError by field."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not perms.is_joint_unit_staff(access, item):
        raise PermissionDenied(_("只有会办单位的工作人员可以提交会办意见。"))
    _require_handling(item)
    unit_id = _acting_unit(access, item, unit_id, role=AssignmentRole.JOINT)
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写会办意见。")]})
    if JointOpinion.objects.filter(suggestion=item, unit_id=unit_id).exists():
        raise ValidationError({"unit": [_("本单位已提交过会办意见。")]})
    now = timezone.now()
    due = joint_opinion_due(access, item)
    opinion = JointOpinion.objects.create(
        suggestion=item,
        unit_id=unit_id,
        text=text,
        due=due,
        is_late=timezone.localdate(now) > due,
        submitted_at=now,
        created_by=access.user,
    )
    record_event(
        SuggestionEvent,
        item,
        actor=access.user,
        action="joint_opinion",
        data={"unit": unit_id, "due": due.isoformat(), "is_late": opinion.is_late},
    )
    return opinion


def extension_max_months(access: Access) -> int:
    """The longest extension this congress allows, never past the statute's total (代表法 Art. 51: 6 months)."""
    values = _settings(access)
    statutory = LEGAL_MAX_REPLY_MONTHS - values["deadline.reply_months"]
    return max(0, min(values["deadline.extension_max_months"], statutory))


@transaction.atomic
def extension_request(*, access: Access, suggestion: Suggestion, months, reason: str) -> Extension:
    """The lead unit asks the office to extend the reply deadline by `months`, with a reason. One request per
    item, ever (a refused one is not repeated). Staff of the lead unit, while the item is handled.
    Raises PermissionDenied or ValidationError by field."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not perms.is_lead_unit_staff(access, item):
        raise PermissionDenied(_("只有主办单位的工作人员可以申请延期。"))
    _require_handling(item)
    if Extension.objects.filter(suggestion=item).exists():
        raise ValidationError({"extension": [_("每件议案建议只能申请一次延期。")]})
    limit = extension_max_months(access)
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise ValidationError({"months": [_("请填写延期月数。")]}) from None
    if not 1 <= months <= limit:
        raise ValidationError(
            {"months": [_("延期须在1至%(n)d个月之间（代表法第五十一条：答复最长不超过六个月）。") % {"n": limit}]}
        )
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明延期理由。")]})
    extension = Extension.objects.create(
        suggestion=item, requested_by=access.user, reason=reason, months=months, requested_at=timezone.now()
    )
    record_event(
        SuggestionEvent, item, actor=access.user, action="extension_request", note=reason, data={"months": months}
    )
    return extension


@transaction.atomic
def extension_decide(*, access: Access, suggestion: Suggestion, approved, note: str = "") -> Extension:
    """The office approves or refuses the item's pending extension. Approval moves reply_due by the months
    asked, from the current reply_due, to a working day; refusal keeps it. Office staff and administrators.
    Raises PermissionDenied or ValidationError by field."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not perms.is_office(access):
        raise PermissionDenied(_("只有人大办公室可以审批延期。"))
    _require_handling(item)
    if not isinstance(approved, bool):
        raise ValidationError({"approved": [_("请选择批准或不批准。")]})
    extension = Extension.objects.select_for_update().filter(suggestion=item).first()
    if extension is None or extension.approved is not None:
        raise ValidationError({"extension": [_("没有待审批的延期申请。")]})
    extension.reply_due_before = item.reply_due
    if approved and item.reply_due is not None:
        item.reply_due = deadline_after_months(access.congress, item.reply_due, extension.months)
        item.save(update_fields=["reply_due", "updated_at"])
    extension.reply_due_after = item.reply_due
    extension.approved, extension.decided_by, extension.decided_at = approved, access.user, timezone.now()
    extension.save(update_fields=["approved", "decided_by", "decided_at", "reply_due_before", "reply_due_after"])
    record_event(
        SuggestionEvent,
        item,
        actor=access.user,
        action="extension_decide",
        note=str(note or "").strip(),
        data={
            "approved": approved,
            "months": extension.months,
            "reply_due_before": _iso(extension.reply_due_before),
            "reply_due_after": _iso(extension.reply_due_after),
        },
    )
    return extension
