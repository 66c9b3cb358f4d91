"""Escalation (上报) of a public message to the congress one tier up, through the exchange.

The sending side (escalate) writes the transfer in the escalating service's transaction, with everything the
upper congress needs to take the matter over: the text, the sender's name, the ENCRYPTED mobile number and the
keyed hashes (never the clear number: the ciphertext travels as it is stored), the tracking code and the
escalating deputy's note. The receiving side (deliver_escalation) runs in the upper congress's schema inside
the delivery transaction and creates the message there under the SAME tracking code, so the sender keeps
following it with one code. The lower congress's copy stays "escalated"; the tracker shows what follows.

The upper congress answers the transfer: taking the message up (the "accept" action, or any other handling
step) answers it "accepted"; the office may instead return it (the "return" action, with reasons), which
answers it "returned" and sends a second transfer DOWN (RETURN_KIND) that reopens the lower congress's copy.
Both ends show the transfer's status (sent, delivered, accepted, returned). A returned message may be
escalated again; the upper congress then takes its earlier copy (same code) up again.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.exchange.kinds import DOWN, UP, TransferKind, register_kind
from shared_apps.exchange.models import Transfer, TransferStatus
from shared_apps.exchange.outbox import transfer_answer, transfer_send
from tenant_apps.liaison import tracking
from tenant_apps.liaison.models import MessageEvent, MessagePhoto, MessageStatus, PublicMessage, Station, StationKind
from tenants.connection import current_schema, in_schema_of
from tenants.language import platform_text

KIND = "message_escalation"
RETURN_KIND = "message_return"
ONLINE_STATION = "online"
RETURNED_IN = "returned_from_above"


def escalate(access, message: PublicMessage, note: str):
    """Put the message in the outbox to the congress above `access.congress`; returns the Transfer. Runs inside
    the caller's transaction (handling.message_transition). Raises ValidationError when the route is refused."""
    congress = access.congress
    payload = {
        "tracking_code": message.tracking_code,
        "category": message.category,
        "text": message.text,
        "sender_name": message.sender_name,
        # SECURITY: the mobile travels encrypted, as stored; both congresses share the platform's keys.
        "sender_mobile_encrypted": message.sender_mobile_encrypted,
        "mobile_hash": message.mobile_hash,
        "mobile_last4": message.mobile_last4,
        "client_hash": message.client_hash,
        "text_hash": message.text_hash,
        "is_anonymous": message.is_anonymous,
        "sent_at": message.created_at.isoformat(),
        "note": note,
        "from_name": congress.name,
        "from_station": message.station.name if message.station is not None else "",
        "deputy_name": message.deputy.name if message.deputy is not None else "",
        "reply_text": message.reply_text,
        "photos": [{"file": p.file.name, "content_type": p.content_type, "size": p.size} for p in message.photos.all()],
    }
    # One transfer per escalation: a message returned from above and escalated again gets a second reference.
    earlier = message.events.filter(action="escalate").count()
    source_ref = f"message:{message.pk}" if earlier == 0 else f"message:{message.pk}/{earlier + 1}"
    return transfer_send(
        kind=KIND,
        source=congress,
        target=congress.parent,
        payload=payload,
        source_ref=source_ref,
        actor=access.user,
    )


def origin_transfer(message: PublicMessage) -> Transfer | None:
    """The transfer that brought an escalated message here (public table; None for the public's own messages)."""
    if message.origin_transfer_id is None:
        return None
    return Transfer.objects.select_related("source", "created_by").filter(pk=message.origin_transfer_id).first()


def origin_status(message: PublicMessage) -> str:
    """The status of the transfer that brought the message here ("" for the public's own messages)."""
    if message.origin_transfer_id is None:
        return ""
    return Transfer.objects.filter(pk=message.origin_transfer_id).values_list("status", flat=True).first() or ""


def accept_escalation(message: PublicMessage) -> bool:
    """Answer the transfer that brought the message here "accepted", if it still waits for an answer (in the
    caller's transaction, in this congress's schema). Returns whether it was answered now."""
    if message.origin_transfer_id is None:
        return False
    transfer = Transfer.objects.filter(pk=message.origin_transfer_id, status=TransferStatus.DELIVERED).first()
    if transfer is None:
        return False
    transfer_answer(transfer=transfer, status=TransferStatus.ACCEPTED)
    return True


