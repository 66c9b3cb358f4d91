"""What waits for whom in this congress's duty module, kept in the exchange.InboxCount read model that the
workspace shows without entering a congress's schema, each item named and linked.

- A deputy (kind "duty"): invitations to answer (activities not yet ended), duties the office returned to them.
- The office (kind "duty_office"): leave to decide, reported duties to confirm.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from shared_apps.exchange.models import InboxCount
from shared_apps.exchange.services import INBOX_ITEMS, Waiting, inbox_count_set
from shared_apps.memberships.selectors import office_user_ids
from shared_apps.registry.models import Deputy
from tenant_apps.duty import notices
from tenant_apps.duty.models import (
    ActivityStatus,
    DutyEntry,
    EntryStatus,
    Invitation,
    InvitationStatus,
)

KIND = "duty"
OFFICE_KIND = "duty_office"
KINDS = (KIND, OFFICE_KIND)


def deputy_invitations(deputy_id: int) -> QuerySet[Invitation]:
    """Invitations the deputy has not answered, to activities not yet over, soonest first."""
    return (
        Invitation.objects.filter(
            deputy_id=deputy_id,
            status=InvitationStatus.INVITED,
            activity__status=ActivityStatus.PUBLISHED,
            activity__origin_congress__isnull=True,
            activity__ends_at__gt=timezone.now(),
        )
        .select_related("activity")
        .order_by("activity__starts_at", "id")
    )


def deputy_returned(deputy_id: int) -> QuerySet[DutyEntry]:
    return DutyEntry.objects.filter(deputy_id=deputy_id, status=EntryStatus.RETURNED).order_by("updated_at", "id")


def office_leave() -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(status=InvitationStatus.LEAVE_REQUESTED, activity__origin_congress__isnull=True)
        .select_related("activity", "deputy")
        .order_by("updated_at", "id")
    )


def office_entries() -> QuerySet[DutyEntry]:
    return DutyEntry.objects.filter(status=EntryStatus.SUBMITTED).select_related("deputy").order_by("created_at", "id")


def _list_url(congress, name: str) -> str:
    return congress.url(reverse(name, urlconf=notices.URLCONF))


def _deputy_waiting(congress, deputy_id: int) -> tuple[int, list[Waiting]]:
    invitations, returned = deputy_invitations(deputy_id), deputy_returned(deputy_id)
    named = [
        Waiting(i.activity.title, notices.activity_url(congress, i.activity_id), i.activity.starts_at)
        for i in invitations[:INBOX_ITEMS]
    ] + [Waiting(e.title, notices.entry_url(congress, e.pk), e.updated_at) for e in returned[:INBOX_ITEMS]]
    return invitations.count() + returned.count(), named


def _office_waiting(congress) -> tuple[int, list[Waiting]]:
    leave, entries = office_leave(), office_entries()
    named = [
        Waiting(f"{i.deputy.name}：{i.activity.title}", notices.activity_url(congress, i.activity_id), i.updated_at)
        for i in leave[:INBOX_ITEMS]
    ] + [Waiting(f"{e.deputy.name}：{e.title}", notices.entry_url(congress, e.pk), e.created_at) for e in entries]
    return leave.count() + entries.count(), named[:INBOX_ITEMS]


def refresh_deputies(congress, deputy_ids) -> None:
    """Recompute what waits for these deputies here (those with accounts), in the writer's transaction."""
    url = _list_url(congress, "duty:mine")
    for deputy in Deputy.objects.filter(pk__in=set(deputy_ids), user__isnull=False).select_related("user"):
        count, named = _deputy_waiting(congress, deputy.pk)
        inbox_count_set(user=deputy.user, congress=congress, kind=KIND, count=count, items=named, url=url)


def refresh_office(congress) -> None:
    users = list(get_user_model().objects.filter(pk__in=office_user_ids(congress), is_active=True))
    if not users:
        return
    count, named = _office_waiting(congress)
    url = _list_url(congress, "duty:office")
    for user in users:
        inbox_count_set(user=user, congress=congress, kind=OFFICE_KIND, count=count, items=named, url=url)


def on_step(step) -> None:
    """A hook of every duty workflow: refresh what waits for the deputies the step concerns and for the office."""
    obj = step.obj
    congress = step.access.congress
    if hasattr(obj, "invitations"):
        deputy_ids = set(obj.invitations.values_list("deputy_id", flat=True))
    elif hasattr(obj, "deputy_id"):
        deputy_ids = {obj.deputy_id}
    else:
        deputy_ids = set()
    refresh_deputies(congress, deputy_ids)
    refresh_office(congress)


def rebuild(congress) -> int:
    InboxCount.objects.filter(congress=congress, kind__in=KINDS).delete()
    deputy_ids = set(Invitation.objects.values_list("deputy_id", flat=True))
    deputy_ids |= set(DutyEntry.objects.values_list("deputy_id", flat=True))
    refresh_deputies(congress, deputy_ids)
    refresh_office(congress)
    return InboxCount.objects.filter(congress=congress, kind__in=KINDS).count()
