"""Activities that reach below (a city's inspection with county deputies) travel through the exchange:

- `duty_activity` (down): when the organiser publishes, each congress below where invited deputies sit receives a
  copy listing its own deputies, for its office to follow; the deputies answer and sign in on the organiser's
  host, where their invitation lives.
- `duty_update` (down): when the organiser closes or cancels the activity, the same congresses receive its
  outcome and each of their deputies' attendance.

No request reads another congress's schema: the organiser writes transfers in its own transaction; the worker
writes each copy in the receiving schema (tenant_apps.duty.exchange.deliver_*), exactly once.
"""

from collections import defaultdict

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from shared_apps.exchange.outbox import transfers_send
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import office_user_ids
from shared_apps.notifications.services import notify_users
from tenants.language import platform_text

ACTIVITY_KIND = "duty_activity"
UPDATE_KIND = "duty_update"

RECEIVED = gettext_lazy("%(name)s邀请本级代表参加履职活动：%(title)s")


def _below_by_congress(activity) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for invitation in activity.invitations.select_related("seat_congress"):
        if invitation.seat_congress_id != activity_congress_id(activity):
            grouped[invitation.seat_congress_id].append(invitation)
    return grouped


def activity_congress_id(activity) -> int:
    congress = getattr(activity, "_congress", None)
    return congress.pk if congress is not None else -1


def send_invitations(step) -> None:
    """From publish's effect: one transfer per congress below where invited deputies sit."""
    from tenant_apps.duty import notices

    congress, activity = step.access.congress, step.obj
    activity._congress = congress
    grouped = _below_by_congress(activity)
    for invitations in grouped.values():
        target = invitations[0].seat_congress
        transfers_send(
            kind=ACTIVITY_KIND,
            source=congress,
            targets=[target],
            payload={
                "activity": activity.pk,
                "title": activity.title,
                "kind": activity.kind,
                "kind_label": activity.kind_label,
                "place": activity.place,
                "organiser": activity.organiser,
                "starts_at": activity.starts_at.isoformat(),
                "ends_at": activity.ends_at.isoformat(),
                "description": activity.description,
                "from_name": congress.name,
                "url": notices.activity_url(congress, activity.pk),
                "invitees": [i.deputy_id for i in invitations],
            },
            source_ref=f"activity:{activity.pk}",
            actor=step.access.user,
        )


def send_update(step, outcome: str) -> None:
    """From close's and cancel's effects: the outcome and each deputy's attendance, to the same congresses."""
    congress, activity = step.access.congress, step.obj
    if activity.status == "draft":
        return  # never published: nothing was sent
    activity._congress = congress
    for invitations in _below_by_congress(activity).values():
        target = invitations[0].seat_congress
        transfers_send(
            kind=UPDATE_KIND,
            source=congress,
            targets=[target],
            payload={
                "activity": activity.pk,
                "outcome": outcome,
                "attendance": {str(i.deputy_id): i.status for i in invitations},
            },
            source_ref=f"activity:{activity.pk}/{outcome}",
            actor=step.access.user,
        )


# -- the receiving side (the worker, in the receiving congress's schema) ----------------------------------


def _system_access(congress) -> Access:
    return Access(user=None, congress=congress)


def deliver_activity(transfer) -> str:
    """A copy of the activity above, with this congress's invited deputies; the office is told."""
    from shared_apps.registry.models import Deputy
    from tenant_apps.duty.models import Activity, ActivityEvent, ActivityStatus, Invitation
    from tenants.workflow.history import record_event

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
        starts_at=parse_datetime(p["starts_at"]),
        ends_at=parse_datetime(p["ends_at"]),
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
    from tenant_apps.duty import notices

    title = platform_text(RECEIVED, name=activity.origin_name, title=activity.title)
    notify_users(
        user_ids=office_user_ids(congress),
        congress=congress,
        kind="duty_received",
        title=title[:200],
        url=notices.activity_url(congress, activity.pk),
    )
    return f"activity:{activity.pk}"


def deliver_update(transfer) -> str:
    """The outcome of an activity above: the copy's status and its deputies' attendance, through the workflows'
    system steps (so the copy's history says when and what came)."""
    from tenant_apps.duty.models import Activity
    from tenant_apps.duty.workflow import ACTIVITIES, INVITATIONS
    from tenants.workflow import apply_transition

    p = transfer.payload
    activity = Activity.objects.filter(origin_congress=transfer.source, origin_activity_id=p.get("activity")).first()
    if activity is None:
        # The copy's own transfer has not been delivered yet: fail, and the exchange retries later.
        raise RuntimeError(f"no copy of activity {p.get('activity')} here yet")
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
