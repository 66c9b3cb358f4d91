"""The reporting module's transition tables, run by the one workflow core:

- ROUNDS: draft → open (the reporting deputies are told) → closed (scoring ends) → published (results public,
  each report's results written into the deputy's duty record).
- REPORTS: a deputy's report published (by them, or the office on their behalf), or returned with a reason.
- SCORES: a score held because its address sent many at once, released (counted) or discarded with a reason.
- COMMENTS: a score's comment approved for the public or rejected with a reason (the score counts either way).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.reports import inbox, notices, records
from tenant_apps.reports.models import (
    CommentStatus,
    Report,
    ReportEvent,
    ReportStatus,
    Round,
    RoundEvent,
    RoundStatus,
    Score,
    ScoreEvent,
    ScoreStatus,
)
from tenant_apps.reports.permissions import can_manage_rounds, can_write_report, relation
from tenants.workflow import NO_ONE, Notify, Refusals, Transition, Workflow

R, P, SC, C = RoundStatus, ReportStatus, ScoreStatus, CommentStatus
TEXT_MAX = 20000
TITLE_MAX = 200


def _office(who, obj) -> bool:
    return can_manage_rounds(who)


def _open(step) -> str:
    if not step.obj.reports.exists():
        raise ValidationError({"reports": [_("请先确定述职的代表。")]})
    return R.OPEN


def _close(step) -> str:
    return R.CLOSED


def _publish_results(step) -> str:
    return R.PUBLISHED


def _round_refusals(kind: str) -> Refusals:
    return Refusals(
        elsewhere=gettext_lazy("只能在本级人大处理本级的述职评议。"),
        wrong_status=gettext_lazy("%(status)s，不能%(action)s。"),
        forbidden=gettext_lazy("您无权%(action)s。"),
        not_applicable=gettext_lazy("现在不能%(action)s。"),
        not_applicable_because=gettext_lazy("不能%(action)s：%(reason)s。"),
    )


def _records(step) -> None:
    records.refresh_round(step.access.congress, step.obj)


ROUND_TRANSITIONS = {
    "open": Transition(
        gettext_lazy("开始述职评议"),
        frozenset({R.DRAFT}),
        (R.OPEN,),
        _office,
        _open,
        notify=Notify(notices.reporters, "reports_round_open", gettext_lazy("请在网上述职：%(title)s")),
    ),
    "close": Transition(
        gettext_lazy("截止公众评议"),
        frozenset({R.OPEN}),
        (R.CLOSED,),
        _office,
        _close,
        # Scoring ends; the office itself moderates and publishes next (its list shows what waits).
        notify=NO_ONE,
    ),
    "publish_results": Transition(
        gettext_lazy("公布评议结果"),
        frozenset({R.CLOSED}),
        (R.PUBLISHED,),
        _office,
        _publish_results,
        notify=Notify(
            notices.reporters, "reports_results", gettext_lazy("述职评议结果已公布：%(title)s"), immediate=False
        ),
    ),
}

ROUNDS = Workflow(
    name="reports.rounds",
    model=Round,
    event_model=RoundEvent,
    transitions=ROUND_TRANSITIONS,
    refusals=_round_refusals("round"),
    relation=relation,
    hooks=(_records, inbox.on_round_step),
    deliver=notices.deliver,
    event_labels={
        "created": gettext_lazy("建立述职评议"),
        "updated": gettext_lazy("修改"),
        "reporters": gettext_lazy("确定述职代表"),
    },
)


def _round_accepts_reports(who, report) -> bool:
    return report.round.status in (R.DRAFT, R.OPEN)


def clean_report(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    if "title" in data:
        title = str(data.get("title") or "").strip()
        if len(title) > 200:
            errors["title"] = [_("标题不能超过200个字。")]
        cleaned["title"] = title
    if "text" in data:
        text = str(data.get("text") or "").strip()
        if len(text) > TEXT_MAX:
            errors["text"] = [_("不能超过%(n)d个字。") % {"n": TEXT_MAX}]
        cleaned["text"] = text
    if "also_in_person" in data:
        cleaned["also_in_person"] = bool(data.get("also_in_person"))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _publish_report(step) -> str:
    changes = clean_report({k: v for k, v in step.data.items() if k in ("title", "text", "also_in_person")})
    if changes:
        step.set(**changes)
    report = step.obj
    if not (report.title or "").strip() or not (report.text or "").strip():
        raise ValidationError({"text": [_("请填写述职报告的标题和正文。")]})
    step.set(published_at=step.now)
    return P.PUBLISHED


def _return_report(step) -> str:
    return P.RETURNED


def _report_records(step) -> None:
    records.refresh_report(step.access.congress, step.obj)


def _report_inbox(step) -> None:
    inbox.refresh(step.access.congress, {step.obj.deputy_id})


REPORT_TRANSITIONS = {
    "publish": Transition(
        gettext_lazy("发布述职报告"),
        frozenset({P.PENDING, P.RETURNED}),
        (P.PUBLISHED,),
        can_write_report,
        _publish_report,
        applies=_round_accepts_reports,
        refusal=gettext_lazy("述职评议已截止"),
        # The office follows the round's list; the public reads the report once the round is open.
        notify=NO_ONE,
    ),
    "return": Transition(
        gettext_lazy("退回修改"),
        frozenset({P.PUBLISHED}),
        (P.RETURNED,),
        lambda who, report: can_manage_rounds(who),
        _return_report,
        note_required=True,
        applies=_round_accepts_reports,
        refusal=gettext_lazy("述职评议已截止"),
        notify=Notify(notices.reporter, "reports_returned", gettext_lazy("您的述职报告被退回修改：%(title)s")),
    ),
}

REPORTS = Workflow(
    name="reports.reports",
    model=Report,
    event_model=ReportEvent,
    transitions=REPORT_TRANSITIONS,
    refusals=_round_refusals("report"),
    relation=relation,
    hooks=(_report_records, _report_inbox),
    deliver=notices.deliver,
    event_labels={"edited": gettext_lazy("修改述职报告"), "file_added": gettext_lazy("上传附件")},
)


def _release(step) -> str:
    return SC.COUNTED


def _discard(step) -> str:
    return SC.DISCARDED


def _not_published(who, score) -> bool:
    return score.report.round.status != R.PUBLISHED


SCORE_TRANSITIONS = {
    "release": Transition(
        gettext_lazy("计入"),
        frozenset({SC.HELD}),
        (SC.COUNTED,),
        _office,
        _release,
        applies=_not_published,
        refusal=gettext_lazy("结果已公布"),
        # The public who scored has no account here to tell; the count changes.
        notify=NO_ONE,
    ),
    "discard": Transition(
        gettext_lazy("作废"),
        frozenset({SC.HELD, SC.COUNTED}),
        (SC.DISCARDED,),
        _office,
        _discard,
        note_required=True,
        applies=_not_published,
        refusal=gettext_lazy("结果已公布"),
        notify=NO_ONE,
    ),
}


def _approve(step) -> str:
    return C.APPROVED


def _reject(step) -> str:
    return C.REJECTED


def _scores_inbox(step) -> None:
    inbox.refresh_office(step.access.congress)


COMMENT_TRANSITIONS = {
    "approve": Transition(
        gettext_lazy("公开留言"),
        frozenset({C.PENDING, C.REJECTED}),
        (C.APPROVED,),
        _office,
        _approve,
        # The public who wrote it has no account here to tell.
        notify=NO_ONE,
    ),
    "reject": Transition(
        gettext_lazy("不予公开"),
        frozenset({C.PENDING, C.APPROVED}),
        (C.REJECTED,),
        _office,
        _reject,
        note_required=True,
        notify=NO_ONE,
    ),
}

_score_refusals = Refusals(
    elsewhere=gettext_lazy("只能在本级人大处理本级的评分。"),
    wrong_status=gettext_lazy("评分%(status)s，不能%(action)s。"),
    forbidden=gettext_lazy("您无权%(action)s。"),
    not_applicable=gettext_lazy("现在不能%(action)s。"),
    not_applicable_because=gettext_lazy("不能%(action)s：%(reason)s。"),
)

SCORES = Workflow(
    name="reports.scores",
    model=Score,
    event_model=ScoreEvent,
    transitions=SCORE_TRANSITIONS,
    refusals=_score_refusals,
    relation=relation,
    hooks=(_scores_inbox,),
    deliver=notices.deliver,
)

COMMENTS = Workflow(
    name="reports.comments",
    model=Score,
    event_model=ScoreEvent,
    transitions=COMMENT_TRANSITIONS,
    refusals=_score_refusals,
    relation=relation,
    hooks=(_scores_inbox,),
    deliver=notices.deliver,
    status_field="comment_status",
)


def window_open(round_, at=None) -> bool:
    at = at or timezone.now()
    return round_.status == R.OPEN and round_.opens_at <= at < round_.closes_at
