"""What waits for whom in reporting, for the workspace (exchange.InboxCount): a deputy's report to write (or to
write again), and the office's comments to moderate and held scores to look at."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from shared_apps.exchange.models import InboxCount
from shared_apps.exchange.services import INBOX_ITEMS, Waiting, inbox_count_set
from shared_apps.memberships.selectors import office_user_ids
from shared_apps.registry.models import Deputy
from tenant_apps.reports import notices
from tenant_apps.reports.models import CommentStatus, Report, ReportStatus, RoundStatus, Score, ScoreStatus

KIND = "reports"
OFFICE_KIND = "reports_office"


def deputy_waiting(deputy_id: int):
    return (
        Report.objects.filter(
            deputy_id=deputy_id,
            status__in=(ReportStatus.PENDING, ReportStatus.RETURNED),
            round__status__in=(RoundStatus.DRAFT, RoundStatus.OPEN),
        )
        .select_related("round")
        .order_by("round__closes_at", "id")
    )


def office_waiting():
    return Score.objects.filter(status=ScoreStatus.HELD) | Score.objects.filter(comment_status=CommentStatus.PENDING)


def refresh(congress, deputy_ids) -> None:
    for deputy in Deputy.objects.filter(pk__in=set(deputy_ids), user__isnull=False).select_related("user"):
        rows = deputy_waiting(deputy.pk)
        named = [
            Waiting(r.round.title, notices.report_url(congress, r.pk), r.round.closes_at) for r in rows[:INBOX_ITEMS]
        ]
        url = congress.url(reverse("reports:index", urlconf=notices.URLCONF))
        inbox_count_set(user=deputy.user, congress=congress, kind=KIND, count=rows.count(), items=named, url=url)


def refresh_office(congress) -> None:
    users = list(get_user_model().objects.filter(pk__in=office_user_ids(congress), is_active=True))
    if not users:
        return
    rows = office_waiting().select_related("report__round").order_by("created_at", "id")
    count = rows.count()
    named = [
        Waiting(s.report.round.title, notices.report_url(congress, s.report_id) + "moderation/", s.created_at)
        for s in rows[:INBOX_ITEMS]
    ]
    url = congress.url(reverse("reports:index", urlconf=notices.URLCONF))
    for user in users:
        inbox_count_set(user=user, congress=congress, kind=OFFICE_KIND, count=count, items=named, url=url)


def on_round_step(step) -> None:
    refresh(step.access.congress, set(step.obj.reports.values_list("deputy_id", flat=True)))
    refresh_office(step.access.congress)


def rebuild(congress) -> int:
    InboxCount.objects.filter(congress=congress, kind__in=(KIND, OFFICE_KIND)).delete()
    refresh(congress, set(Report.objects.values_list("deputy_id", flat=True)))
    refresh_office(congress)
    return InboxCount.objects.filter(congress=congress, kind__in=(KIND, OFFICE_KIND)).count()
