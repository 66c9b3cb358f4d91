"""Keeps the public tracker (exchange.TrackedMatter / TrackedStep, public schema) current for a message, and
answers the sender's lookups of it.

Called by every service that changes a message, in the same transaction, so the sender's view under the
tracking code is never ahead of or behind the congress's own record. An escalated matter keeps its code:
the receiving congress takes the matter over (TrackedMatter.congress) and adds its own steps.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from shared_apps.exchange.models import TrackedMatter, TrackedStep
from tenant_apps.liaison import abuse
from tenant_apps.liaison.models import MessageStatus
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


def status_label(value: str) -> str | Promise:
    return MessageStatus(value).label if value in MessageStatus.values else value


def not_found_text() -> str:
    return _("没有找到这条留言。请核对查询码和手机号码后四位。")


def too_many_text() -> str:
    return _("查询过于频繁，请10分钟后再试。")


def lookup(address: str, code: str, last4: str) -> tuple[dict | None, str]:
    """(the matter as the sender sees it, or None; the refusal when lookups from `address` are over the limit).
    Reads the public tracker only, whichever congress the matter is in now."""
    if not abuse.lookup_allowed(address):
        return None, too_many_text()
    found = matter_for(code, last4)
    if found is None:
        return None, ""
    matter, steps = found
    return {
        "code": matter.code,
        "status": matter.status,
        "status_label": status_label(matter.status),
        "congress": matter.congress.name,
        "steps": [
            {
                "congress": step.congress.name,
                "status": step.status,
                "status_label": status_label(step.status),
                "public_note": step.public_note,
                "created_at": step.created_at,
            }
            for step in steps
        ],
    }, ""
