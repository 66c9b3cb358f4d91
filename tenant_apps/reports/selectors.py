"""Reads of reporting: rounds and reports as each caller may see them; results only once the round is closed
(the office) or published (everyone)."""

from django.db.models import QuerySet

from tenant_apps.reports import records
from tenant_apps.reports.models import CommentStatus, Report, ReportStatus, Round, RoundStatus, Score
from tenant_apps.reports.permissions import Viewer, can_manage_rounds, is_reporter

VISIBLE = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.PUBLISHED)


def round_list(who: Viewer) -> QuerySet[Round]:
    rows = Round.objects.all()
    if not can_manage_rounds(who):
        rows = rows.filter(status__in=VISIBLE)
    return rows.order_by("-opens_at", "-id")


def round_get(pk) -> Round | None:
    return Round.objects.filter(pk=pk).first()


def can_see_round(who: Viewer, round_: Round) -> bool:
    return round_.status in VISIBLE or can_manage_rounds(who)


def reports_of(who: Viewer, round_: Round) -> list[Report]:
    rows = round_.reports.select_related("deputy").order_by("deputy__name", "id")
    if not can_manage_rounds(who):
        rows = rows.filter(status=ReportStatus.PUBLISHED)
    return list(rows)


def report_get(pk) -> Report | None:
    return Report.objects.filter(pk=pk).select_related("round", "deputy").first()


def can_see_report(who: Viewer, report: Report) -> bool:
    if can_manage_rounds(who) or is_reporter(who, report):
        return True
    return report.status == ReportStatus.PUBLISHED and report.round.status in VISIBLE


def results_visible(who: Viewer, round_: Round) -> bool:
    """Counts stay hidden while the public scores: the office sees them once scoring closed, everyone once
    published."""
    if round_.status == RoundStatus.PUBLISHED:
        return True
    return round_.status == RoundStatus.CLOSED and can_manage_rounds(who)


def approved_comments(report: Report) -> QuerySet[Score]:
    return report.scores.filter(comment_status=CommentStatus.APPROVED, status="counted").order_by("created_at")


def moderation(report: Report) -> QuerySet[Score]:
    return report.scores.exclude(status="counted", comment_status__in=("none", "approved")).order_by("created_at")


def public_reports_of(deputy_id: int) -> list[dict]:
    """A deputy's reports the public may read here, with the results where published (the showcase's list)."""
    rows = list(
        Report.objects.filter(deputy_id=deputy_id, status=ReportStatus.PUBLISHED, round__status__in=VISIBLE)
        .select_related("round")
        .order_by("-round__opens_at")
    )
    counts = records.results([r.pk for r in rows if r.round.status == RoundStatus.PUBLISHED])
    return [
        {
            "id": r.pk,
            "round": r.round.title,
            "title": r.title,
            "summary": records.summary(counts[r.pk]) if r.pk in counts else "",
            "satisfied": counts[r.pk]["satisfied"] if r.pk in counts else None,
            "basically_satisfied": counts[r.pk]["basically_satisfied"] if r.pk in counts else None,
            "unsatisfied": counts[r.pk]["unsatisfied"] if r.pk in counts else None,
        }
        for r in rows
    ]
