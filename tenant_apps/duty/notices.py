"""Whom a step of the duty workflows concerns, and what they read: in-app always, and by SMS / e-mail at once
for what they must act on (an invitation, a leave to decide, a duty returned), by their preferences."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy

from shared_apps.memberships.selectors import office_user_ids
from shared_apps.notifications.services import notify_users
from shared_apps.registry.models import Deputy
from shared_apps.registry.selectors import account_ids_of
from tenant_apps.duty.models import Activity, DutyEntry, Invitation, LedgerPrint
from tenants.language import platform_text

URLCONF = "config.urls_tenant"


def activity_url(congress, activity_id: int) -> str:
    return congress.url(reverse("duty:activity", urlconf=URLCONF, kwargs={"pk": activity_id}))


def entry_url(congress, entry_id: int) -> str:
    return congress.url(reverse("duty:entry", urlconf=URLCONF, kwargs={"pk": entry_id}))


def print_url(congress, print_id: int) -> str:
    return congress.url(reverse("duty:print", urlconf=URLCONF, kwargs={"pk": print_id}))


def _subject(obj) -> tuple[str, str]:
    """(title, where to read it) of a step's object."""
    if isinstance(obj, Activity):
        return obj.title, ""
    if isinstance(obj, Invitation):
        return obj.activity.title, ""
    if isinstance(obj, DutyEntry):
        return obj.title, ""
    return str(obj), ""


def _url(congress, obj) -> str:
    if isinstance(obj, Activity):
        return activity_url(congress, obj.pk)
    if isinstance(obj, Invitation):
        return activity_url(congress, obj.activity_id)
    if isinstance(obj, DutyEntry):
        return entry_url(congress, obj.pk)
    if isinstance(obj, LedgerPrint):
        return print_url(congress, obj.pk)
    return ""


def _deputy_name(obj) -> str:
    deputy_id = getattr(obj, "deputy_id", None)
    if deputy_id is None:
        return ""
    return Deputy.objects.filter(pk=deputy_id).values_list("name", flat=True).first() or ""


def deliver(step, notice, user_ids: set[int]) -> None:
    """The duty workflows' delivery of a transition's Notify: the object's %(title)s and, for an invitation or a
    reported duty, the deputy's %(name)s in the title; the note (a reason) under it."""
    congress = step.access.congress
    title, _where = _subject(step.obj)
    text = platform_text(notice.title_for(step), title=title, name=_deputy_name(step.obj))
    body = notice.body(step) if notice.body is not None else step.note
    notify_users(
        user_ids=user_ids,
        congress=congress,
        kind=notice.kind,
        title=text[:200],
        body=body,
        url=_url(congress, step.obj),
        immediate=notice.immediate,
    )


# -- who ------------------------------------------------------------------------------------------------


def invitees(step) -> set[int]:
    """The accounts of the deputies invited to the activity (who answer next)."""
    return account_ids_of(step.obj.invitations.values_list("deputy_id", flat=True))


def invitees_still_coming(step) -> set[int]:
    """The invited who had not been excused: the activity they were to attend is cancelled."""
    rows = step.obj.invitations.exclude(status="excused").values_list("deputy_id", flat=True)
    return account_ids_of(rows)


def invitee(step) -> set[int]:
    return account_ids_of([step.obj.deputy_id])


def office(step) -> set[int]:
    return office_user_ids(step.access.congress)


def requester(step) -> set[int]:
    return {step.obj.requested_by_id}


def active_user_ids(ids) -> set[int]:
    return set(get_user_model().objects.filter(pk__in=set(ids), is_active=True).values_list("pk", flat=True))


# -- what is not a transition --------------------------------------------------------------------------------

INVITED = gettext_lazy("您受邀参加履职活动：%(title)s")
ENTRY_REPORTED = gettext_lazy("%(name)s代表登记了履职事项：%(title)s")


def tell_invited(congress, activity: Activity, deputy_ids) -> None:
    """Deputies invited after the activity was published: told as publishing told the others."""
    notify_users(
        user_ids=account_ids_of(deputy_ids),
        congress=congress,
        kind="duty_invited",
        title=platform_text(INVITED, title=activity.title)[:200],
        url=activity_url(congress, activity.pk),
        immediate=True,
    )


CHANGED = gettext_lazy("履职活动有变更，请查看时间和地点：%(title)s")


def tell_changed(congress, activity: Activity) -> None:
    """A published activity's time, place or topic changed: everyone still expected is told at once."""
    rows = activity.invitations.exclude(status__in=("excused", "absent")).values_list("deputy_id", flat=True)
    notify_users(
        user_ids=account_ids_of(rows),
        congress=congress,
        kind="duty_changed",
        title=platform_text(CHANGED, title=activity.title)[:200],
        url=activity_url(congress, activity.pk),
        immediate=True,
    )


def tell_office_of_entry(congress, entry: DutyEntry) -> None:
    """A deputy reported a duty: the office confirms or returns it."""
    notify_users(
        user_ids=office_user_ids(congress),
        congress=congress,
        kind="duty_entry",
        title=platform_text(ENTRY_REPORTED, title=entry.title, name=_deputy_name(entry))[:200],
        url=entry_url(congress, entry.pk),
    )
