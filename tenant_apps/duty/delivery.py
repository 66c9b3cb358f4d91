"""The receiving side of the duty module's transfers (exchange.py sends them): the worker runs these in the
receiving congress's schema, inside the delivery transaction, exactly once per transfer."""

import datetime

from django.utils.translation import gettext_lazy

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import office_user_ids
from shared_apps.notifications.services import notify_users
from shared_apps.registry.models import Deputy
from tenant_apps.duty import notices
from tenant_apps.duty.models import Activity, ActivityEvent, ActivityStatus, Invitation
from tenant_apps.duty.workflow import ACTIVITIES, INVITATIONS
from tenants.language import platform_text
from tenants.workflow import apply_transition
from tenants.workflow.history import record_event

RECEIVED = gettext_lazy("%(name)s邀请本级代表参加履职活动：%(title)s")


def _system_access(congress) -> Access:
    return Access(user=None, congress=congress)


def deliver_activity(transfer) -> str:
    """A copy of the activity above, with this congress's invited deputies; the office is told."""

    existing = Activity.objects.filter(transfer_id=transfer.pk).first()
    if existing is not None:
        return f"activity:{existing.pk}"
    p = transfer.payload
    congress = transfer.target
    activity = Activity.objects.create(
        kind=p.get("kind", "other")[:40],
        kind_label=p.get("kind_label", "")[:60],
        title=p.get("title", "")[:200],
        place=p.get("place", "")[:200],
        organiser=p.get("organiser", "")[:100],
        description=p.get("description", ""),
        starts_at=datetime.datetime.fromisoformat(p["starts_at"]),
        ends_at=datetime.datetime.fromisoformat(p["ends_at"]),
        status=ActivityStatus.PUBLISHED,
        public=False,
        origin_congress=transfer.source,
        origin_name=p.get("from_name", "")[:100],
        origin_activity_id=p.get("activity"),
        origin_url=p.get("url", "")[:500],
        transfer_id=transfer.pk,
    )
    known = set(Deputy.objects.filter(pk__in=p.get("invitees", [])).values_list("pk", flat=True))
    Invitation.objects.bulk_create(
        [Invitation(activity=activity, deputy_id=d, seat_congress=congress) for d in sorted(known)]
    )
    record_event(ActivityEvent, activity, actor=None, action="received", data={"transfer": str(transfer.pk)})

    title = platform_text(RECEIVED, name=activity.origin_name, title=activity.title)
    notify_users(
        user_ids=office_user_ids(congress),
        congress=congress,
        kind="duty_received",
        title=title[:200],
        url=notices.activity_url(congress, activity.pk),
    )
    return f"activity:{activity.pk}"


def _apply_changes(activity, details: dict, transfer) -> str:
    """The organiser changed the activity's details: the copy shows them; its history says what came."""
    fields: dict[str, object] = {
        "title": str(details.get("title", activity.title))[:200],
        "kind": str(details.get("kind", activity.kind))[:40],
        "kind_label": str(details.get("kind_label", activity.kind_label))[:60],
        "place": str(details.get("place", activity.place))[:200],
        "organiser": str(details.get("organiser", activity.organiser))[:100],
        "description": str(details.get("description", activity.description)),
    }
    for name in ("starts_at", "ends_at"):
        if details.get(name):
            fields[name] = datetime.datetime.fromisoformat(details[name])
    Activity.objects.filter(pk=activity.pk).update(**fields)
    record_event(ActivityEvent, activity, actor=None, action="updated", data={"transfer": str(transfer.pk)})
    return f"activity:{activity.pk}"


def deliver_update(transfer) -> str:
    """The outcome of an activity above: the copy's status and its deputies' attendance, through the workflows'
    system steps (so the copy's history says when and what came)."""

    p = transfer.payload
    activity = Activity.objects.filter(origin_congress=transfer.source, origin_activity_id=p.get("activity")).first()
    if activity is None:
        # The copy's own transfer has not been delivered yet: fail, and the exchange retries later.
        raise RuntimeError(f"no copy of activity {p.get('activity')} here yet")
    if p.get("outcome") == "changed":
        return _apply_changes(activity, p.get("details") or {}, transfer)
    access = _system_access(transfer.target)
    attendance = p.get("attendance") or {}
    for invitation in activity.invitations.all():
        status = attendance.get(str(invitation.deputy_id))
        if status and status != invitation.status:
            apply_transition(INVITATIONS, access=access, obj=invitation, action="mirror", data={"status": status})
    action = "mirror_cancel" if p.get("outcome") == "cancelled" else "mirror_close"
    if activity.status == "published":
        apply_transition(ACTIVITIES, access=access, obj=activity, action=action)
    return f"activity:{activity.pk}"
