"""Whom a step of the reporting workflows concerns and what they read."""

from django.urls import reverse

from shared_apps.memberships.selectors import office_user_ids
from shared_apps.notifications.services import notify_users
from shared_apps.registry.selectors import account_ids_of
from tenant_apps.reports.models import Report, Round, Score
from tenants.language import platform_text

URLCONF = "config.urls_tenant"


def round_url(congress, round_id: int) -> str:
    return congress.url(reverse("reports:round", urlconf=URLCONF, kwargs={"pk": round_id}))


def report_url(congress, report_id: int) -> str:
    return congress.url(reverse("reports:report", urlconf=URLCONF, kwargs={"pk": report_id}))


def _title_and_url(congress, obj) -> tuple[str, str]:
    if isinstance(obj, Round):
        return obj.title, round_url(congress, obj.pk)
    if isinstance(obj, Report):
        return obj.round.title, report_url(congress, obj.pk)
    if isinstance(obj, Score):
        return obj.report.round.title, report_url(congress, obj.report_id)
    return str(obj), ""


def deliver(step, notice, user_ids: set[int]) -> None:
    congress = step.access.congress
    title, url = _title_and_url(congress, step.obj)
    notify_users(
        user_ids=user_ids,
        congress=congress,
        kind=notice.kind,
        title=platform_text(notice.title_for(step), title=title)[:200],
        body=step.note,
        url=url,
        immediate=notice.immediate,
    )


def reporters(step) -> set[int]:
    return account_ids_of(step.obj.reports.values_list("deputy_id", flat=True))


def reporter(step) -> set[int]:
    return account_ids_of([step.obj.deputy_id])


def office(step) -> set[int]:
    return office_user_ids(step.access.congress)
