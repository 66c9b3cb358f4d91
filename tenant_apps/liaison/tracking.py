"""Keeps the public tracker (exchange.TrackedMatter / TrackedStep, public schema) current for a message.

Called by every service that changes a message, in the same transaction, so the sender's view under the
tracking code is never ahead of or behind the congress's own record. An escalated matter keeps its code:
the receiving congress takes the matter over (TrackedMatter.congress) and adds its own steps.
"""

from shared_apps.exchange.models import TrackedMatter, TrackedStep
from tenants.connection import current_schema, in_schema_of


def track(congress, message, action: str, public_note: str = "") -> TrackedStep:
    """Record that `message`, of `congress` (the schema we are in), just went through `action`, now in its
    status. `public_note` is what the sender reads for this step."""
    # SECURITY: a congress writes only the steps of its own messages.
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    matter, created = TrackedMatter.objects.get_or_create(
        code=message.tracking_code,
        defaults={"congress": congress, "status": message.status, "mobile_last4": message.mobile_last4},
    )
    if not created and (matter.congress_id != congress.pk or matter.status != message.status):
        matter.congress, matter.status = congress, message.status
        matter.save(update_fields=["congress", "status", "updated_at"])
    return TrackedStep.objects.create(
        matter=matter, congress=congress, action=action, status=message.status, public_note=public_note
    )


def code_taken(code: str) -> bool:
    """Whether a tracking code is already used anywhere in the province (codes are unique across congresses)."""
    return TrackedMatter.objects.filter(code=code).exists()


def matter_for(code: str, mobile_last4: str):
    """The tracked matter for the code and the mobile's last four digits, with its steps; None if they do not
    match (the same answer for a wrong code and a wrong number, so codes cannot be probed)."""
    matter = (
        TrackedMatter.objects.select_related("congress")
        .filter(code=str(code or "").strip().upper(), mobile_last4=str(mobile_last4 or "").strip())
        .first()
    )
    if matter is None:
        return None
    return matter, list(matter.steps.select_related("congress"))
