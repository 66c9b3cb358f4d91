"""Escalation (上报) of a public message to the congress one tier up, through the exchange: the sending side
and the transfers' answers. The receiving side, which runs in the other congress's schema, is deliveries.py.

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

from shared_apps.exchange.models import Transfer, TransferStatus
from shared_apps.exchange.outbox import transfer_answer, transfer_send
from tenant_apps.liaison.models import PublicMessage

KIND = "message_escalation"
RETURN_KIND = "message_return"
# The history's steps of a message that a delivery writes (workflow.DELIVERY).
RECEIVED = "received_escalation"
RETURNED_IN = "returned_from_above"


def escalate(access, message: PublicMessage, note: str):
    """Put the message in the outbox to the congress above `access.congress`; returns the Transfer. Runs inside
    the caller's transaction (the escalate action of workflow.TRANSITIONS). Raises ValidationError when the
    route is refused."""
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


def arrival_data(transfer) -> dict:
    """What the history keeps of an escalation's arrival: the transfer, where it came from, the earlier reply."""
    payload = transfer.payload
    return {
        "transfer": str(transfer.pk),
        "from": transfer.source_id,
        "from_name": payload.get("from_name", ""),
        "from_station": payload.get("from_station", ""),
        "deputy_name": payload.get("deputy_name", ""),
        "earlier_reply": payload.get("reply_text", ""),
    }
