"""Pages of special committees, key suggestions and B/C commitments. Each form posts to a view that calls one
service of key_items or commitments and comes back with the outcome as a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.registry.exports import xlsx_response
from tenant_apps.suggestions import commitments as commits
from tenant_apps.suggestions import key_items, selectors
from tenant_apps.suggestions.models import CommitmentStatus, Status
from tenant_apps.suggestions.permissions import can_view_suggestions, is_office
from tenants.forms import report_outcome
from tenants.shortcuts import or_404


def _back(request, fallback: str):
    """Where a form came from (its `next` field, if on this site), else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _run(request, call, done: str, fallback: str):
    """Call one service and come back with its outcome as a message."""
    report_outcome(request, call, done)
    return _back(request, fallback)


# -- committees ----------------------------------------------------------------------------------------


@require_access(key_items.can_view_committees)
def committees(request):
    """The committees and their members (the office); the administrators also create and change them here."""
    if request.method == "POST":
        if not key_items.can_manage_committees(request.access):
            raise PermissionDenied
        return _run(
            request,
            lambda: key_items.committee_create(access=request.access, name=request.POST.get("name", "")),
            _("已新建专门委员会。"),
            reverse("suggestions:committees"),
        )
    context = {
        "committees": key_items.committee_list(request.access),
        "can_manage": key_items.can_manage_committees(request.access),
    }
    return render(request, "suggestions/committees.html", context)


@require_POST
@require_access(key_items.can_manage_committees)
def committee_update(request, pk: int):
    """Rename a committee or (de)activate it."""
    committee = or_404(key_items.committee_get_for_user(request.access, pk))
    return _run(
        request,
        lambda: key_items.committee_update(
            access=request.access,
            committee=committee,
            name=request.POST.get("name", ""),
            is_active=request.POST.get("is_active") == "1",
        ),
        _("已保存。"),
        reverse("suggestions:committees"),
    )


@require_POST
@require_access(key_items.can_manage_committees)
def committee_member_add(request, pk: int):
    """Add an account of this congress to a committee, by email."""
    committee = or_404(key_items.committee_get_for_user(request.access, pk))
    return _run(
        request,
        lambda: key_items.committee_member_add(
            access=request.access, committee=committee, email=request.POST.get("email", "")
        ),
        _("已添加成员。"),
        reverse("suggestions:committees"),
    )


@require_POST
@require_access(key_items.can_manage_committees)
def committee_member_remove(request, pk: int, user_id: int):
    """Take an account off a committee."""
    committee = or_404(key_items.committee_get_for_user(request.access, pk))
    return _run(
        request,
        lambda: key_items.committee_member_remove(access=request.access, committee=committee, user_id=user_id),
        _("已移除成员。"),
        reverse("suggestions:committees"),
    )


# -- key suggestions -----------------------------------------------------------------------------------


@require_access(key_items.can_view_key_items)
def key_list(request):
    """The key suggestions the caller follows, with status, lead unit, reply deadline and whether overdue."""
    committee, status = request.GET.get("committee", ""), request.GET.get("status", "")
    items = key_items.key_item_list(request.access, committee_id=committee, status=status)
    office = is_office(request.access)
    context = {
        "items": items,
        "statuses": Status.choices,
        "status": status,
        "committee": committee,
        "committees": key_items.committee_list(request.access) if office else (),
    }
    return render(request, "suggestions/key_list.html", context)


@require_POST
@require_access(can_view_suggestions)
def key_mark(request, pk: int):
    """Record the chairpersons' meeting's decision that the item is a key suggestion (the office)."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    post = request.POST
    return _run(
        request,
        lambda: key_items.suggestion_mark_key(
            access=request.access,
            suggestion=item,
            committee_id=post.get("committee"),
            decided_on=post.get("decided_on"),
            note=post.get("note", ""),
        ),
        _("已登记为重点督办建议。"),
        reverse("suggestions:detail", args=[pk]),
    )


@require_POST
@require_access(can_view_suggestions)
def key_unmark(request, pk: int):
    """Take the key mark off the item (the office)."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    return _run(
        request,
        lambda: key_items.suggestion_unmark_key(access=request.access, suggestion=item, note=request.POST.get("note")),
        _("已取消重点督办。"),
        reverse("suggestions:detail", args=[pk]),
    )


