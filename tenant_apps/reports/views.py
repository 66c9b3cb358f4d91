"""Pages of online duty reports: the rounds, a round with its reports (the office adds reporters and moves it on),
a report (the deputy writes and publishes it; the public scores it with an SMS code; the results once published),
and the office's moderation of held scores and comments."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.registry.models import Deputy
from tenant_apps.duty.selectors import invitable_seats
from tenant_apps.liaison.abuse import ChallengeRequired
from tenant_apps.reports import records, scoring, selectors, services
from tenant_apps.reports.forms import ReportForm, RoundForm, ScoreForm
from tenant_apps.reports.models import Rating, ReportStatus
from tenant_apps.reports.permissions import can_manage_rounds, can_write_report, viewer_for
from tenant_apps.reports.workflow import (
    COMMENT_TRANSITIONS,
    REPORT_TRANSITIONS,
    REPORTS,
    ROUND_TRANSITIONS,
    ROUNDS,
    SCORE_TRANSITIONS,
    window_open,
)
from tenants.addresses import client_address
from tenants.files import private_file_response
from tenants.forms import action_panels, errors_of, report_outcome, save_form
from tenants.shortcuts import or_404

CONFIRM = {
    "close": _("截止后公众不能再评分。"),
    "publish_results": _("公布后评议结果向社会公开，并记入代表的履职档案。"),
}
SCORE_LABELS = {**SCORE_TRANSITIONS, **COMMENT_TRANSITIONS}


def _panels(actions, transitions, posted_action="", posted=None, errors=None):
    return action_panels(
        actions, transitions, confirm=CONFIRM, posted_action=posted_action, posted=posted, errors=errors
    )


def index(request):
    who = viewer_for(request.access)
    return render(
        request,
        "reports/index.html",
        {"rounds": list(selectors.round_list(who)[:100]), "can_manage": can_manage_rounds(who)},
    )


@require_access(can_manage_rounds, relation=viewer_for)
def round_create(request, who):
    form = RoundForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.round_create(access=request.access, data=form.cleaned_data),
        _("已建立，请确定述职的代表。"),
    )
    if saved:
        return redirect("reports:round", pk=saved.result.pk)
    return render(request, "reports/form.html", {"form": form, "title": _("组织网上述职评议")})


def _render_round(request, round_, *, posted_action="", posted=None, errors=None, status=200):
    who = viewer_for(request.access)
    if not selectors.can_see_round(who, round_):
        raise Http404
    office = can_manage_rounds(who)
    reports = selectors.reports_of(who, round_)
    counts = records.results([r.pk for r in reports]) if selectors.results_visible(who, round_) else {}
    for report in reports:
        report.counts = counts.get(report.pk)
    seated = []
    if office and round_.status == "draft":
        have = {r.deputy_id for r in reports}
        ids = invitable_seats(request.congress, [request.congress.pk]).values("deputy_id")
        seated = [d for d in Deputy.objects.filter(pk__in=ids).order_by("name", "id") if d.pk not in have]
    return render(
        request,
        "reports/round.html",
        {
            "round": round_,
            "reports": reports,
            "office": office,
            "panels": _panels(
                services.round_actions(who, round_) if office else [], ROUND_TRANSITIONS, posted_action, posted, errors
            ),
            "seated": seated,
            "results": bool(counts),
            "ratings": Rating.choices,
            "window_open": window_open(round_),
            "history": ROUNDS.history(round_.events.select_related("actor")) if office else [],
        },
        status=status,
    )


def round_page(request, pk: int):
    return _render_round(request, or_404(selectors.round_get(pk)))


@require_POST
def round_act(request, pk: int):
    round_ = or_404(selectors.round_get(pk))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = request.POST.get("action", "")
    posted = {"note": request.POST.get("note", "")}
    if action in CONFIRM and not request.POST.get("confirm"):
        errors = {"confirm": [_("请勾选确认。")]}
        return _render_round(request, round_, posted_action=action, posted=posted, errors=errors, status=400)
    try:
        services.round_transition(access=request.access, round_=round_, action=action, data=posted)
    except ValidationError as exc:
        errors = errors_of(exc)
        return _render_round(request, round_, posted_action=action, posted=posted, errors=errors, status=400)
    transition = ROUND_TRANSITIONS.get(action)
    messages.success(request, _("已%(action)s。") % {"action": transition.label if transition else action})
    return redirect("reports:round", pk=pk)


@require_POST
@require_access(can_manage_rounds, relation=viewer_for)
def reporters_add(request, pk: int, who):
    round_ = or_404(selectors.round_get(pk))
    report_outcome(
        request,
        lambda: services.reporters_add(
            access=request.access,
            round_=round_,
            deputy_ids=request.POST.getlist("deputy"),
            constituency=request.POST.get("constituency", ""),
        ),
        _("已确定述职代表。"),
    )
    return redirect("reports:round", pk=pk)


def _render_report(
    request, report, *, form=None, score_form=None, score_state=None, posted_action="", errors=None, status=200
):
    who = viewer_for(request.access)
    if not selectors.can_see_report(who, report):
        raise Http404
    writer = can_write_report(who, report)
    editable = writer and report.status != ReportStatus.PUBLISHED and report.round.status in ("draft", "open")
    if editable and form is None:
        form = ReportForm(initial={"title": report.title, "text": report.text, "also_in_person": report.also_in_person})
    counts = records.results([report.pk])[report.pk] if selectors.results_visible(who, report.round) else None
    scoring_open = report.status == ReportStatus.PUBLISHED and window_open(report.round) and not who.access.roles
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "form": form if editable else None,
            "panels": _panels(services.report_actions(who, report), REPORT_TRANSITIONS, posted_action, {}, errors),
            "files": list(report.files.all()),
            "counts": counts,
            "ratings": Rating.choices,
            "comments": list(selectors.approved_comments(report)),
            "scoring_open": scoring_open,
            "score_form": score_form or ScoreForm(),
            "score_state": score_state or {},
            "office": can_manage_rounds(who),
            "history": REPORTS.history(report.events.select_related("actor")) if writer else [],
            "ledger_year": timezone.localdate().year,
        },
        status=status,
    )


def report_page(request, pk: int):
    return _render_report(request, or_404(selectors.report_get(pk)))


@require_POST
def report_edit(request, pk: int):
    report = or_404(selectors.report_get(pk))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ReportForm(request.POST)
    if form.is_valid():
        action = request.POST.get("then", "")
        try:
            # One transaction: a publish refused leaves the report as it was, not half changed.
            with transaction.atomic():
                services.report_edit(access=request.access, report=report, data=form.cleaned_data)
                if action == "publish":
                    services.report_transition(access=request.access, report=report, action="publish")
        except ValidationError as exc:
            for field, problems in errors_of(exc, "text").items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("述职报告已发布。") if action == "publish" else _("已保存。"))
            return redirect("reports:report", pk=pk)
    return _render_report(request, selectors.report_get(pk), form=form, status=400)


@require_POST
def report_act(request, pk: int):
    report = or_404(selectors.report_get(pk))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = request.POST.get("action", "")
    try:
        services.report_transition(
            access=request.access, report=report, action=action, data={"note": request.POST.get("note", "")}
        )
    except ValidationError as exc:
        errors = errors_of(exc)
        return _render_report(request, report, posted_action=action, errors=errors, status=400)
    messages.success(request, _("已%(action)s。") % {"action": REPORT_TRANSITIONS[action].label})
    return redirect("reports:report", pk=pk)


@require_POST
def report_file_add(request, pk: int):
    report = or_404(selectors.report_get(pk))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    report_outcome(
        request,
        lambda: services.report_file_add(access=request.access, report=report, uploaded_file=request.FILES.get("file")),
        _("已上传。"),
    )
    return redirect("reports:report", pk=pk)


@require_GET
def report_file(request, pk: int, file_id: int):
    report = or_404(selectors.report_get(pk))
    if not selectors.can_see_report(viewer_for(request.access), report):
        raise Http404
    found = or_404(report.files.filter(pk=file_id).first())
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return private_file_response(handle, content_type=found.content_type, filename=found.name)


@require_POST
def score(request, pk: int):
    """The public's two steps on one form: "get a code" (step=code), then "score" with it (step=score). Whatever
    was typed stays on the form on every refusal."""
    report = or_404(selectors.report_get(pk))
    if not selectors.can_see_report(viewer_for(request.access), report):
        raise Http404
    data = {key: str(request.POST.get(key, ""))[:600] for key in ScoreForm.base_fields}
    step = request.POST.get("step", "")
    address = client_address(request)
    state: dict = {"code_sent": step == "score"}
    try:
        if step == "code":
            scoring.code_send(
                access=request.access,
                report=report,
                mobile=data["mobile"],
                address=address,
                challenge_token=data["challenge_token"],
                challenge_answer=data["challenge_answer"],
            )
            messages.success(request, _("验证码已发送，请查收短信。"))
            state["code_sent"] = True
            return _render_report(
                request, report, score_form=ScoreForm(initial={**data, "code": ""}), score_state=state
            )
        scoring.score_submit(
            access=request.access,
            report=report,
            mobile=data["mobile"],
            code=data["code"],
            rating=data["rating"],
            comment=data["comment"],
            address=address,
        )
    except ChallengeRequired as exc:
        state.update(question=exc.question, error=exc.reason)
        form = ScoreForm(initial={**data, "challenge_token": exc.token, "challenge_answer": ""})
        return _render_report(request, report, score_form=form, score_state=state, status=400)
    except ValidationError as exc:
        state["error"] = " ".join(exc.messages)
    except PermissionDenied as exc:
        state["error"] = str(exc)
    else:
        messages.success(request, _("感谢您的评价。评议截止并公布后可以查看结果。"))
        return redirect("reports:report", pk=pk)
    return _render_report(request, report, score_form=ScoreForm(initial=data), score_state=state, status=400)


@require_access(can_manage_rounds, relation=viewer_for)
def moderation(request, pk: int, who):
    report = or_404(selectors.report_get(pk))
    rows = []
    for item in selectors.moderation(report):
        rows.append({"score": item, "actions": [(a, SCORE_LABELS[a]) for a in services.score_actions(who, item)]})
    return render(request, "reports/moderation.html", {"report": report, "rows": rows})


@require_POST
@require_access(can_manage_rounds, relation=viewer_for)
def score_act(request, pk: int, score_id: int, who):
    report = or_404(selectors.report_get(pk))
    found = or_404(report.scores.filter(pk=score_id).first())
    action = request.POST.get("action", "")
    transition = SCORE_LABELS.get(action)
    report_outcome(
        request,
        lambda: services.score_transition(
            access=request.access, score=found, action=action, data={"note": request.POST.get("note", "")}
        ),
        _("已%(action)s。") % {"action": transition.label if transition else action},
    )
    return redirect("reports:moderation", pk=pk)
