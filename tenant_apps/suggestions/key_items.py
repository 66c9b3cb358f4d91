"""Key suggestions (重点督办建议) and the special committees (专门委员会) that follow them.

代表法 Art. 52: special committees supervise the handling of suggestions, and the chairpersons' meeting (主任会议)
may designate key suggestions. Here the congress's administrators keep the committees and their members; the
office records the meeting's decision on an item (`suggestion_mark_key`, with the meeting's date), naming the
committee that follows it; the committee's members then see the item and log their supervision notes
(`key_followup_add`).

Which items may be marked: accepted, assigned, replied or re-handling ones (MARKABLE) — admitted items whose
handling is not over. Drafts and items awaiting review are not yet admitted; returned, withdrawn and merged
items will not be handled; a closed item has nothing left to supervise (its B/C commitments are tracked in
commitments.py). Unmarking is possible in the same statuses, so a closed item keeps its mark as history.
A committee's members see its key items whether or not the committee is still active; only new marks need an
active committee.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, OuterRef, Prefetch, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.memberships.models import Membership, Role
from shared_apps.memberships.permissions import Access
from tenant_apps.suggestions import permissions as perms
from tenant_apps.suggestions.models import (
    Assignment,
    AssignmentRole,
    Committee,
    CommitteeEvent,
    CommitteeMember,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenants.fields import max_length
from tenants.params import int_param
from tenants.workflow import lock, require_here
from tenants.workflow.history import record_event

MARKABLE = frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.REPLIED, Status.REHANDLING})
AWAITING = (Status.ASSIGNED, Status.REHANDLING)
NAME_MAX = max_length(Committee, "name")
TEXT_MAX = 2000

# -- predicates ----------------------------------------------------------------------------------------


def can_manage_committees(access: Access) -> bool:
    """Create and change committees and their members: the congress's administrators."""
    return access.congress is not None and Role.CONGRESS_ADMIN in access.roles


def can_view_committees(access: Access) -> bool:
    """See the committees and their members: the office (which names a committee when marking an item)."""
    return perms.is_office(access)


def can_view_key_items(access: Access) -> bool:
    """The list of key suggestions: the office (all of them) and committee members (their committees')."""
    return perms.is_office(access) or perms.sits_on_committee(access)


def can_follow_up(access: Access, suggestion: Suggestion) -> bool:
    """Log supervision notes on a key item: the office, and members of the committee that follows it."""
    if not suggestion.is_key:
        return False
    return perms.is_office(access) or perms.is_committee_member(access, suggestion)


# -- selectors -----------------------------------------------------------------------------------------


def committee_list(access: Access) -> QuerySet[Committee]:
    """The congress's committees (active first) with their members, for the office; none for anyone else."""
    if not can_view_committees(access):
        return Committee.objects.none()
    members = CommitteeMember.objects.select_related("user")
    return Committee.objects.prefetch_related(Prefetch("members", queryset=members))


