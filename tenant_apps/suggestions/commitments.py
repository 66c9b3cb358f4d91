"""Commitments (跟踪落实): what a B or C answer promised, tracked until solved and carried into the next year
(RULES.md "follow-up of B/C answers").

A reply whose result category is one of the congress's `categories.commitment` (B and C by default) opens a
Commitment of the lead unit for that reply round (`on_step`, a hook of the workflow run inside the reply's
transaction). Its text is the `commitment_text` given with the reply, else the reply's public text.
A later reply in another category (after re-handling) does not close an earlier commitment: what was
promised stays to be done until the office confirms it; each round that promises opens its own.

The lead unit reports progress (`commitment_update`); the office confirms it solved (`commitment_solve`) and
may reopen it (`commitment_reopen`). Each writes a CommitmentUpdate and a SuggestionEvent on the item.
The list of a year (`commitment_list`) holds the commitments made that year and every earlier one still
open when the year began (flagged `carried_over`).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access
from tenant_apps.suggestions import permissions as perms
from tenant_apps.suggestions.models import (
    AssignmentRole,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    CommitteeMember,
    Suggestion,
    SuggestionEvent,
)
from tenant_apps.units.models import HandlingUnit, UnitStaff
from tenants.params import int_param
from tenants.workflow import lock, require_here
from tenants.workflow.history import record_event

FIRST_YEAR, LAST_YEAR = 2000, 2100
TEXT_MAX = 4000

# -- created with a reply ------------------------------------------------------------------------------


def commitment_codes(settings: dict) -> list[str]:
    """The result categories this congress tracks as commitments (setting `categories.commitment`)."""
    return [str(code) for code, _label in settings["categories.commitment"]]


def on_step(step) -> None:
    """A hook of the suggestions workflow: after a reply in a commitment category, open the lead unit's
    commitment for that reply round (in the reply's transaction)."""
    if step.action != "reply":
        return
    item = step.item
    _settle_earlier(item, step)
    if item.result_category not in commitment_codes(step.settings):
        return
    lead = item.assignments.filter(role=AssignmentRole.LEAD).values_list("unit_id", flat=True).first()
    if lead is None:  # a reply needs a lead unit, so this is a guard, not a case
        return
    text = str(step.data.get("commitment_text") or "").strip() or item.reply_public_text
    Commitment.objects.get_or_create(
        suggestion=item,
        reply_round=item.reply_round,
        defaults={
            "unit_id": lead,
            "result_category": item.result_category,
            "text": text,
            "year": timezone.localdate(step.now).year,
        },
    )


def _settle_earlier(item, step) -> None:
    """A re-handling reply replaces the earlier answer: its open promises stop being tracked — solved when the
    item is now answered in the first result category (A: 已经解决或者基本解决), superseded otherwise."""
    earlier = Commitment.objects.filter(suggestion=item, status=CommitmentStatus.OPEN, reply_round__lt=item.reply_round)
    solved = item.result_category == step.settings["categories.result"][0][0]
    if solved:
        earlier.update(status=CommitmentStatus.SOLVED, solved_at=step.now)
    else:
        earlier.update(status=CommitmentStatus.SUPERSEDED)


# -- predicates ----------------------------------------------------------------------------------------


def _staffs_unit(access: Access, unit_id: int) -> bool:
    if Role.HANDLING_UNIT_STAFF not in access.roles or access.user is None:
        return False
    return UnitStaff.objects.filter(user_id=access.user.pk, unit_id=unit_id).exists()


def can_view_commitments(access: Access) -> bool:
    """The commitments page: the office, unit staff, deputies, committee members (each sees their own share)."""
    if access.congress is None:
        return False
    return (
        bool(access.roles & {Role.HANDLING_UNIT_STAFF, Role.DEPUTY})
        or perms.is_office(access)
        or (perms.sits_on_committee(access))
    )


def can_report_progress(access: Access, commitment: Commitment) -> bool:
    """Report progress on an open commitment: staff of the unit that made it."""
    return commitment.status == CommitmentStatus.OPEN and _staffs_unit(access, commitment.unit_id)


def can_confirm(access: Access, commitment: Commitment) -> bool:
    """Confirm a commitment solved, or reopen it: the office."""
    return perms.is_office(access)


def with_permissions(access: Access, rows: list[Commitment]) -> list[Commitment]:
    """Set `can_report` and `can_confirm` on each row (the forms a page shows), with one query in all."""
    staffed: set[int] = set()
    if Role.HANDLING_UNIT_STAFF in access.roles and access.user is not None:
        staffed = set(UnitStaff.objects.filter(user_id=access.user.pk).values_list("unit_id", flat=True))
    office = perms.is_office(access)
    for row in rows:
        row.can_report = row.status == CommitmentStatus.OPEN and row.unit_id in staffed
        row.can_confirm = office
    return rows


# -- selectors -----------------------------------------------------------------------------------------


def _visible(access: Access) -> Q | None:
    """The commitments the caller may see: all for the office; their units' for unit staff; those on their
    items for deputies; those on their committees' key items for committee members."""
    if not can_view_commitments(access) or access.user is None:
        return None
    if perms.is_office(access):
        return Q()
    seen = Q(pk__in=[])
    if Role.HANDLING_UNIT_STAFF in access.roles:
        seen |= Q(unit_id__in=UnitStaff.objects.filter(user_id=access.user.pk).values("unit_id"))
    if Role.DEPUTY in access.roles:
        deputy_id = perms.deputy_id_of(access.user)
        if deputy_id is not None:
            seen |= Q(suggestion__lead_deputy_id=deputy_id) | Q(suggestion__cosigners__deputy_id=deputy_id)
    if perms.sits_on_committee(access):
        committees = CommitteeMember.objects.filter(user_id=access.user.pk).values("committee_id")
        seen |= Q(suggestion__is_key=True, suggestion__key_committee_id__in=committees)
    return seen


def _visible_commitments(access: Access) -> QuerySet[Commitment]:
    condition = _visible(access)
    if condition is None:
        return Commitment.objects.none()
    return Commitment.objects.filter(pk__in=Commitment.objects.filter(condition).values("pk"))


def commitment_list(access: Access, year: int, *, status: str = "", unit_id=None) -> QuerySet[Commitment]:
    """The commitments of `year` the caller may see, and every earlier one still open when `year` began
    (carried over, flagged `carried_over`: it stays on each year's list until it is solved). Optionally of
    one status or one unit. Oldest year first."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    shown = Q(year=year) | Q(year__lt=year, status=CommitmentStatus.OPEN) | Q(year__lt=year, solved_at__gte=start)
    items = _visible_commitments(access).filter(shown)
    if status in CommitmentStatus.values:
        items = items.filter(status=status)
    if (unit := int_param(unit_id, low=1, high=2**31 - 1)) is not None:
        items = items.filter(unit_id=unit)
    return (
        items.select_related("suggestion", "unit")
        .prefetch_related("updates")
        .annotate(carried_over=ExpressionWrapper(Q(year__lt=year), output_field=BooleanField()))
        .order_by("year", "suggestion__number", "id")
    )


def commitment_get_for_user(access: Access, pk) -> Commitment | None:
    """One commitment the caller may see; None when missing or not theirs to see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return _visible_commitments(access).select_related("suggestion", "unit").filter(pk=pk).first()


def commitments_of(suggestion: Suggestion) -> QuerySet[Commitment]:
    """The item's commitments with their updates, oldest first (for a caller who may see the item)."""
    return Commitment.objects.filter(suggestion=suggestion).select_related("unit").prefetch_related("updates")


def units_with_commitments(access: Access) -> QuerySet[HandlingUnit]:
    """The units that appear in the caller's commitments (the list's unit filter)."""
    return HandlingUnit.objects.filter(pk__in=_visible_commitments(access).values("unit_id")).order_by("name")


def year_of(value) -> int:
    """A year from user input, or ValidationError keyed "year"."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"year": [_("请填写年份。")]}) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [_("年份须在%(a)d至%(b)d之间。") % {"a": FIRST_YEAR, "b": LAST_YEAR}]})
    return year


# -- services ------------------------------------------------------------------------------------------


def _clean(text) -> str:
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写落实情况。")]})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": [_("不能超过%(n)d个字。") % {"n": TEXT_MAX}]})
    return text


@transaction.atomic
def commitment_update(*, access: Access, commitment: Commitment, text: str) -> CommitmentUpdate:
    """The lead unit reports progress on an open commitment. Staff of the commitment's unit.
    Raises PermissionDenied, or ValidationError ("status" when it is solved, "text")."""
    item, locked = _lock(access, commitment)
    if not _staffs_unit(access, locked.unit_id):
        raise PermissionDenied(_("只有作出承诺的承办单位的工作人员可以报告落实进展。"))
    if locked.status != CommitmentStatus.OPEN:
        raise ValidationError({"status": [_("这项承诺已确认落实；如需继续跟踪，请人大办公室重新打开。")]})
    update = CommitmentUpdate.objects.create(commitment=locked, text=_clean(text), created_by=access.user)
    _event(access, item, "commitment_update", update.text, locked)
    return update


@transaction.atomic
def commitment_solve(*, access: Access, commitment: Commitment, text: str) -> CommitmentUpdate:
    """The office confirms an open commitment solved, with a note. Office staff and administrators.
    Raises PermissionDenied, or ValidationError ("status" when already solved, "text")."""
    item, locked = _lock(access, commitment)
    if not can_confirm(access, locked):
        raise PermissionDenied(_("只有人大办公室可以确认承诺已落实。"))
    if locked.status != CommitmentStatus.OPEN:
        raise ValidationError({"status": [_("这项承诺已确认落实。")]})
    text = _clean(text)
    locked.status, locked.solved_at = CommitmentStatus.SOLVED, timezone.now()
    locked.save(update_fields=["status", "solved_at"])
    update = CommitmentUpdate.objects.create(commitment=locked, text=text, solved=True, created_by=access.user)
    _event(access, item, "commitment_solved", text, locked)
    return update


@transaction.atomic
def commitment_reopen(*, access: Access, commitment: Commitment, text: str) -> CommitmentUpdate:
    """The office reopens a commitment confirmed solved by mistake, with the reason; it is tracked again.
    Office staff and administrators. Raises PermissionDenied, or ValidationError ("status", "text")."""
    item, locked = _lock(access, commitment)
    if not can_confirm(access, locked):
        raise PermissionDenied(_("只有人大办公室可以重新打开承诺。"))
    if locked.status != CommitmentStatus.SOLVED:
        raise ValidationError({"status": [_("这项承诺仍在跟踪中。")]})
    text = _clean(text)
    locked.status, locked.solved_at = CommitmentStatus.OPEN, None
    locked.save(update_fields=["status", "solved_at"])
    update = CommitmentUpdate.objects.create(commitment=locked, text=text, created_by=access.user)
    _event(access, item, "commitment_reopened", text, locked)
    return update


def _lock(access: Access, commitment: Commitment) -> tuple[Suggestion, Commitment]:
    """The item and the commitment, locked in that order (the order every write of the item uses)."""
    require_here(access, perms.HERE_ONLY)
    item = lock(Suggestion(pk=commitment.suggestion_id))
    return item, Commitment.objects.select_for_update().get(pk=commitment.pk)


def _event(access: Access, item: Suggestion, action: str, text: str, commitment: Commitment) -> None:
    record_event(
        SuggestionEvent,
        item,
        actor=access.user,
        action=action,
        note=text,
        data={"commitment": commitment.pk, "round": commitment.reply_round},
    )


# -- the item page's panel -----------------------------------------------------------------------------


def panel(request, item: Suggestion) -> dict | None:
    """The item's commitments with their progress, and the forms the caller may use; None when it has none
    the caller may see (the item page is shown only to those who may see the item)."""
    access = request.access
    visible = _visible(access)
    if visible is None:
        return None
    rows = list(commitments_of(item).filter(pk__in=Commitment.objects.filter(visible).values("pk")))
    if not rows:
        return None
    with_permissions(access, rows)
    return {
        "template": "suggestions/_panel_commitments.html",
        "commitments": rows,
        "next": reverse("suggestions:detail", args=[item.pk]),
    }
