"""Pages: the list of the items the caller may see, and one item with a button (form) per allowed action.
Every button posts to the one transition view, which calls services.suggestion_transition."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from tenant_apps.suggestions import selectors, services
from tenant_apps.suggestions.models import AssignmentRole, ContactKind, Extension, Status
from tenant_apps.suggestions.permissions import (
    can_view_suggestions,
    is_assigned_unit_staff,
    is_joint_unit_staff,
    is_lead_unit_staff,
    is_office,
)
from tenant_apps.suggestions.workflow import TRANSITIONS, allowed_actions
from tenant_apps.units.models import HandlingUnit
from tenants.services import effective_settings


def _item_or_404(request, pk: int):
    item = selectors.suggestion_get_for_user(request.access, pk)
    if item is None:
        raise Http404
    return item


@require_access(can_view_suggestions)
def index(request):
    """The items the caller may see, optionally of one status."""
    status = request.GET.get("status", "")
    items = selectors.suggestion_list(request.access, status=status)
    return render(request, "suggestions/index.html", {"items": items, "statuses": Status.choices, "status": status})


@require_access(can_view_suggestions)
def detail(request, pk: int):
    """One item, its co-signers and units, the caller's action buttons, and (for the office) its history."""
    item = _item_or_404(request, pk)
    settings = effective_settings(request.access.congress)
    actions = [(a, TRANSITIONS[a].label_zh) for a in allowed_actions(request.access, item)]
    return render(
        request,
        "suggestions/detail.html",
        {
            "item": item,
            "cosigners": item.cosigners.select_related("deputy"),
            "assignments": item.assignments.select_related("unit"),
            "actions": actions,
            "units": HandlingUnit.objects.filter(is_active=True) if "assign" in dict(actions) else (),
            "unit_roles": AssignmentRole.choices,
            "result_categories": settings["categories.result"],
            "evaluation_levels": settings["categories.evaluation"],
            "events": selectors.event_list(item) if is_office(request.access) else None,
            "handling": selectors.handling_get_for_user(request.access, item),
            "warnings": selectors.handling_warnings(item),
            "handling_forms": _handling_forms(request.access, item),
            "contact_kinds": ContactKind.choices,
        },
    )


def _handling_forms(access, item) -> set[str]:
    """The handling forms to show the caller (the services check again when a form is posted)."""
    if item.status not in services.HANDLING_STATUSES:
        return set()
    extension = Extension.objects.filter(suggestion=item).first()
    shown = {
        "contact": is_assigned_unit_staff(access, item),
        "joint_opinion": is_joint_unit_staff(access, item),
        "extension_request": extension is None and is_lead_unit_staff(access, item),
        "extension_decide": extension is not None and extension.approved is None and is_office(access),
    }
    return {name for name, show in shown.items() if show}


def _run(request, pk: int, service, done: str, **kwargs):
    """Call one handling service for the posted form and come back to the item with the outcome."""
    item = _item_or_404(request, pk)
    try:
        service(access=request.access, suggestion=item, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权进行这项操作。"))
    else:
        messages.success(request, done)
    return redirect("suggestions:detail", pk=pk)


@require_POST
@require_access(can_view_suggestions)
def contact_log(request, pk: int):
    """Log a contact with the deputies (面商 included)."""
    data = {k: request.POST.get(k, "") for k in ("kind", "happened_on", "form", "summary", "unit")}
    return _run(request, pk, services.contact_log, _("已记录沟通情况。"), data=data)


@require_POST
@require_access(can_view_suggestions)
def joint_opinion_submit(request, pk: int):
    """Send the joint unit's opinion to the lead unit."""
    post = request.POST
    return _run(
        request,
        pk,
        services.joint_opinion_submit,
        _("已提交会办意见。"),
        text=post.get("text", ""),
        unit_id=post.get("unit"),
    )


@require_POST
@require_access(can_view_suggestions)
def extension_request(request, pk: int):
    """Ask the office for the item's one extension."""
    post = request.POST
    return _run(
        request,
        pk,
        services.extension_request,
        _("已申请延期。"),
        months=post.get("months"),
        reason=post.get("reason", ""),
    )


@require_POST
@require_access(can_view_suggestions)
def extension_decide(request, pk: int):
    """Approve or refuse the pending extension."""
    approved = {"yes": True, "no": False}.get(request.POST.get("approved", ""))
    return _run(
        request, pk, services.extension_decide, _("已审批延期。"), approved=approved, note=request.POST.get("note", "")
    )


def _transition_data(post) -> dict:
    """The transition's input from the posted form (the same keys as the API's)."""
    data = {
        k: post[k]
        for k in ("note", "into", "result_category", "reply_public_text", "attitude", "result")
        if post.get(k)
    }
    if post.get("all_cosigners_agree"):
        data["all_cosigners_agree"] = True
    units = [{"unit": post["lead_unit"], "role": AssignmentRole.LEAD}] if post.get("lead_unit") else []
    for role in (AssignmentRole.JOINT, AssignmentRole.ASSISTING, AssignmentRole.SEPARATE):
        units += [{"unit": unit, "role": role} for unit in post.getlist(f"{role}_units") if unit]
    if units:
        data["units"] = units
    return data


@require_POST
@require_access(can_view_suggestions)
def transition(request, pk: int):
    """Apply the posted `action` and come back to the item, with the outcome as a message."""
    item = _item_or_404(request, pk)
    action = request.POST.get("action", "")
    try:
        services.suggestion_transition(
            access=request.access, suggestion=item, action=action, **_transition_data(request.POST)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权进行这项操作。"))
    else:
        messages.success(request, _("已%(action)s。") % {"action": TRANSITIONS[action].label_zh})
    if selectors.suggestion_get_for_user(request.access, pk) is None:
        return redirect("suggestions:index")
    return redirect("suggestions:detail", pk=pk)