@require_POST
@require_access(can_view_suggestions)
def key_followup_add(request, pk: int):
    """Log a supervision note on a key item (its committee's members, the office)."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    return _run(
        request,
        lambda: key_items.key_followup_add(access=request.access, suggestion=item, text=request.POST.get("text")),
        _("已记录督办情况。"),
        reverse("suggestions:detail", args=[pk]),
    )


# -- commitments ---------------------------------------------------------------------------------------


def _listing(request) -> dict:
    """The year's list from the query string; a bad year shows this year, with the error."""
    this_year = timezone.localdate().year
    try:
        year = commits.year_of(request.GET.get("year") or this_year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        year = this_year
    status, unit = request.GET.get("status", ""), request.GET.get("unit", "")
    rows = list(commits.commitment_list(request.access, year, status=status, unit_id=unit))
    for row in rows:
        updates = list(row.updates.all())  # prefetched
        row.latest_update = updates[-1] if updates else None
    return {"year": year, "status": status, "unit": unit, "rows": rows}


@require_access(commits.can_view_commitments)
def commitments(request):
    """The commitments of a year and those carried over from earlier years, with the forms the caller may use."""
    context = _listing(request)
    commits.with_permissions(request.access, context["rows"])
    context.update(
        statuses=CommitmentStatus.choices,
        units=commits.units_with_commitments(request.access),
        here=request.get_full_path(),
    )
    return render(request, "suggestions/commitments.html", context)


def _row(c) -> list:
    return [
        c.year,
        _("是") if c.carried_over else "",
        c.suggestion.number or "",
        c.suggestion.title,
        c.unit.name,
        c.result_category,
        c.text,
        c.get_status_display(),
        timezone.localtime(c.solved_at).strftime("%Y-%m-%d") if c.solved_at else "",
        c.latest_update.text if c.latest_update else "",
    ]


@require_access(commits.can_view_commitments)
def commitments_xlsx(request):
    """The same list as an .xlsx file."""
    context = _listing(request)
    headers = [
        _("承诺年度"),
        _("结转"),
        _("编号"),
        _("标题"),
        _("主办单位"),
        _("办理结果分类"),
        _("承诺事项"),
        _("落实情况"),
        _("落实时间"),
        _("最新进展"),
    ]
    filename = f"{_('承诺事项跟踪落实')}-{context['year']}.xlsx"
    return xlsx_response(filename, headers, [_row(c) for c in context["rows"]], title=_("承诺事项"))


def _commitment_action(request, pk: int, service, done: str):
    commitment = or_404(commits.commitment_get_for_user(request.access, pk))
    return _run(
        request,
        lambda: service(access=request.access, commitment=commitment, text=request.POST.get("text")),
        done,
        f"{reverse('suggestions:commitments')}?year={commitment.year}",
    )


@require_POST
@require_access(commits.can_view_commitments)
def commitment_update(request, pk: int):
    """The lead unit reports progress."""
    return _commitment_action(request, pk, commits.commitment_update, _("已报告落实进展。"))


@require_POST
@require_access(commits.can_view_commitments)
def commitment_solve(request, pk: int):
    """The office confirms the commitment solved."""
    return _commitment_action(request, pk, commits.commitment_solve, _("已确认落实。"))


@require_POST
@require_access(commits.can_view_commitments)
def commitment_reopen(request, pk: int):
    """The office reopens a commitment."""
    return _commitment_action(request, pk, commits.commitment_reopen, _("已重新打开，继续跟踪。"))
