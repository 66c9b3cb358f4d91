"""What the duty module writes into the deputies' duty record (shared_apps.ledger): attendance and leave at the
activities this congress organised, and the duties reported here once the office confirmed them. Written by the
workflows' hooks in the step's transaction; `rebuild` recomputes them all from this congress's schema."""

from django.utils import timezone

from shared_apps.ledger import services as ledger
from shared_apps.ledger.services import Duty
from tenant_apps.duty import notices
from tenant_apps.duty.models import Activity, DutyEntry, EntryStatus, Invitation, InvitationStatus

SOURCE = "duty"

# The activity kinds (codes of the congress's duty.activity_kinds) that are a duty of their own in the ledger.
KIND_OF_ACTIVITY = {
    "training": "training",
    "reception": "reception",
    "attend_sc": "committee_attendance",
}


def _activity_ref(activity_id: int) -> str:
    return f"activity:{activity_id}"


def _entry_ref(entry_id: int) -> str:
    return f"entry:{entry_id}"


def invitation_duty(congress, activity: Activity, invitation: Invitation) -> Duty | None:
    """The duty an invitation records now: attendance, or leave granted; None for anything else."""
    if invitation.status == InvitationStatus.ATTENDED:
        kind = KIND_OF_ACTIVITY.get(activity.kind, "activity_attended")
    elif invitation.status == InvitationStatus.EXCUSED:
        kind = "activity_leave"
    else:
        return None
    return Duty(
        deputy_id=invitation.deputy_id,
        source_ref=_activity_ref(activity.pk),
        kind=kind,
        title=activity.title,
        occurred_on=timezone.localdate(activity.starts_at),
        url=notices.activity_url(congress, activity.pk),
        category=activity.kind_label,
        # Leave is the deputy's and the offices' business, not the public's.
        public=activity.public and kind != "activity_leave",
    )


def entry_duty(congress, entry: DutyEntry) -> Duty | None:
    if entry.status != EntryStatus.CONFIRMED:
        return None
    return Duty(
        deputy_id=entry.deputy_id,
        source_ref=_entry_ref(entry.pk),
        kind=entry.kind,
        title=entry.title,
        occurred_on=entry.occurred_on,
        url=notices.entry_url(congress, entry.pk),
        public=entry.public,
    )


def refresh_invitation(congress, invitation: Invitation) -> None:
    """Make the duty record say what the invitation says now (attended, excused, or nothing)."""
    activity = invitation.activity
    if activity.is_received:
        return  # the organiser records it, in its own congress
    duty = invitation_duty(congress, activity, invitation)
    if duty is None:
        ledger.withdraw(congress, _activity_ref(activity.pk), deputy_id=invitation.deputy_id)
    else:
        ledger.record(congress, SOURCE, duty)


def refresh_activity(congress, activity: Activity) -> None:
    """After a change to the activity itself (cancelled, renamed, made public): every invitation again."""
    if activity.is_received:
        return
    if activity.status == "cancelled":
        ledger.withdraw(congress, _activity_ref(activity.pk))
        return
    for invitation in activity.invitations.all():
        invitation.activity = activity
        refresh_invitation(congress, invitation)


def refresh_entry(congress, entry: DutyEntry) -> None:
    duty = entry_duty(congress, entry)
    if duty is None:
        ledger.withdraw(congress, _entry_ref(entry.pk))
    else:
        ledger.record(congress, SOURCE, duty)


def all_duties(congress) -> list[Duty]:
    duties: list[Duty] = []
    activities = Activity.objects.filter(origin_congress__isnull=True).exclude(status__in=["draft", "cancelled"])
    for activity in activities.prefetch_related("invitations"):
        for invitation in activity.invitations.all():
            duty = invitation_duty(congress, activity, invitation)
            if duty is not None:
                duties.append(duty)
    for entry in DutyEntry.objects.filter(status=EntryStatus.CONFIRMED):
        duty = entry_duty(congress, entry)
        if duty is not None:
            duties.append(duty)
    return duties


def rebuild(congress) -> int:
    """Every duty this module recorded for `congress`, recomputed (manage.py rebuild_read_models)."""
    from tenant_apps.duty import inbox

    written = ledger.replace(congress, SOURCE, all_duties(congress))
    return written + inbox.rebuild(congress)
