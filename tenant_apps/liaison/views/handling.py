"""Pages of the handlers' workspace (the inbox, a message with its actions, the sender's mobile on request,
photos) and the sender's rating page. Each parses input and calls one service or selector of handling.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shared_apps.exchange.models import TrackedMatter, Transfer
from shared_apps.memberships.decorators import require_access
from tenant_apps.liaison import abuse, handling
from tenant_apps.liaison.exchange import origin_transfer
from tenant_apps.liaison.models import MessageStatus, Rating
from tenant_apps.liaison.workflow import TRANSITIONS, allowed_actions, can_view_mobile
from tenant_apps.units.models import HandlingUnit
from tenants.files import private_file_response
from tenants.forms import report_outcome
from tenants.services import effective_settings

INPUT_FIELDS = ("reply_text", "public_reply_text", "unit", "note", "title")


def _message_or_404(request, pk: int):
    message = handling.message_get_for_user(request.access, pk)
    if message is None:
        raise Http404
    return message


def category_labels(congress) -> dict[str, str]:
    return {code: label for code, label in effective_settings(congress)["categories.public_message"]}


@require_access(handling.can_use_inbox)
def inbox(request):
    """The messages the caller may handle here, new ones first; `?status=` narrows the list."""
    status = request.GET.get("status", "")
    labels = category_labels(request.access.congress)
    items = list(handling.message_list(request.access, status=status)[:200])
    for item in items:
        item.category_label = labels.get(item.category, item.category)
    return render(
        request,
        "liaison/inbox.html",
        {
            "items": items,
            "status": status if status in MessageStatus.values else "",
            "statuses": [(c, label) for c, label in MessageStatus.choices if c not in handling.HIDDEN],
        },
    )


def escalation_info(message) -> dict | None:
    """Where an escalated message went and where its matter stands now (public read models only)."""
    if message.escalated_transfer_id is None:
        return None
    transfer = Transfer.objects.select_related("target").filter(pk=message.escalated_transfer_id).first()
    matter = TrackedMatter.objects.select_related("congress").filter(code=message.tracking_code).first()
    status = MessageStatus(matter.status).label if matter and matter.status in MessageStatus.values else ""
    return {"transfer": transfer, "matter": matter, "status": status}


def origin_info(message) -> dict | None:
    """Where an escalated message came from, and how this congress answered its transfer."""
    transfer = origin_transfer(message)
    return None if transfer is None else {"transfer": transfer}


def _render(request, message, *, mobile: str | None = None, status: int = 200):
    access = request.access
    actions = [(a, TRANSITIONS[a].label) for a in allowed_actions(access, message)]
    return render(
        request,
        "liaison/message_detail.html",
        {
            "message": message,
            "category": category_labels(access.congress).get(message.category, message.category),
            "photos": list(message.photos.all()),
            "events": list(handling.event_list(message)),
            "actions": actions,
            "units": HandlingUnit.objects.filter(is_active=True) if "forward" in dict(actions) else (),
            "can_view_mobile": can_view_mobile(access, message),
            "mobile": mobile,
            "escalation": escalation_info(message),
            "origin": origin_info(message),
        },
        status=status,
    )


@require_access(handling.can_use_inbox)
def message_handle(request, pk: int):
    """One message: its text, photos, history, and the caller's actions (the mobile masked)."""
    return _render(request, _message_or_404(request, pk))


@require_POST
@require_access(handling.can_use_inbox)
def message_act(request, pk: int):
    """Apply the posted `action` and come back to the message (or the inbox), with the outcome as a notice."""
    message = _message_or_404(request, pk)
    action = request.POST.get("action", "")
    data = {key: request.POST[key] for key in INPUT_FIELDS if key in request.POST}
    transition = TRANSITIONS.get(action)  # an unknown one is refused by the service
    report_outcome(
        request,
        lambda: handling.message_transition(access=request.access, message=message, action=action, **data),
        _("已%(action)s。") % {"action": transition.label} if transition else "",
    )
    if handling.message_get_for_user(request.access, pk) is None:
        return redirect("liaison:inbox")
    return redirect("liaison:message_handle", pk=pk)


@require_POST
@require_access(handling.can_use_inbox)
def message_mobile(request, pk: int):
    """Show the sender's full mobile number once, on this explicit request (logged)."""
    message = _message_or_404(request, pk)
    try:
        mobile = handling.message_mobile_reveal(access=request.access, message=message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("liaison:message_handle", pk=pk)
    response = _render(request, _message_or_404(request, pk), mobile=mobile)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@require_access(handling.can_use_inbox)
def message_photo(request, pk: int, photo_pk: int):
    """Stream one photo of a message to someone who may see the message."""
    message = _message_or_404(request, pk)
    photo = message.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
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
        if not abuse.lookup_allowed(abuse.client_address(request)):
            errors = {"code": [_("操作过于频繁，请10分钟后再试。")]}
        else:
            try:
                done = handling.message_rate(congress=request.access.congress, **values)
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
