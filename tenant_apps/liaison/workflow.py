"""The handling of a public message: who handles it, and ONE table of transitions (action → allowed source
statuses, targets, permission predicate, effect), read by the service that applies them
(handling.message_transition) and by the pages and the API that show which actions the caller has.

Who handles a message here: the deputy it names, the deputies on duty at its station and the station's staff,
and the office (office staff, congress administrators) for everything. Once forwarded, the staff of the
handling unit may answer it too. Held and discarded messages (submission.py) have no action in this table.

An effect validates its input before it changes anything, sets fields on the locked message (listing them in
`step.fields`), may schedule side effects in the same transaction, and returns the target status; the service
saves, writes the MessageEvent and the tracker's step.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.exchange.models import TransferStatus
from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Deputy, Seat, SeatStatus
from tenant_apps.liaison.exchange import origin_status, return_escalation
from tenant_apps.liaison.models import MessageStatus, PublicMessage, StationDeputy, StationStaff
from tenant_apps.units.models import HandlingUnit, UnitStaff
from tenants.fields import max_length
from tenants.language import platform_text

__all__ = ["TRANSITIONS", "Transition", "allowed_actions", "can_handle", "can_view", "event_label", "is_office"]

OFFICE_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})
REPLY_MAX = 5000
SUGGESTIONS_MODULE = "suggestions"


# -- who -----------------------------------------------------------------------------------------------


def deputy_id_of(user) -> int | None:
    """The registry deputy the account belongs to, if any (one query on the public table)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Deputy.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


def is_office(access: Access) -> bool:
    """The office of this congress (office staff, administrators): every message and every action."""
    return access.congress is not None and bool(access.roles & OFFICE_ROLES)


def is_message_deputy(access: Access, message: PublicMessage) -> bool:
    """A deputy here who is named by the message or on duty at its station."""
    if Role.DEPUTY not in access.roles:
        return False
    deputy_id = deputy_id_of(access.user)
    if deputy_id is None:
        return False
    if deputy_id == message.deputy_id:
        return True
    return message.station_id is not None and (
        StationDeputy.objects.filter(station_id=message.station_id, deputy_id=deputy_id).exists()
    )


def is_station_staff(access: Access, message: PublicMessage) -> bool:
    """A member of this congress (any role) whom the office made staff of the message's station."""
    if not access.is_member or message.station_id is None:
        return False
    return StationStaff.objects.filter(station_id=message.station_id, user_id=access.user.pk).exists()


def is_unit_staff(access: Access, message: PublicMessage) -> bool:
    """Staff of the handling unit the message was forwarded to."""
    if message.forwarded_unit_id is None or Role.HANDLING_UNIT_STAFF not in access.roles:
        return False
    return UnitStaff.objects.filter(unit_id=message.forwarded_unit_id, user_id=access.user.pk).exists()


def can_handle(access: Access, message: PublicMessage) -> bool:
    """Reply, forward, escalate, close: the office, the message's deputies, its station's staff."""
    return is_office(access) or is_message_deputy(access, message) or is_station_staff(access, message)


def can_view(access: Access, message: PublicMessage) -> bool:
    """See the message (and its photos): whoever handles it, and the staff of the unit it was forwarded to."""
    if message.status in (MessageStatus.HELD, MessageStatus.DISCARDED) and not is_office(access):
        return False
    return can_handle(access, message) or is_unit_staff(access, message)


def can_reply(access: Access, message: PublicMessage) -> bool:
    return can_handle(access, message) or is_unit_staff(access, message)


def can_view_mobile(access: Access, message: PublicMessage) -> bool:
    """The sender's full mobile number: the office, or the deputy the message names (the station's deputies when
    it names none). Each look is logged (handling.message_mobile_reveal)."""
    if is_office(access):
        return True
    if Role.DEPUTY not in access.roles:
        return False
    if message.deputy_id is not None:
        return deputy_id_of(access.user) == message.deputy_id
    return is_message_deputy(access, message)