def committee_get_for_user(access: Access, pk) -> Committee | None:
    """One committee for the office; None when it is missing or the caller may not see it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return committee_list(access).filter(pk=pk).first()


def key_item_list(access: Access, *, committee_id=None, status: str = "") -> QuerySet[Suggestion]:
    """The key items the caller follows: every one for the office, their committees' for committee members;
    annotated with `lead_unit_name` and `is_overdue` (awaiting a reply past `reply_due`)."""
    if not can_view_key_items(access):
        return Suggestion.objects.none()
    items = Suggestion.objects.filter(is_key=True)
    if not perms.is_office(access):
        mine = CommitteeMember.objects.filter(user_id=access.user.pk).values("committee_id")
        items = items.filter(key_committee_id__in=mine)
    if (committee := int_param(committee_id, low=1, high=2**31 - 1)) is not None:
        items = items.filter(key_committee_id=committee)
    if status in Status.values:
        items = items.filter(status=status)
    lead = Assignment.objects.filter(suggestion=OuterRef("pk"), role=AssignmentRole.LEAD)
    today = timezone.localdate()
    return (
        items.select_related("lead_deputy", "key_committee")
        .annotate(
            lead_unit_name=Subquery(lead.values("unit__name")[:1]),
            is_overdue=Case(
                When(status__in=AWAITING, reply_due__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-key_marked_at", "-id")
    )


def followup_list(suggestion: Suggestion) -> QuerySet[SuggestionEvent]:
    """The supervision notes logged on the item, oldest first."""
    return SuggestionEvent.objects.filter(suggestion=suggestion, action="key_followup").select_related("actor")


def key_decision(suggestion: Suggestion) -> SuggestionEvent | None:
    """The event that marked the item key as it stands (its data holds the meeting's date); None if not key."""
    if not suggestion.is_key:
        return None
    return SuggestionEvent.objects.filter(suggestion=suggestion, action="key_mark").order_by("-id").first()


# -- committee services ----------------------------------------------------------------------------------


def _require_manager(access: Access) -> None:
    require_here(access, perms.HERE_ONLY)
    if not can_manage_committees(access):
        raise PermissionDenied(_("只有人大平台管理员可以管理专门委员会。"))


def _clean_name(name, *, exclude_pk=None) -> str:
    name = str(name or "").strip()
    if not name:
        raise ValidationError({"name": [_("请填写专门委员会名称。")]})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": [_("名称不能超过%(n)d个字。") % {"n": NAME_MAX}]})
    if Committee.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": [_("已有同名的专门委员会。")]})
    return name


def _committee_event(access: Access, committee: Committee, action: str, **data) -> None:
    record_event(CommitteeEvent, actor=access.user, committee=committee, action=action, data=data)


@transaction.atomic
def committee_create(*, access: Access, name: str, is_active: bool = True) -> Committee:
    """Add a special committee. The congress's administrators. Raises PermissionDenied or ValidationError."""
    _require_manager(access)
    committee = Committee.objects.create(name=_clean_name(name), is_active=bool(is_active))
    _committee_event(access, committee, "created", name=committee.name, is_active=committee.is_active)
    return committee


@transaction.atomic
def committee_update(*, access: Access, committee: Committee, name=None, is_active=None) -> Committee:
    """Rename a committee or (de)activate it (None: leave as it is). A deactivated committee keeps its key
    items and members but gets no new ones. The congress's administrators."""
    _require_manager(access)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    changes: dict = {}
    if name is not None:
        cleaned = _clean_name(name, exclude_pk=committee.pk)
        if cleaned != committee.name:
            changes["name"] = cleaned
    if is_active is not None:
        if not isinstance(is_active, bool):
            raise ValidationError({"is_active": [_("请选择是否在用。")]})
        if is_active != committee.is_active:
            changes["is_active"] = is_active
    if changes:
        for key, value in changes.items():
            setattr(committee, key, value)
        committee.save(update_fields=list(changes))
        _committee_event(access, committee, "updated", **changes)
    return committee


@transaction.atomic
def committee_member_add(*, access: Access, committee: Committee, email: str) -> CommitteeMember:
    """Add an account, found by email, that holds any role in this congress to the committee.
    The congress's administrators. Raises PermissionDenied or ValidationError (key "email")."""
    _require_manager(access)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    email = str(email or "").strip().lower()
    if not email:
        raise ValidationError({"email": [_("请填写账号的电子邮箱。")]})
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None or not Membership.objects.filter(user=user, congress=access.congress).exists():
        raise ValidationError({"email": [_("只能添加本级人大平台的成员（请先为其开通账号和角色）。")]})
    if CommitteeMember.objects.filter(committee=committee, user=user).exists():
        raise ValidationError({"email": [_("该账号已经是这个专门委员会的成员。")]})
    member = CommitteeMember.objects.create(committee=committee, user=user)
    _committee_event(access, committee, "member_added", user=user.pk)
    return member


@transaction.atomic
def committee_member_remove(*, access: Access, committee: Committee, user_id) -> None:
    """Take an account off the committee: it no longer sees the committee's key items (unless it may
    otherwise). The congress's administrators. Raises PermissionDenied or ValidationError (key "user")."""
    _require_manager(access)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        raise ValidationError({"user": [_("请选择要移除的成员。")]}) from None
    deleted, _rows = CommitteeMember.objects.filter(committee=committee, user_id=user_id).delete()
    if not deleted:
        raise ValidationError({"user": [_("该账号不是这个专门委员会的成员。")]})
    _committee_event(access, committee, "member_removed", user=user_id)


# -- key marking and follow-up ----------------------------------------------------------------------------


def _clean_text(value, key: str, *, required: bool, message: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({key: [message or _("此项不能为空。")]})
    if len(text) > TEXT_MAX:
        raise ValidationError({key: [_("不能超过%(n)d个字。") % {"n": TEXT_MAX}]})
    return text


def _meeting_date(value) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationError({"decided_on": [_("请填写主任会议的日期（如 2026-03-01）。")]}) from None
    if day > timezone.localdate():
        raise ValidationError({"decided_on": [_("主任会议的日期不能晚于今天。")]})
    return day


def _require_markable(item: Suggestion) -> None:
    if item.status not in MARKABLE:
        raise ValidationError(
            {"status": [_("“%(status)s”的议案建议不能确定或取消重点督办。") % {"status": item.get_status_display()}]}
        )


@transaction.atomic
def suggestion_mark_key(
    *, access: Access, suggestion: Suggestion, committee_id, decided_on, note: str = ""
) -> Suggestion:
    """Record the chairpersons' meeting's decision (代表法 Art. 52) that the item is a key suggestion followed by
    an active committee; marking a key item again moves it to another committee. The office, on an accepted,
    assigned, replied or re-handling item. Raises PermissionDenied or ValidationError by field."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not perms.is_office(access):
        raise PermissionDenied(_("只有人大办公室可以登记主任会议确定的重点督办建议。"))
    _require_markable(item)
    try:
        committee = Committee.objects.filter(pk=int(committee_id), is_active=True).first()
    except (TypeError, ValueError):
        committee = None
    if committee is None:
        raise ValidationError({"committee": [_("请选择在用的专门委员会。")]})
    if item.is_key and item.key_committee_id == committee.pk:
        raise ValidationError({"committee": [_("这件议案建议已由该专门委员会重点督办。")]})
    day = _meeting_date(decided_on)
    note = _clean_text(note, "note", required=False)
    previous = item.key_committee_id if item.is_key else None
    item.is_key, item.key_committee, item.key_marked_at = True, committee, timezone.now()
    item.save(update_fields=["is_key", "key_committee", "key_marked_at", "updated_at"])
    record_event(
        SuggestionEvent,
        item,
        actor=access.user,
        action="key_mark",
        note=note,
        data={"committee": committee.pk, "decided_on": day.isoformat(), "previous": previous},
    )
    return item


@transaction.atomic
def suggestion_unmark_key(*, access: Access, suggestion: Suggestion, note: str = "") -> Suggestion:
    """Take the key mark off the item (e.g. recorded by mistake); its committee no longer sees it. The office,
    in the statuses marking is allowed in. Raises PermissionDenied or ValidationError by field."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not perms.is_office(access):
        raise PermissionDenied(_("只有人大办公室可以取消重点督办。"))
    _require_markable(item)
    if not item.is_key:
        raise ValidationError({"is_key": [_("这件议案建议不是重点督办建议。")]})
    note = _clean_text(note, "note", required=False)
    committee_id = item.key_committee_id
    item.is_key, item.key_committee, item.key_marked_at = False, None, None
    item.save(update_fields=["is_key", "key_committee", "key_marked_at", "updated_at"])
    record_event(
        SuggestionEvent, item, actor=access.user, action="key_unmark", note=note, data={"committee": committee_id}
    )
    return item


@transaction.atomic
def key_followup_add(*, access: Access, suggestion: Suggestion, text: str) -> SuggestionEvent:
    """Log a supervision note (督办意见, e.g. a visit to the unit, a request to speed up) on a key item; the
    status does not change. Members of the committee that follows it, and the office.
    Raises PermissionDenied or ValidationError (key "text")."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not can_follow_up(access, item):
        raise PermissionDenied(_("只有负责督办的专门委员会成员或人大办公室可以记录督办情况。"))
    text = _clean_text(text, "text", required=True, message=_("请填写督办情况。"))
    return record_event(
        SuggestionEvent,
        item,
        actor=access.user,
        action="key_followup",
        note=text,
        data={"committee": item.key_committee_id},
    )


# -- the item page's panel -----------------------------------------------------------------------------


def panel(request, item: Suggestion) -> dict | None:
    """The key-suggestion section of the item page: the mark, the office's mark/unmark form, the follow-up
    notes and form for the committee's members and the office. None for everyone else."""
    access = request.access
    office = perms.is_office(access)
    member = perms.is_committee_member(access, item)
    if not (office and (item.is_key or item.status in MARKABLE)) and not member:
        return None
    decision = key_decision(item)
    return {
        "template": "suggestions/_panel_key.html",
        "item": item,
        "decision": decision,
        "decided_on": (decision.data or {}).get("decided_on") if decision else None,
        "committees": Committee.objects.filter(is_active=True) if office and item.status in MARKABLE else (),
        "can_mark": office and item.status in MARKABLE,
        "can_follow_up": can_follow_up(access, item),
        "followups": list(followup_list(item)) if item.is_key else [],
        "next": reverse("suggestions:detail", args=[item.pk]),
        "today": timezone.localdate().isoformat(),
    }
