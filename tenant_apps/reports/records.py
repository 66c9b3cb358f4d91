"""What reporting writes into the deputies' duty record (shared_apps.ledger): each published report ("向选民述职"),
with the public's results once the office has published them."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.ledger import services as ledger
from shared_apps.ledger.services import Duty
from tenant_apps.reports import notices
from tenant_apps.reports.models import Rating, Report, ReportStatus, Round, RoundStatus, ScoreStatus
from tenants.language import platform_text

SOURCE = "reports"


def results(report_ids) -> dict[int, dict[str, int]]:
    """Counted scores per report and rating: one query."""
    found: dict[int, dict[str, int]] = {r: dict.fromkeys(Rating.values, 0) for r in report_ids}
    rows = (
        Report.objects.filter(pk__in=list(report_ids))
        .values("pk", "scores__rating")
        .annotate(n=Count("scores", filter=_counted()))
    )
    for row in rows:
        if row["scores__rating"]:
            found[row["pk"]][row["scores__rating"]] = row["n"]
    return found


def _counted():
    from django.db.models import Q

    return Q(scores__status=ScoreStatus.COUNTED)


def summary(counts: dict[str, int]) -> str:
    return platform_text(
        _("满意%(a)d，基本满意%(b)d，不满意%(c)d"),
        a=counts.get(Rating.SATISFIED, 0),
        b=counts.get(Rating.BASICALLY_SATISFIED, 0),
        c=counts.get(Rating.UNSATISFIED, 0),
    )


def _duty(congress, report: Report, counts: dict[str, int] | None) -> Duty:
    title = report.title or report.round.title
    if counts is not None:
        title = f"{title}（{summary(counts)}）"
    return Duty(
        deputy_id=report.deputy_id,
        source_ref=f"report:{report.pk}",
        kind="duty_report",
        title=title,
        occurred_on=timezone.localdate(report.published_at or timezone.now()),
        url=notices.report_url(congress, report.pk),
        category=report.round.title[:60],
        public=report.round.status != RoundStatus.DRAFT,
    )


def refresh_report(congress, report: Report) -> None:
    if report.status != ReportStatus.PUBLISHED:
        ledger.withdraw(congress, f"report:{report.pk}")
        return
    counts = results([report.pk])[report.pk] if report.round.status == RoundStatus.PUBLISHED else None
    ledger.record(congress, SOURCE, _duty(congress, report, counts))


def refresh_round(congress, round_: Round) -> None:
    reports = list(round_.reports.filter(status=ReportStatus.PUBLISHED).select_related("round"))
    counts = results([r.pk for r in reports]) if round_.status == RoundStatus.PUBLISHED else {}
    for report in reports:
        ledger.record(congress, SOURCE, _duty(congress, report, counts.get(report.pk)))


def rebuild(congress) -> int:
    from tenant_apps.reports import inbox

    reports = list(Report.objects.filter(status=ReportStatus.PUBLISHED).select_related("round"))
    published = [r.pk for r in reports if r.round.status == RoundStatus.PUBLISHED]
    counts = results(published)
    written = ledger.replace(congress, SOURCE, [_duty(congress, r, counts.get(r.pk)) for r in reports])
    return written + inbox.rebuild(congress)