def can_make_suggestion(access: Access, message: PublicMessage) -> bool:
    """Turn the message into a suggestion: one of its deputies, holding a serving seat here (as lead deputy)."""
    if not is_message_deputy(access, message):
        return False
    deputy_id = deputy_id_of(access.user)
    # No deputy: no seat (a seat always has one), as the query would answer.
    return (
        deputy_id is not None
        and Seat.objects.filter(deputy_id=deputy_id, congress=access.congress, status=SeatStatus.SERVING).exists()
    )


def _office(access: Access, message: PublicMessage) -> bool:
    return is_office(access)


# -- the step ------------------------------------------------------------------------------------------


@dataclass
class Step:
    """One transition being applied: the caller, the locked message, the action's input, what the effect did.
    `public_note` is what the sender reads for this step under the tracking code."""

    access: Access
    message: PublicMessage
    data: dict
    note: str = ""
    fields: list[str] = field(default_factory=list)
    event_data: dict = field(default_factory=dict)
    public_note: str = ""

    @cached_property
    def now(self) -> datetime.datetime:
        return timezone.now()

    def set(self, **values) -> None:
        for name, value in values.items():
            setattr(self.message, name, value)
            self.fields.append(name)


@dataclass(frozen=True)
class Transition:
    label: str | Promise  # gettext_lazy: the button, and the verb in messages
    sources: frozenset[str]
    # Where the action may lead; the effect picks one (only "reopen" has a choice; "approve_public" stays put).
    targets: tuple[str, ...]
    predicate: Callable[[Access, PublicMessage], bool]
    effect: Callable[[Step], str]
    note_required: bool = False
    # A condition beyond the status (the module is on, there is a tier above); None: always.
    applies: Callable[[Access, PublicMessage], bool] | None = None
    refusal: str | Promise = ""  # gettext_lazy: why `applies` refused
    # On a message escalated from below: whether this step takes it up (answers its transfer "accepted"), and
    # what to tell whoever escalated it (gettext_lazy with %(name)s, %(code)s; None: "accepted" if taken up now).
    takes_up: bool = True
    escalator_notice: str | Promise | None = None


def _text(step: Step, key: str, *, required: str = "", limit: int = REPLY_MAX) -> str:
    value = str(step.data.get(key) or "").strip()
    if required and not value:
        raise ValidationError({key: [required]})
    if len(value) > limit:
        raise ValidationError({key: [_("不能超过%(n)d个字。") % {"n": limit}]})
    return value


# -- effects -------------------------------------------------------------------------------------------


def _reply(step: Step) -> str:
    from tenant_apps.liaison.tasks import defer_reply_sms

    reply = _text(step, "reply_text", required=_("请填写给留言人的答复。"))
    proposed = _text(step, "public_reply_text")
    step.set(reply_text=reply, replied_at=step.now, replied_by=step.access.user)
    if proposed:
        # A new proposal waits for the office's approval again.
        step.set(public_reply_text=proposed, public_approved_at=None, public_approved_by=None)
    by_unit = step.message.status == MessageStatus.FORWARDED and is_unit_staff(step.access, step.message)
    step.event_data.update(by_unit=step.message.forwarded_unit_id if by_unit else None, public_proposed=bool(proposed))
    step.public_note = reply  # the private answer: the sender reads it under the code and the mobile's last digits
    defer_reply_sms(step.access.congress, step.message)
    return MessageStatus.REPLIED


def _approve_public(step: Step) -> str:
    message = step.message
    if not message.reply_text:
        raise ValidationError({"public_reply_text": [_("这条留言还没有答复，不能公开。")]})
    text = _text(step, "public_reply_text") or message.public_reply_text
    if not text:
        raise ValidationError({"public_reply_text": [_("请填写公开答复的文本。")]})
    step.set(public_reply_text=text, public_approved_at=step.now, public_approved_by=step.access.user)
    step.event_data["edited"] = text != message.public_reply_text
    step.public_note = platform_text(gettext_lazy("答复已公开。"))
    return message.status


