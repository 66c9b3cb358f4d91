"""The handling of a public message: ONE table of transitions (MESSAGES), run by the platform's workflow core
(tenants.workflow.apply_transition, called by services.message_transition) and read by the pages and the API
that show which actions the caller has.

Who may take which action is decided by the pure predicates of permissions.py over the caller's Handler, read
once per call. An effect validates its input before it changes anything, sets fields on the locked message
through `step.set`, may schedule side effects in the same transaction, and returns the target status. After
every step the core runs the named hooks below, one by one: the upper congress takes up an escalated message,
whoever escalated it is told, the sender's tracker moves, the workspace counts and the figures are refreshed.
Held and discarded messages (services/submission.py) have no action in this table.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.exchange.models import TransferStatus
from shared_apps.memberships.permissions import Access
from tenant_apps.liaison import duties, notices, tracking
from tenant_apps.liaison.exchange import (
    RECEIVED,
    RETURNED_IN,
    accept_escalation,
    arrival_data,
    escalate,
    origin_status,
    origin_transfer,
    return_escalation,
)
from tenant_apps.liaison.figures import refresh_public_figures
from tenant_apps.liaison.models import MessageEvent, MessageStatus, PublicMessage
from tenant_apps.liaison.permissions import (
    Handler,
    can_handle,
    can_make_suggestion,
    can_reply,
    can_review_held,
    handler_for,
    is_office_of,
    is_unit_staff,
    suggestions_on,
)
from tenant_apps.liaison.readmodels import refresh_counts
from tenant_apps.liaison.selectors import handler_user_ids
from tenant_apps.liaison.tasks import defer_reply_sms
from tenant_apps.suggestions.models import Suggestion
from tenant_apps.suggestions.services import suggestion_draft_create
from tenant_apps.units.models import HandlingUnit
from tenants.fields import max_length
from tenants.language import platform_text
from tenants.workflow import NO_ONE, Notify, Refusals, Step, Transition, Workflow
from tenants.workflow import allowed_actions as allowed_on

__all__ = ["MESSAGES", "TRANSITIONS", "allowed_actions", "event_label", "event_list"]

REPLY_MAX = 5000
ACCEPTED_NOTICE = gettext_lazy("%(name)s已受理您上报的群众留言（%(code)s）")


def in_app(recipients, kind, title, body=None) -> Notify:
    """A message's notices are in-app at once; SMS and e-mail reach handlers in the daily digest (digest.py),
    which names every waiting message, so no notice of this module goes out by SMS on its own."""
    return Notify(recipients, kind, title, body, immediate=False)


class MessageStep(Step):
    """A step of the message workflow. `public_note` is what the sender reads for this step under the
    tracking code (empty: the step shows by its status only)."""

    public_note: str = ""

    @property
    def message(self) -> PublicMessage:
        return self.obj


@dataclass(frozen=True)
class MessageTransition(Transition):
    # On a message escalated from below: whether this step takes it up (answers its transfer "accepted"), and
    # what to tell whoever escalated it (gettext_lazy with %(name)s, %(code)s; None: "accepted" if taken up now).
    takes_up: bool = True
    escalator_notice: str | Promise | None = None


def _text(step: MessageStep, key: str, *, required: str = "", limit: int = REPLY_MAX) -> str:
    value = str(step.data.get(key) or "").strip()
    if required and not value:
        raise ValidationError({key: [required]})
    if len(value) > limit:
        raise ValidationError({key: [_("不能超过%(n)d个字。") % {"n": limit}]})
    return value


# -- effects -------------------------------------------------------------------------------------------


def _reply(step: MessageStep) -> str:
    reply = _text(step, "reply_text", required=_("请填写给留言人的答复。"))
    proposed = _text(step, "public_reply_text")
    step.set(reply_text=reply, replied_at=step.now, replied_by=step.access.user)
    if proposed:
        # A new proposal waits for the office's approval again.
        step.set(public_reply_text=proposed, public_approved_at=None, public_approved_by=None)
    by_unit = step.message.status == MessageStatus.FORWARDED and is_unit_staff(step.who, step.message)
    step.event_data.update(by_unit=step.message.forwarded_unit_id if by_unit else None, public_proposed=bool(proposed))
    step.public_note = reply  # the private answer: the sender reads it under the code and the mobile's last digits
    defer_reply_sms(step.access.congress, step.message)
    return MessageStatus.REPLIED


def _approve_public(step: MessageStep) -> str:
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


def _forward(step: MessageStep) -> str:
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
    return MessageStatus.FORWARDED


def _to_suggestion(step: MessageStep) -> str:
    message = step.message
    title_max = max_length(Suggestion, "title")
    first_line = message.text.strip().splitlines()[0] if message.text.strip() else message.tracking_code
    title = _text(step, "title") or _("群众留言：%(text)s") % {"text": first_line}
    body = _("（由群众留言%(code)s转为建议）") % {"code": message.tracking_code} + "\n\n" + message.text
    item = suggestion_draft_create(access=step.who, data={"title": title[:title_max], "body": body})
    step.set(suggestion=item)
    step.event_data["suggestion"] = item.pk
    step.public_note = platform_text(gettext_lazy("代表已将留言转为建议。"))
    return MessageStatus.SUGGESTION


def _escalate(step: MessageStep) -> str:
    transfer = escalate(step.access, step.message, step.note)
    step.set(escalated_transfer_id=transfer.pk)
    step.event_data.update(transfer=str(transfer.pk), to=transfer.target_id)
    step.public_note = platform_text(gettext_lazy("已上报%(name)s。"), name=transfer.target.name)
    return MessageStatus.ESCALATED


def _accept(step: MessageStep) -> str:
    # The transfer is answered "accepted" by the take_up hook, as for every step taken on an escalated message.
    congress = step.access.congress
    assert congress is not None  # the core runs an effect only in the caller's own congress (require_here)
    step.public_note = platform_text(gettext_lazy("%(name)s已受理。"), name=congress.name)
    return step.message.status


def _return(step: MessageStep) -> str:
    congress = step.access.congress
    assert congress is not None  # the core runs an effect only in the caller's own congress (require_here)
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


def _close(step: MessageStep) -> str:
    step.set(closed_at=step.now)
    step.public_note = step.note  # the closing explanation is the sender's to read
    return MessageStatus.CLOSED


def _reopen(step: MessageStep) -> str:
    step.set(closed_at=None)
    step.public_note = platform_text(gettext_lazy("已重新办理。"))
    return MessageStatus.REPLIED if step.message.replied_at else MessageStatus.NEW


def _has_parent(handler: Handler, message: PublicMessage) -> bool:
    congress = handler.congress
    return congress is not None and congress.tier != "province" and congress.parent_id is not None


def _awaits_acceptance(handler: Handler, message: PublicMessage) -> bool:
    return origin_status(message) == TransferStatus.DELIVERED


def _returnable(handler: Handler, message: PublicMessage) -> bool:
    return origin_status(message) in (TransferStatus.DELIVERED, TransferStatus.ACCEPTED)


# -- what follows every step (the workflow's hooks, run in this order in the step's transaction) ---------------


def take_up(step: MessageStep) -> None:
    """A step the upper congress takes on a message escalated from below answers its transfer "accepted"
    (unless the action says it does not take it up: a return)."""
    transition = step.transition
    assert isinstance(transition, MessageTransition)
    if transition.takes_up and accept_escalation(step.message):
        step.event_data["accepted"] = str(step.message.origin_transfer_id)


def tell_escalator(step: MessageStep) -> None:
    """Tell whoever escalated the message from below that this congress accepted it now, or what the action
    says they are told (its close)."""
    transition = step.transition
    assert isinstance(transition, MessageTransition)
    notice = transition.escalator_notice or (ACCEPTED_NOTICE if "accepted" in step.event_data else None)
    if notice is not None and step.message.origin_transfer_id is not None:
        notices.tell_escalator(step.access.congress, step.message, origin_transfer(step.message), notice)


def track(step: MessageStep) -> None:
    """Add the step to the sender's tracker (public schema), with what the sender reads of it."""
    tracking.track(step.access.congress, step.message, step.action, step.public_note)


