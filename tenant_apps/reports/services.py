"""Writes of reporting: rounds (the office), who reports to which constituency, the deputy's report and its
attachments, the steps of the workflows, and the public's score (scoring.py). Each checks permission, runs in one
transaction and raises PermissionDenied or ValidationError by field; on either nothing changes."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.memberships.permissions import Access
from tenant_apps.duty.selectors import invitable_seats
from tenant_apps.reports import inbox
from tenant_apps.reports.models import (
    Report,
    ReportEvent,
    ReportFile,
    ReportStatus,
    Round,
    RoundEvent,
    RoundStatus,
    Score,
)
from tenant_apps.reports.permissions import can_manage_rounds, can_write_report, viewer_for
from tenant_apps.reports.workflow import COMMENTS, REPORTS, ROUNDS, SCORES, clean_report
from tenants.fields import max_length
from tenants.workflow import allowed_actions, apply_transition, lock, require_here
from tenants.workflow.history import record_event

TITLE_MAX = max_length(Round, "title")
CONSTITUENCY_MAX = max_length(Report, "constituency")
TEXT_MAX = 20000
FILES_MAX = 10
ELSEWHERE = _("只能在本级人大处理本级的述职评议。")


def _require_office(access: Access) -> None:
    require_here(access, ELSEWHERE)
    if not can_manage_rounds(viewer_for(access)):
        raise PermissionDenied(_("只有人大机关工作人员可以组织述职评议。"))


def _when(value, field: str, errors: dict):
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.datetime):
        errors[field] = [_("请填写日期和时间（如2026-05-01 09:00）。")]
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def clean_round(data: dict, *, partial: bool = False, current: Round | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    if not partial or "title" in data:
        title = str(data.get("title") or "").strip()
        if not title:
            errors["title"] = [_("请填写名称。")]
        elif len(title) > TITLE_MAX:
            errors["title"] = [_("名称不能超过%(n)d个字。") % {"n": TITLE_MAX}]
        cleaned["title"] = title
    if not partial or "description" in data:
        cleaned["description"] = str(data.get("description") or "").strip()[:TEXT_MAX]
    for name in ("opens_at", "closes_at"):
        if not partial or name in data:
            cleaned[name] = _when(data.get(name), name, errors)
    opens = cleaned.get("opens_at") or (current.opens_at if current else None)
    closes = cleaned.get("closes_at") or (current.closes_at if current else None)
    if opens and closes and closes <= opens and not errors:
        errors["closes_at"] = [_("截止时间必须晚于开始时间。")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def round_create(*, access: Access, data: dict) -> Round:
    _require_office(access)
    round_ = Round.objects.create(created_by=access.user, **clean_round(data))
    record_event(RoundEvent, round_, actor=access.user, action="created")
    return round_


@transaction.atomic
def round_update(*, access: Access, round_: Round, data: dict) -> Round:
    _require_office(access)
    locked = lock(round_)
    if locked.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise ValidationError({"status": [_("评议已截止，不能修改。")]})
    cleaned = clean_round(data, partial=True, current=locked)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*cleaned, "updated_at"])
    record_event(RoundEvent, locked, actor=access.user, action="updated")
    return locked


def _constituency_name(seat) -> str:
    return seat.constituency.name if seat.constituency is not None else ""


@transaction.atomic
def reporters_add(*, access: Access, round_: Round, deputy_ids, constituency: str = "") -> list[Report]:
    """Who reports in the round: deputies serving here, each to their constituency (or the one given)."""
    _require_office(access)
    locked = lock(round_)
    if locked.status != RoundStatus.DRAFT:
        raise ValidationError({"status": [_("评议开始后不能再增加述职代表。")]})
    try:
        wanted = sorted({int(d) for d in deputy_ids})
    except (TypeError, ValueError):
        raise ValidationError({"deputies": [_("代表编号无效。")]}) from None
    constituency = str(constituency or "").strip()
    if len(constituency) > CONSTITUENCY_MAX:
        raise ValidationError({"constituency": [_("不能超过%(n)d个字。") % {"n": CONSTITUENCY_MAX}]})
    congress = access.congress
    assert congress is not None  # _require_office: in this congress's schema
    seats = {
        s.deputy_id: s
        for s in invitable_seats(congress, [congress.pk]).filter(deputy_id__in=wanted).select_related("constituency")
    }
    if not wanted or set(wanted) - set(seats):
        raise ValidationError({"deputies": [_("请选择本级人大的在任代表。")]})
    have = set(locked.reports.values_list("deputy_id", flat=True))
    created = Report.objects.bulk_create(
        [
            Report(
                round=locked,
                deputy_id=d,
                constituency=constituency or _constituency_name(seats[d]),
            )
            for d in wanted
            if d not in have
        ]
    )
    record_event(RoundEvent, locked, actor=access.user, action="reporters", data={"deputies": wanted})
    inbox.refresh(access.congress, wanted)
    return created


def round_transition(*, access: Access, round_: Round, action: str, data: dict | None = None) -> Round:
    return apply_transition(ROUNDS, access=access, obj=round_, action=action, data=data)


def round_actions(access, round_: Round) -> list[str]:
    return allowed_actions(ROUNDS, access, round_)


@transaction.atomic
def report_edit(*, access: Access, report: Report, data: dict) -> Report:
    """The deputy (or the office for them) writes the report while it is not yet published."""
    require_here(access, ELSEWHERE)
    who = viewer_for(access)
    locked = lock(report)
    if not can_write_report(who, locked):
        raise PermissionDenied(_("只有述职代表本人或人大机关工作人员可以编写述职报告。"))
    if locked.status == ReportStatus.PUBLISHED or locked.round.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise ValidationError({"status": [_("已发布或评议已截止的述职报告不能修改。")]})
    cleaned = clean_report(data)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*cleaned, "updated_at"])
    record_event(ReportEvent, locked, actor=access.user, action="edited")
    return locked


@transaction.atomic
def report_file_add(*, access: Access, report: Report, uploaded_file) -> ReportFile:
    from tenant_apps.suggestions.attachments import prepare_upload

    require_here(access, ELSEWHERE)
    locked = lock(report)
    if not can_write_report(viewer_for(access), locked):
        raise PermissionDenied(_("只有述职代表本人或人大机关工作人员可以上传附件。"))
    if locked.status == ReportStatus.PUBLISHED:
        raise ValidationError({"file": [_("已发布的述职报告不能再上传附件。")]})
    if locked.files.count() >= FILES_MAX:
        raise ValidationError({"file": [_("最多上传%(n)d个附件。") % {"n": FILES_MAX}]})
    name, file_type = prepare_upload(uploaded_file)
    stored = ReportFile.objects.create(
        report=locked,
        file=uploaded_file,
        name=name,
        size=uploaded_file.size,
        content_type=file_type.content_type,
        uploaded_by=access.user,
    )
    record_event(ReportEvent, locked, actor=access.user, action="file_added", data={"name": name})
    return stored


def report_transition(*, access: Access, report: Report, action: str, data: dict | None = None) -> Report:
    return apply_transition(REPORTS, access=access, obj=report, action=action, data=data)


def report_actions(access, report: Report) -> list[str]:
    return allowed_actions(REPORTS, access, report)


def score_transition(*, access: Access, score: Score, action: str, data: dict | None = None) -> Score:
    """release / discard a score (SCORES), approve / reject its comment (COMMENTS)."""
    workflow = COMMENTS if action in COMMENTS.transitions else SCORES
    return apply_transition(workflow, access=access, obj=score, action=action, data=data)


def score_actions(access, score: Score) -> list[str]:
    return allowed_actions(SCORES, access, score) + allowed_actions(COMMENTS, access, score)