def _forward(step: Step) -> str:
    from tenant_apps.liaison.handling import notify_unit_staff

    raw: Any = step.data.get("unit")  # the caller's value, of any type (None if missing): int() may refuse it
    try:
        unit_id = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"unit": [_("请选择承办单位。")]}) from None
    unit = HandlingUnit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise ValidationError({"unit": [_("承办单位不存在或已停用。")]})
    step.set(forwarded_unit=unit)
    step.event_data["unit"] = unit.pk
    step.public_note = platform_text(gettext_lazy("已转交%(unit)s办理。"), unit=unit.name)
    notify_unit_staff(step.access.congress, step.message, unit)
    return MessageStatus.FORWARDED


def _to_suggestion(step: Step) -> str:
    from tenant_apps.suggestions.models import Suggestion
    from tenant_apps.suggestions.services import suggestion_draft_create

    message = step.message
    title_max = max_length(Suggestion, "title")
    first_line = message.text.strip().splitlines()[0] if message.text.strip() else message.tracking_code
    title = _text(step, "title") or _("群众留言：%(text)s") % {"text": first_line}
    body = _("（由群众留言%(code)s转为建议）") % {"code": message.tracking_code} + "\n\n" + message.text
    item = suggestion_draft_create(access=step.access, data={"title": title[:title_max], "body": body})
    step.set(suggestion=item)
    step.event_data["suggestion"] = item.pk
    step.public_note = platform_text(gettext_lazy("代表已将留言转为建议。"))
    return MessageStatus.SUGGESTION


def _escalate(step: Step) -> str:
    from tenant_apps.liaison.exchange import escalate

    transfer = escalate(step.access, step.message, step.note)
    step.set(escalated_transfer_id=transfer.pk)
    step.event_data.update(transfer=str(transfer.pk), to=transfer.target_id)
    step.public_note = platform_text(gettext_lazy("已上报%(name)s。"), name=transfer.target.name)
    return MessageStatus.ESCALATED


def _accept(step: Step) -> str:
    # The transfer is answered "accepted" by message_transition, as for every step taken on an escalated message.
    congress = step.access.congress
    assert congress is not None  # message_transition runs an effect only in the caller's congress (_require_here)
    step.public_note = platform_text(gettext_lazy("%(name)s已受理。"), name=congress.name)
    return step.message.status


def _return(step: Step) -> str:
    congress = step.access.congress
    assert congress is not None  # message_transition runs an effect only in the caller's congress (_require_here)
    transfer = return_escalation(step.access, step.message, step.note)
    step.set(forwarded_unit=None)
    step.event_data.update(transfer=str(transfer.pk), to=transfer.target_id)
    step.public_note = platform_text(
        gettext_lazy("%(name)s将留言退回%(lower)s办理：%(note)s"),
        name=congress.name,
        lower=transfer.target.name,
        note=step.note,
    )
    return MessageStatus.RETURNED


def _close(step: Step) -> str:
    step.set(closed_at=step.now)
    step.public_note = step.note  # the closing explanation is the sender's to read
    return MessageStatus.CLOSED


def _reopen(step: Step) -> str:
    step.set(closed_at=None)
    step.public_note = platform_text(gettext_lazy("已重新办理。"))
    return MessageStatus.REPLIED if step.message.replied_at else MessageStatus.NEW


def _has_parent(access: Access, message: PublicMessage) -> bool:
    congress = access.congress
    return congress is not None and congress.tier != "province" and congress.parent_id is not None


def _awaits_acceptance(access: Access, message: PublicMessage) -> bool:
    return origin_status(message) == TransferStatus.DELIVERED


