"""Pages of the handlers' workspace (the inbox, a message with its actions, the sender's mobile on request,
photos) and the sender's rating page. Each parses input and calls one service or selector; the caller's
Handler is read once per request (by require_access, which hands it to the view as `who`) and passed to every
predicate, selector and service."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shared_apps.idempotency.forms import ALREADY_SUBMITTED, form_once
from shared_apps.memberships.decorators import require_access
from tenant_apps.liaison import abuse, selectors
from tenant_apps.liaison.models import MessageStatus, Rating
from tenant_apps.liaison.permissions import Handler, can_use_inbox, can_view_mobile, handler_for
from tenant_apps.liaison.services import messages as services
from tenant_apps.liaison.workflow import MESSAGES, TRANSITIONS, allowed_actions
from tenant_apps.units.models import HandlingUnit
from tenants.addresses import client_address
from tenants.files import private_file_response
from tenants.forms import report_outcome
from tenants.shortcuts import or_404

INPUT_FIELDS = ("reply_text", "public_reply_text", "unit", "note", "title")


@require_access(can_use_inbox, relation=handler_for)
def inbox(request, who: Handler):
    """The messages the caller may handle here, new ones first; `?status=` narrows the list."""
    status = request.GET.get("status", "")
    labels = selectors.category_labels(who.congress)
    items: list[Any] = list(selectors.message_list(who, status=status)[:200])  # each gets its category's label
    for item in items:
        item.category_label = labels.get(item.category, item.category)
    return render(
        request,
        "liaison/inbox.html",
        {
            "items": items,
            "status": status if status in MessageStatus.values else "",
            "statuses": [(c, label) for c, label in MessageStatus.choices if c not in selectors.HIDDEN],
        },
    )


def _render(
    request, handler: Handler, message, *, mobile: str | None = None, posted: dict | None = None, status: int = 200
):
    actions = [(a, TRANSITIONS[a].label) for a in allowed_actions(handler, message)]
    return render(
        request,
        "liaison/message_detail.html",
        {
            "message": message,
            "category": selectors.category_labels(handler.congress).get(message.category, message.category),
            "photos": list(message.photos.all()),
            "history": MESSAGES.history(message.events.select_related("actor")),
            "actions": actions,
            "units": HandlingUnit.objects.filter(is_active=True) if "forward" in dict(actions) else (),
            "can_view_mobile": can_view_mobile(handler, message),
            "mobile": mobile,
            "escalation": selectors.escalation_info(message),
            "origin": selectors.origin_info(message),
            "posted": posted or {},
        },
        status=status,
    )


@require_access(can_use_inbox, relation=handler_for)
def message_handle(request, pk: int, who: Handler):
    """One message: its text, photos, history, and the caller's actions (the mobile masked)."""
    handler = who
    return _render(request, handler, or_404(selectors.message_get_for_user(handler, pk)))


def _reply(request, handler: Handler, message, data: dict):
    """The reply, at most once per its form's one-time token: a double submit answers nothing twice and says so.
    Refused, the page again (400) with the reply panel holding what was typed and the same token."""
    try:
        with form_once(request, form="liaison.reply") as once:
            if once.done is None:
                services.message_transition(access=handler, message=message, action="reply", **data)
                once.record(reverse("liaison:message_handle", kwargs={"pk": message.pk}))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render(request, handler, message, posted=data, status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权进行这项操作。"))
    else:
        if once.done is not None:
            messages.info(request, ALREADY_SUBMITTED)
        else:
            messages.success(request, _("已%(action)s。") % {"action": TRANSITIONS["reply"].label})
    return None


@require_POST
@require_access(can_use_inbox, relation=handler_for)
def message_act(request, pk: int, who: Handler):
    """Apply the posted `action` and come back to the message (or the inbox), with the outcome as a notice."""
    handler = who
    message = or_404(selectors.message_get_for_user(handler, pk))
    action = request.POST.get("action", "")
    data = {key: request.POST[key] for key in INPUT_FIELDS if key in request.POST}
    transition = TRANSITIONS.get(action)  # an unknown one is refused by the service
    if action == "reply":
        refused = _reply(request, handler, message, data)
        if refused is not None:
            return refused
    else:
        report_outcome(
            request,
            lambda: services.message_transition(access=handler, message=message, action=action, **data),
            _("已%(action)s。") % {"action": transition.label} if transition else "",
        )
    # After a forward or an escalation the caller may no longer see the message: back to the inbox then.
    if selectors.message_get_for_user(handler, pk) is None:
        return redirect("liaison:inbox")
    return redirect("liaison:message_handle", pk=pk)


@require_POST
@require_access(can_use_inbox, relation=handler_for)
def message_mobile(request, pk: int, who: Handler):
    """Show the sender's full mobile number once, on this explicit request (logged)."""
    handler = who
    message = or_404(selectors.message_get_for_user(handler, pk))
    try:
        mobile = services.message_mobile_reveal(access=handler, message=message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("liaison:message_handle", pk=pk)
    response = _render(request, handler, or_404(selectors.message_get_for_user(handler, pk)), mobile=mobile)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@require_access(can_use_inbox, relation=handler_for)
def message_photo(request, pk: int, photo_pk: int, who: Handler):
    """Stream one photo of a message to someone who may see the message."""
    message = or_404(selectors.message_get_for_user(who, pk))
    photo = or_404(message.photos.filter(pk=photo_pk).first())
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return private_file_response(handle, content_type=photo.content_type)


def rate(request):
    """The sender rates the answer with the tracking code and the mobile's last four digits (no account)."""
    values = {"code": "", "mobile_last4": "", "rating": ""}
    errors: dict[str, list[str]] = {}
    done = None
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        # SECURITY: a rating names a code and the mobile's last digits; limited per address like a lookup.
        if not abuse.lookup_allowed(client_address(request)):
            errors = {"code": [_("操作过于频繁，请10分钟后再试。")]}
        else:
            try:
                done = services.message_rate(congress=request.access.congress, **values)
            except ValidationError as exc:
                errors = exc.message_dict
    elif request.GET.get("code"):
        values["code"] = request.GET["code"].strip()
    return render(
        request,
        "liaison/rate.html",
        {"values": values, "errors": errors, "done": done, "ratings": Rating.choices},
        status=400 if errors else 200,
    )