def return_escalation(access, message: PublicMessage, note: str) -> Transfer:
    """Send an escalated message back to the congress it came from, with the reasons: answer its transfer
    "returned" and put the return in the outbox (DOWN), in the caller's transaction. Returns the new transfer.
    Raises ValidationError when the message did not come from below or was answered already."""
    transfer = origin_transfer(message)
    if transfer is None or transfer.source is None:
        raise ValidationError({"action": [_("只有下级人大上报的留言可以退回。")]})
    transfer_answer(transfer=transfer, status=TransferStatus.RETURNED, note=note)
    return transfer_send(
        kind=RETURN_KIND,
        source=access.congress,
        target=transfer.source,
        payload={"escalation": str(transfer.pk), "note": note, "from_name": access.congress.name},
        source_ref=f"return:{transfer.pk}",
        actor=access.user,
    )


def deliver_escalation(transfer) -> str:
    """The exchange's handler, in the upper congress's schema: create the message there (once per transfer),
    log and track its arrival, and tell the people who handle it. Returns "message:<pk>"."""
    from tenant_apps.liaison.handling import on_message_received

    congress = transfer.target
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    existing = PublicMessage.objects.filter(origin_transfer_id=transfer.pk).first()
    if existing is not None:
        return f"message:{existing.pk}"  # a replayed delivery adds nothing
    payload = transfer.payload
    earlier = PublicMessage.objects.select_for_update().filter(tracking_code=payload["tracking_code"]).first()
    message = _receive_again(earlier, transfer) if earlier is not None else _receive(congress, transfer)
    MessageEvent.objects.create(
        message=message,
        action="received_escalation",
        to_status=message.status,
        note=payload.get("note", ""),
        data={
            "transfer": str(transfer.pk),
            "from": transfer.source_id,
            "from_name": payload.get("from_name", ""),
            "from_station": payload.get("from_station", ""),
            "deputy_name": payload.get("deputy_name", ""),
            "earlier_reply": payload.get("reply_text", ""),
        },
    )
    tracking.track(
        congress,
        message,
        "escalated_in",
        platform_text(gettext_lazy("%(name)s已接收上报，正在办理。"), name=congress.name),
    )
    on_message_received(congress, message, escalated=True)
    return f"message:{message.pk}"


def _receive_again(message: PublicMessage, transfer) -> PublicMessage:
    """The matter was returned from here earlier and comes up again: take the same message up again (a code is
    one message per congress), fresh, as the lower congress now sends it."""
    if message.status != MessageStatus.RETURNED:
        raise ValueError(f"message {message.tracking_code} is already here and was not returned")
    message.status = MessageStatus.NEW
    message.origin_transfer_id = transfer.pk
    message.origin_congress_id = transfer.source_id
    message.forwarded_unit = None
    message.closed_at = None
    message.save(
        update_fields=["status", "origin_transfer_id", "origin_congress", "forwarded_unit", "closed_at", "updated_at"]
    )
    return message


def _receive(congress, transfer) -> PublicMessage:
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
    from tenant_apps.liaison.handling import on_message_returned

    congress = transfer.target
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    payload = transfer.payload
    message = PublicMessage.objects.select_for_update().filter(escalated_transfer_id=payload["escalation"]).first()
    if message is None:
        raise LookupError(f"no message here was escalated by transfer {payload['escalation']}")
    if MessageEvent.objects.filter(message=message, action=RETURNED_IN, data__transfer=str(transfer.pk)).exists():
        return f"message:{message.pk}"
    if message.status != MessageStatus.ESCALATED:
        raise ValueError(f"message {message.tracking_code} is {message.status}, not escalated")
    from_status = message.status
    message.status = MessageStatus.REPLIED if message.replied_at else MessageStatus.NEW
    message.save(update_fields=["status", "updated_at"])
    note = payload.get("note", "")
    MessageEvent.objects.create(
        message=message,
        action=RETURNED_IN,
        from_status=from_status,
        to_status=message.status,
        note=note,
        data={"transfer": str(transfer.pk), "from": transfer.source_id, "from_name": payload.get("from_name", "")},
    )
    public_note = platform_text(gettext_lazy("%(name)s已收回这条留言，重新办理。"), name=congress.name)
    tracking.track(congress, message, "returned_in", public_note)
    on_message_returned(congress, message, payload.get("from_name", ""))
    return f"message:{message.pk}"


def register_kinds() -> None:
    """Register the escalation and its return with the exchange (called from registration.register_module)."""
    register_kind(TransferKind(KIND, "群众留言上报", "Escalated public message", UP, deliver_escalation))
    register_kind(TransferKind(RETURN_KIND, "上报留言退回", "Escalated message returned", DOWN, deliver_return))