def _returnable(access: Access, message: PublicMessage) -> bool:
    return origin_status(message) in (TransferStatus.DELIVERED, TransferStatus.ACCEPTED)


def _suggestions_on(access: Access, message: PublicMessage) -> bool:
    return access.congress is not None and SUGGESTIONS_MODULE in access.congress.enabled_modules


# -- the table -----------------------------------------------------------------------------------------

S = MessageStatus
OPEN = frozenset({S.NEW, S.REPLIED})
TRANSITIONS: dict[str, Transition] = {
    # An escalated message: the upper congress takes it up (any other step does so too) or returns it.
    "accept": Transition(
        gettext_lazy("受理"),
        frozenset({S.NEW}),
        (S.NEW,),
        can_handle,
        _accept,
        applies=_awaits_acceptance,
        refusal=gettext_lazy("只有下级人大上报、尚未受理的留言需要受理"),
    ),
    "reply": Transition(gettext_lazy("答复"), frozenset({S.NEW, S.FORWARDED}), (S.REPLIED,), can_reply, _reply),
    # Not from "escalated": the matter is the upper congress's now, and its tracker must not move back here.
    "approve_public": Transition(
        gettext_lazy("公开答复"), frozenset({S.REPLIED, S.CLOSED}), (S.REPLIED, S.CLOSED), _office, _approve_public
    ),
    "forward": Transition(gettext_lazy("转交办"), OPEN, (S.FORWARDED,), can_handle, _forward),
    "to_suggestion": Transition(
        gettext_lazy("转为建议"),
        OPEN,
        (S.SUGGESTION,),
        can_make_suggestion,
        _to_suggestion,
        applies=_suggestions_on,
        refusal=gettext_lazy("本级人大没有启用议案建议模块"),
    ),
    "escalate": Transition(
        gettext_lazy("上报"),
        OPEN,
        (S.ESCALATED,),
        can_handle,
        _escalate,
        note_required=True,
        applies=_has_parent,
        refusal=gettext_lazy("省级人大没有上一级人大"),
    ),
    "return": Transition(
        gettext_lazy("退回下级"),
        frozenset({S.NEW, S.FORWARDED}),
        (S.RETURNED,),
        _office,
        _return,
        note_required=True,
        applies=_returnable,
        takes_up=False,
        refusal=gettext_lazy("只有下级人大上报的留言可以退回"),
    ),
    "close": Transition(
        gettext_lazy("办结"),
        frozenset({S.NEW, S.REPLIED, S.FORWARDED, S.SUGGESTION}),
        (S.CLOSED,),
        can_handle,
        _close,
        note_required=True,
        escalator_notice=gettext_lazy("%(name)s已办结您上报的群众留言（%(code)s）"),
    ),
    "reopen": Transition(
        gettext_lazy("重新办理"), frozenset({S.CLOSED}), (S.NEW, S.REPLIED), _office, _reopen, note_required=True
    ),
}


# The history's steps that are not actions of the table.
EVENT_LABELS = {
    "submit": gettext_lazy("收到留言"),
    "release": gettext_lazy("审核通过"),
    "discard": gettext_lazy("不予受理"),
    "received_escalation": gettext_lazy("收到下级上报"),
    "returned_from_above": gettext_lazy("上级人大退回"),
    "mobile_viewed": gettext_lazy("查看手机号码"),
    "rate": gettext_lazy("留言人评价"),
}


def event_label(action: str) -> str:
    """The label of a history step (an action of the table or one of EVENT_LABELS); the code if unknown."""
    transition = TRANSITIONS.get(action)
    return str(transition.label if transition else EVENT_LABELS.get(action, action))


def allowed_actions(access: Access, message: PublicMessage) -> list[str]:
    """The actions the caller may take on the message now, in table order (the buttons a page shows)."""
    return [
        action
        for action, t in TRANSITIONS.items()
        if message.status in t.sources
        and (t.applies is None or t.applies(access, message))
        and t.predicate(access, message)
    ]
