"""The receiving side of escalation (exchange.py sends): the exchange's handlers for an escalated message and for
its return, each run by the worker in the RECEIVING congress's schema inside the delivery transaction.

An escalation creates the message in the upper congress under the SAME tracking code, so the sender keeps
following it with one code; a matter returned from there earlier and escalated again takes the same message up
afresh. A return reopens the lower congress's copy. Both log the step, move the sender's tracker and tell the
people who handle the message. A replayed delivery changes nothing. Status changes go through the workflow's
DELIVERY table (the system's steps), like every other change of a message's status.
"""

from django.utils.translation import gettext_lazy

from shared_apps.exchange.kinds import DOWN, UP, TransferKind, register_kind
from shared_apps.memberships.permissions import Access
from tenant_apps.liaison import notices, tracking
from tenant_apps.liaison.exchange import KIND, RECEIVED, RETURN_KIND, RETURNED_IN, arrival_data
from tenant_apps.liaison.models import MessageEvent, MessagePhoto, MessageStatus, PublicMessage, Station, StationKind
from tenant_apps.liaison.workflow import DELIVERY
from tenants.connection import current_schema, in_schema_of
from tenants.language import platform_text
from tenants.workflow import apply_transition
from tenants.workflow.history import record_event

ONLINE_STATION = "online"


def _system(congress) -> Access:
    """The delivery acts for no account, in the receiving congress."""
    return Access(user=None, congress=congress)


def deliver_escalation(transfer) -> str:
    """The exchange's handler, in the upper congress's schema: create the message there (once per transfer),
    log and track its arrival, and tell the people who handle it. Returns "message:<pk>"."""
    congress = transfer.target
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    existing = PublicMessage.objects.filter(origin_transfer_id=transfer.pk).first()
    if existing is not None:
        return f"message:{existing.pk}"  # a replayed delivery adds nothing
    payload = transfer.payload
    earlier = PublicMessage.objects.select_for_update().filter(tracking_code=payload["tracking_code"]).first()
    if earlier is not None:
        # The matter was returned from here earlier and comes up again: a code is one message per congress.
        data = {"transfer": transfer, "note": payload.get("note", "")}
        message = apply_transition(DELIVERY, access=_system(congress), obj=earlier, action=RECEIVED, data=data)
    else:
        message = _receive(transfer)
        record_event(
            MessageEvent,
            message,
            actor=None,
            action=RECEIVED,
            from_status="",
            note=payload.get("note", ""),
            data=arrival_data(transfer),
        )
    tracking.track(
        congress,
        message,
        "escalated_in",
        platform_text(gettext_lazy("%(name)s已接收上报，正在办理。"), name=congress.name),
    )
    if earlier is None:
        notices.on_message_received(congress, message, escalated=True)
    else:
        notices.refresh_after_arrival(congress, message)  # the RECEIVED step's Notify told handlers and the office
    return f"message:{message.pk}"


def _receive(transfer) -> PublicMessage:
    payload = transfer.payload
    message = PublicMessage.objects.create(
        tracking_code=payload["tracking_code"],
        station=Station.objects.filter(code=ONLINE_STATION, kind=StationKind.ONLINE).first(),
        category=payload.get("category", ""),
        text=payload.get("text", ""),
        sender_name=payload.get("sender_name", ""),
        sender_mobile_encrypted=payload.get("sender_mobile_encrypted", ""),
        mobile_hash=payload.get("mobile_hash", ""),
        mobile_last4=payload.get("mobile_last4", ""),
        is_anonymous=bool(payload.get("is_anonymous", True)),
        client_hash=payload.get("client_hash", ""),
        text_hash=payload.get("text_hash", ""),
        status=MessageStatus.NEW,
        origin_transfer_id=transfer.pk,
        origin_congress_id=transfer.source_id,
    )
    MessagePhoto.objects.bulk_create(
        [
            MessagePhoto(message=message, file=p["file"], content_type=p.get("content_type", ""), size=p.get("size", 0))
            for p in payload.get("photos", [])
        ]
    )
    return message


def deliver_return(transfer) -> str:
    """The exchange's handler for a return, in the LOWER congress's schema: reopen the escalated copy (new, or
    replied if it was answered here before), log the upper congress's reasons, track the step, and tell the
    people who handle it and the office. Returns "message:<pk>"; a replayed delivery changes nothing."""
    congress = transfer.target
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    payload = transfer.payload
    message = PublicMessage.objects.select_for_update().filter(escalated_transfer_id=payload["escalation"]).first()
    if message is None:
        raise LookupError(f"no message here was escalated by transfer {payload['escalation']}")
    if MessageEvent.objects.filter(message=message, action=RETURNED_IN, data__transfer=str(transfer.pk)).exists():
        return f"message:{message.pk}"
    data = {"transfer": transfer, "note": payload.get("note", "")}
    message = apply_transition(DELIVERY, access=_system(congress), obj=message, action=RETURNED_IN, data=data)
    public_note = platform_text(gettext_lazy("%(name)s已收回这条留言，重新办理。"), name=congress.name)
    tracking.track(congress, message, "returned_in", public_note)
    notices.refresh_after_arrival(congress, message)  # the step's Notify told the handlers and the office
    return f"message:{message.pk}"


def register_kinds() -> None:
    """Register the escalation and its return with the exchange (called from registration.register_module)."""
    register_kind(TransferKind(KIND, "群众留言上报", "Escalated public message", UP, deliver_escalation))
    register_kind(TransferKind(RETURN_KIND, "上报留言退回", "Escalated message returned", DOWN, deliver_return))
