"""Reads of motions and suggestions with visibility applied: callers never filter by role themselves.

The office sees every item except other people's drafts; deputies see the items they lead, co-sign or
drafted; handling-unit staff see the items assigned to their units; delegation staff the items they drafted.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access
from tenant_apps.suggestions import permissions as perms
from tenant_apps.suggestions.models import (
    Contact,
    ContactKind,
    Evaluation,
    Extension,
    JointOpinion,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenant_apps.suggestions.workflow import SUGGESTIONS
from tenant_apps.units.models import UnitStaff


def _visible(access: Access) -> Q | None:
    """The condition on items the caller may see (None: none at all)."""
    if not perms.can_view_suggestions(access) or access.user is None:
        return None
    mine = Q(created_by_id=access.user.pk)
    seen = mine
    if perms.is_office(access):
        seen |= ~Q(status=Status.DRAFT)
    if Role.DEPUTY in access.roles:
        deputy_id = perms.deputy_id_of(access.user)
        if deputy_id is not None:
            seen |= Q(lead_deputy_id=deputy_id) | Q(cosigners__deputy_id=deputy_id)
    if Role.HANDLING_UNIT_STAFF in access.roles:
        units = UnitStaff.objects.filter(user_id=access.user.pk).values("unit_id")
        seen |= Q(assignments__unit_id__in=units)
    if perms.is_state_organ(access):
        seen |= Q(assignments__isnull=False)  # every assigned item: their departments' handling, read only
    # Members of a special committee (any role here) follow the key suggestions given to their committee.
    seen |= Q(is_key=True, key_committee__members__user_id=access.user.pk)
    return seen


def suggestion_list(access: Access, *, status: str = "") -> QuerySet[Suggestion]:
    """The items the caller may see, newest first, optionally of one status."""
    condition = _visible(access)
    if condition is None:
        return Suggestion.objects.none()
    ids = Suggestion.objects.filter(condition).values("pk")
    items = Suggestion.objects.filter(pk__in=ids).select_related("lead_deputy")
    if status in Status.values:
        items = items.filter(status=status)
    return items


def suggestion_get_for_user(access: Access, pk) -> Suggestion | None:
    """One item if the caller may see it; None both when it is missing and when it is not theirs to see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return suggestion_list(access).filter(pk=pk).first()


def event_list(suggestion: Suggestion) -> list[SuggestionEvent]:
    """The item's history, oldest first, each event with `action_label` and the statuses' labels (the API)."""
    statuses = dict(Status.choices)
    events = list(SuggestionEvent.objects.filter(suggestion=suggestion).select_related("actor"))
    for event in events:
        event.action_label = SUGGESTIONS.label(event.action)
        event.from_label = statuses.get(event.from_status, event.from_status)
        event.to_label = statuses.get(event.to_status, event.to_status)
    return events


def meeting_held(suggestion: Suggestion) -> bool:
    """Whether a unit has logged a face-to-face meeting (面商) with the deputies on the item."""
    return Contact.objects.filter(suggestion=suggestion, kind=ContactKind.MEETING).exists()


def handling_warnings(suggestion: Suggestion) -> list[str]:
    """What the office and the lead unit should notice, without anything being refused: a reply due or given
    without the meeting RULES.md asks for before replying."""
    handled = {Status.ASSIGNED, Status.REHANDLING, Status.REPLIED, Status.CLOSED}
    if suggestion.status in handled and not meeting_held(suggestion):
        return [str(_("尚未记录与代表面商：答复前应当与领衔代表面商。"))]
    return []


def handling_get_for_user(access: Access, suggestion: Suggestion) -> dict | None:
    """Contacts, joint opinions and the extension of a visible item, for the office, the item's deputies and the
    assigned units' staff; None for anyone else (delegation staff who drafted the item, for one)."""
    if not perms.can_view_handling(access, suggestion):
        return None
    return {
        "contacts": list(Contact.objects.filter(suggestion=suggestion).select_related("unit")),
        "joint_opinions": list(JointOpinion.objects.filter(suggestion=suggestion).select_related("unit")),
        "extension": Extension.objects.filter(suggestion=suggestion).first(),
    }


@dataclass
class ReplyRound:
    """One reply and what the deputies said of it: the page's "答复与评价"."""

    round: int
    replied_at: Any
    result_category: str
    text: str
    meeting_held: bool | None
    reply_letter: bool | None
    evaluations: list = field(default_factory=list)


def reply_rounds(access: Access, suggestion: Suggestion, levels: dict[str, str]) -> list[ReplyRound]:
    """Every reply of a visible item, oldest first, each with its evaluations (reason included), for those who
    see its handling (the office, its deputies, the assigned units); none for anyone else. `levels` names the
    congress's evaluation codes. A reply recorded before replies kept their text shows the item's latest text."""
    if not perms.can_view_handling(access, suggestion):
        return []
    events = SuggestionEvent.objects.filter(suggestion=suggestion, action="reply").order_by("created_at", "id")
    rounds = [
        ReplyRound(
            round=event.data.get("round") or n,
            replied_at=event.created_at,
            result_category=event.data.get("result_category", ""),
            text=event.data.get("text") or (suggestion.reply_public_text if n == suggestion.reply_round else ""),
            meeting_held=event.data.get("meeting_held"),
            reply_letter=event.data.get("reply_letter"),
        )
        for n, event in enumerate(events, start=1)
    ]
    by_round = {r.round: r for r in rounds}
    for evaluation in Evaluation.objects.filter(suggestion=suggestion).select_related("deputy"):
        evaluation.attitude_label = levels.get(evaluation.attitude, evaluation.attitude)
        evaluation.result_label = levels.get(evaluation.result, evaluation.result)
        if evaluation.round in by_round:
            by_round[evaluation.round].evaluations.append(evaluation)
    return rounds
