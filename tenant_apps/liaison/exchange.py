"""Escalation (上报) of a public message to the congress one tier up, through the exchange.

The sending side (escalate) writes the transfer in the escalating service's transaction, with everything the
upper congress needs to take the matter over: the text, the sender's name, the ENCRYPTED mobile number and the
keyed hashes (never the clear number: the ciphertext travels as it is stored), the tracking code and the
escalating deputy's note. The receiving side (deliver_escalation) runs in the upper congress's schema inside
the delivery transaction and creates the message there under the SAME tracking code, so the sender keeps
following it with one code. The lower congress's copy stays "escalated"; the tracker shows what follows.
"""

from django.db import connection
from django.utils.translation import gettext as _

from shared_apps.exchange.kinds import UP, TransferKind, register_kind
from shared_apps.exchange.outbox import transfer_send
from tenant_apps.liaison import tracking
from tenant_apps.liaison.models import MessageEvent, MessagePhoto, MessageStatus, PublicMessage, Station, StationKind

KIND = "message_escalation"
ONLINE_STATION = "online"


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
        "from_station": message.station.name if message.station_id else "",
        "deputy_name": message.deputy.name if message.deputy_id else "",
        "reply_text": message.reply_text,
        "photos": [{"file": p.file.name, "content_type": p.content_type, "size": p.size} for p in message.photos.all()],
    }
    return transfer_send(
        kind=KIND,
        source=congress,
        target=congress.parent,
        payload=payload,
        source_ref=f"message:{message.pk}",
        actor=access.user,
    )


def deliver_escalation(transfer) -> str:
    """The exchange's handler, in the upper congress's schema: create the message there (once per transfer),
    log and track its arrival, and tell the people who handle it. Returns "message:<pk>"."""
    from tenant_apps.liaison.handling import on_message_received

    congress = transfer.target
    assert connection.schema_name == congress.schema_name
    existing = PublicMessage.objects.filter(origin_transfer_id=transfer.pk).first()
    if existing is not None:
        return f"message:{existing.pk}"  # a replayed delivery adds nothing
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
    tracking.track(congress, message, "escalated_in", _("%(name)s已接收上报，正在办理。") % {"name": congress.name})
    on_message_received(congress, message, escalated=True)
    return f"message:{message.pk}"


def register_kinds() -> None:
    """Register the escalation kind with the exchange (called from registration.register_module)."""
    register_kind(TransferKind(KIND, "群众留言上报", "Escalated public message", UP, deliver_escalation))
