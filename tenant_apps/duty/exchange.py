"""Activities that reach below (a city's inspection with county deputies) travel through the exchange:

- `duty_activity` (down): when the organiser publishes, each congress below where invited deputies sit receives a
  copy listing its own deputies, for its office to follow; the deputies answer and sign in on the organiser's
  host, where their invitation lives.
- `duty_update` (down): when the organiser closes or cancels the activity, the same congresses receive its
  outcome and each of their deputies' attendance.

No request reads another congress's schema: the organiser writes transfers in its own transaction; the worker
writes each copy in the receiving schema (tenant_apps.duty.delivery), exactly once.
"""

from collections import defaultdict

from shared_apps.exchange.outbox import transfers_send

ACTIVITY_KIND = "duty_activity"
UPDATE_KIND = "duty_update"


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


def details(activity) -> dict:
    return {
        "title": activity.title,
        "kind": activity.kind,
        "kind_label": activity.kind_label,
        "place": activity.place,
        "organiser": activity.organiser,
        "starts_at": activity.starts_at.isoformat(),
        "ends_at": activity.ends_at.isoformat(),
        "description": activity.description,
    }


def send_changes(access, activity) -> None:
    """The organiser changed a published activity: its details, to the congresses below that hold a copy."""
    activity._congress = access.congress
    count = activity.events.filter(action="updated").count()
    for invitations in _below_by_congress(activity).values():
        transfers_send(
            kind=UPDATE_KIND,
            source=access.congress,
            targets=[invitations[0].seat_congress],
            payload={"activity": activity.pk, "outcome": "changed", "details": details(activity)},
            source_ref=f"activity:{activity.pk}/changed/{count}",
            actor=access.user,
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