def refresh_waiting_counts(step: MessageStep) -> None:
    """Refresh the waiting counts of the message's handlers and of the office. Handlers are only ever added (a
    forward adds the unit's staff), so the set after the change covers everyone whose count moved."""
    refresh_counts(step.access.congress, handler_user_ids(step.message))


def refresh_figures(step: MessageStep) -> None:
    """Refresh the congress's public figures for the year the message arrived in."""
    refresh_public_figures(step.access.congress, step.message)


# -- the table -----------------------------------------------------------------------------------------

S = MessageStatus
OPEN = frozenset({S.NEW, S.REPLIED})
TRANSITIONS: dict[str, MessageTransition] = {
    # An escalated message: the upper congress takes it up (any other step does so too) or returns it.
    "accept": MessageTransition(
        gettext_lazy("受理"),
        frozenset({S.NEW}),
        (S.NEW,),
        can_handle,
        _accept,
        applies=_awaits_acceptance,
        refusal=gettext_lazy("只有下级人大上报、尚未受理的留言需要受理"),
        notify=NO_ONE,  # whoever escalated it is told by the tell_escalator hook, in their own congress
    ),
    # The sender is told by SMS (the effect queues it); the office, when a public text awaits its approval.
    "reply": MessageTransition(
        gettext_lazy("答复"),
        frozenset({S.NEW, S.FORWARDED}),
        (S.REPLIED,),
        can_reply,
        _reply,
        notify=in_app(
            notices.office_if_public_text_proposed, "liaison_public_reply", gettext_lazy("待审核的公开答复（%(code)s）")
        ),
    ),
    # Not from "escalated": the matter is the upper congress's now, and its tracker must not move back here.
    "approve_public": MessageTransition(
        gettext_lazy("公开答复"),
        frozenset({S.REPLIED, S.CLOSED}),
        (S.REPLIED, S.CLOSED),
        is_office_of,
        _approve_public,
        notify=in_app(notices.replier, "liaison_reply_public", gettext_lazy("您的答复已在互动之窗公开（%(code)s）")),
    ),
    "forward": MessageTransition(
        gettext_lazy("转交办"),
        OPEN,
        (S.FORWARDED,),
        can_handle,
        _forward,
        notify=in_app(notices.forwarded_unit_staff, "liaison_forwarded", gettext_lazy("转交办的群众留言（%(code)s）")),
    ),
    "to_suggestion": MessageTransition(
        gettext_lazy("转为建议"),
        OPEN,
        (S.SUGGESTION,),
        can_make_suggestion,
        _to_suggestion,
        applies=suggestions_on,
        refusal=gettext_lazy("本级人大没有启用议案建议模块"),
        notify=NO_ONE,  # the draft is the deputy's own; the office hears of it when it is submitted
    ),
    "escalate": MessageTransition(
        gettext_lazy("上报"),
        OPEN,
        (S.ESCALATED,),
        can_handle,
        _escalate,
        note_required=True,
        applies=_has_parent,
        refusal=gettext_lazy("省级人大没有上一级人大"),
        notify=NO_ONE,  # the congress above is told when the exchange delivers it (DELIVERY, deliveries.py)
    ),
    "return": MessageTransition(
        gettext_lazy("退回下级"),
        frozenset({S.NEW, S.FORWARDED}),
        (S.RETURNED,),
        is_office_of,
        _return,
        note_required=True,
        applies=_returnable,
        takes_up=False,
        refusal=gettext_lazy("只有下级人大上报的留言可以退回"),
        notify=NO_ONE,  # the congress below is told when the exchange delivers the return
    ),
    "close": MessageTransition(
        gettext_lazy("办结"),
        frozenset({S.NEW, S.REPLIED, S.FORWARDED, S.SUGGESTION}),
        (S.CLOSED,),
        can_handle,
        _close,
        note_required=True,
        escalator_notice=gettext_lazy("%(name)s已办结您上报的群众留言（%(code)s）"),
        notify=in_app(notices.handlers, "liaison_closed", gettext_lazy("群众留言已办结（%(code)s）")),
    ),
    "reopen": MessageTransition(
        gettext_lazy("重新办理"),
        frozenset({S.CLOSED}),
        (S.NEW, S.REPLIED),
        is_office_of,
        _reopen,
        note_required=True,
        notify=in_app(notices.handlers, "liaison_reopened", gettext_lazy("群众留言需要重新办理（%(code)s）")),
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
    "erase_personal": gettext_lazy("到期删除留言人手机号码和照片"),
}


def _handler_of(access, message: PublicMessage) -> Handler:
    return handler_for(access)


# What the three tables of a message (handling, review, delivery) share.
ON_A_MESSAGE: dict = {
    "model": PublicMessage,
    "event_model": MessageEvent,
    "step_class": MessageStep,
    "relation": _handler_of,
    "deliver": notices.deliver,
    "event_fields": lambda step: {"public_note": step.public_note},
    "event_labels": EVENT_LABELS,
}

MESSAGES = Workflow(
    name="liaison.messages",
    transitions=TRANSITIONS,
    refusals=Refusals(
        elsewhere=gettext_lazy("只能在本级人大的平台上办理群众留言。"),
        wrong_status=gettext_lazy("“%(status)s”的留言不能%(action)s。"),
        forbidden=gettext_lazy("您无权%(action)s这条留言。"),
        not_applicable=gettext_lazy("这条留言不能%(action)s。"),
        not_applicable_because=gettext_lazy("这条留言不能%(action)s：%(reason)s。"),
    ),
    hooks=(take_up, tell_escalator, track, refresh_waiting_counts, refresh_figures, duties.on_step),
    **ON_A_MESSAGE,
)


# -- the review of held messages (a second, small table) ---------------------------------------------------
# A message held back by the abuse controls (services/submission.py) is released or discarded by the office or
# its station's staff before anyone else sees it.

REASON_MAX = max_length(PublicMessage, "held_reason")


def _release(step: MessageStep) -> str:
    step.event_data["held_reason"] = step.message.held_reason
    step.public_note = platform_text(gettext_lazy("审核通过，留言已转交办理。"))
    return MessageStatus.NEW


def _discard(step: MessageStep) -> str:
    reason = str(step.data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不予受理的原因，留言人会看到。")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("原因不能超过%(n)d个字。") % {"n": REASON_MAX}]})
    step.note = reason  # the history keeps the reason as the step's note; the sender reads it under the code
    step.event_data["held_reason"] = step.message.held_reason
    step.public_note = platform_text(gettext_lazy("不予受理：%(reason)s"), reason=reason)
    return MessageStatus.DISCARDED


def refresh_after_release(step: MessageStep) -> None:
    """A released message reaches its handlers now (they are told by the release's Notify): their counts and
    the figures move."""
    if step.message.status == MessageStatus.NEW:
        notices.refresh_after_arrival(step.access.congress, step.message)


REVIEW_TRANSITIONS: dict[str, MessageTransition] = {
    "release": MessageTransition(
        gettext_lazy("审核通过"),
        frozenset({S.HELD}),
        (S.NEW,),
        can_review_held,
        _release,
        takes_up=False,
        notify=in_app(notices.handlers, "liaison_message", notices.NEW_MESSAGE),
    ),
    "discard": MessageTransition(
        gettext_lazy("不予受理"),
        frozenset({S.HELD}),
        (S.DISCARDED,),
        can_review_held,
        _discard,
        takes_up=False,
        notify=NO_ONE,  # the sender reads the reason under the tracking code; no handler ever saw it
    ),
}

REVIEW = Workflow(
    name="liaison.review",
    transitions=REVIEW_TRANSITIONS,
    refusals=Refusals(
        elsewhere=gettext_lazy("只能在本级人大的平台上审核留言。"),
        wrong_status=gettext_lazy("这条留言不在待审核状态（现在：%(status)s）。"),
        forbidden=gettext_lazy("只有人大办公室和该联络站的工作人员可以审核暂缓处理的留言。"),
        not_applicable=gettext_lazy("这条留言不能%(action)s。"),
    ),
    hooks=(track, refresh_after_release),
    **ON_A_MESSAGE,
)


# -- what the exchange delivers (a third table, of the system's steps) -------------------------------------
# The exchange's delivery handlers (exchange.py) act for no one: the transfer from the other congress is their
# authority. They change a message's status only through these transitions.


def is_delivery(handler: Handler, message: PublicMessage) -> bool:
    """The exchange's worker delivering a transfer (no account acts)."""
    return handler.user is None


def _returned_from_above(step: MessageStep) -> str:
    transfer = step.data["transfer"]
    step.event_data.update(
        {"transfer": str(transfer.pk), "from": transfer.source_id, "from_name": transfer.payload.get("from_name", "")}
    )
    return MessageStatus.REPLIED if step.message.replied_at else MessageStatus.NEW


def _received_again(step: MessageStep) -> str:
    transfer = step.data["transfer"]
    # Taken up afresh, as the lower congress now sends it: no earlier forwarding or closing here still holds.
    step.set(origin_transfer_id=transfer.pk, origin_congress_id=transfer.source_id, forwarded_unit=None, closed_at=None)
    step.event_data.update(arrival_data(transfer))
    return MessageStatus.NEW


DELIVERY_TRANSITIONS: dict[str, MessageTransition] = {
    RETURNED_IN: MessageTransition(
        EVENT_LABELS[RETURNED_IN],
        frozenset({S.ESCALATED}),
        (S.NEW, S.REPLIED),
        is_delivery,
        _returned_from_above,
        notify=in_app(notices.handlers_and_office, "liaison_returned", notices.RETURNED_FROM_ABOVE),
    ),
    # A matter returned from here earlier comes up again under its code: the same message is taken up afresh.
    RECEIVED: MessageTransition(
        EVENT_LABELS[RECEIVED],
        frozenset({S.RETURNED}),
        (S.NEW,),
        is_delivery,
        _received_again,
        notify=in_app(notices.handlers_and_office, "liaison_escalation", notices.ESCALATED_IN),
    ),
}

DELIVERY = Workflow(
    name="liaison.delivery",
    transitions=DELIVERY_TRANSITIONS,
    refusals=Refusals(
        elsewhere="delivery outside the receiving congress's schema",
        wrong_status="the message here is %(status)s: the delivery step %(action)s does not apply to it",
        forbidden="%(action)s is the exchange's delivery, not an account's",
        not_applicable="%(action)s does not apply",
    ),
    **ON_A_MESSAGE,
)


def event_label(action: str) -> str:
    """The label of a history step (an action of the table or one of EVENT_LABELS); the code if unknown."""
    return MESSAGES.label(action)


def event_list(message: PublicMessage) -> list[MessageEvent]:
    """The message's history, oldest first, each step with its labels (`action_label`, `from_label`,
    `to_label`), for the page and the API."""
    events = list(message.events.select_related("actor").order_by("created_at", "id"))
    labels = dict(MessageStatus.choices)
    for event in events:
        event.action_label = event_label(event.action)
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return events


def allowed_actions(access: Access, message: PublicMessage) -> list[str]:
    """The actions the caller may take on the message now, in table order (the buttons a page shows)."""
    return allowed_on(MESSAGES, access, message)
