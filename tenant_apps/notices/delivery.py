"""The exchange's handler for kind "notice": runs in the receiving congress's schema, in the delivery
transaction. Idempotent on the transfer id."""

from tenant_apps.notices.models import Direction, Notice


def deliver_notice(transfer) -> str:
    payload = transfer.payload
    # Keyed on the unique transfer_id: a delivery job retried after a crash finds the copy it already made.
    notice, _created = Notice.objects.get_or_create(
        transfer_id=transfer.pk,
        defaults={
            "direction": Direction.RECEIVED,
            "title": str(payload.get("title", ""))[:200],
            "body": str(payload.get("body", "")),
            "from_congress_id": transfer.source_id,
            "from_name": str(payload.get("from_name", ""))[:100],
        },
    )
    return f"notice:{notice.pk}"
