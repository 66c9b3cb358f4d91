"""Pages: the public's message form (to a station or to a deputy), the thanks page with the tracking code, and
the staff's review of held messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.idempotency.forms import ALREADY_SUBMITTED, form_once
from shared_apps.memberships.decorators import require_access
from tenant_apps.liaison import abuse, selectors
from tenant_apps.liaison.forms import MessageForm
from tenant_apps.liaison.models import MessageStatus
from tenant_apps.liaison.permissions import Handler, can_view_held_list, handler_for
from tenant_apps.liaison.services import submission
from tenant_apps.liaison.workflow import REASON_MAX
from tenants.addresses import client_address
from tenants.forms import add_service_errors
from tenants.shortcuts import or_404

SENT_SESSION_KEY = "liaison_sent"


def _with_challenge(request, form: MessageForm, exc: abuse.ChallengeRequired) -> MessageForm:
    """The form again with the sender's input, a fresh challenge and the reason (photos must be chosen again)."""
    data = request.POST.copy()
    data["challenge_token"], data["challenge_answer"] = exc.token, ""
    again = MessageForm(data, congress=request.congress)
    again.is_valid()
    again.add_error("challenge_answer", exc.reason)
    again.challenge_question = exc.question
    return again


def _message_form(request, *, station=None, deputy=None):
    form = MessageForm(request.POST or None, request.FILES or None, congress=request.congress)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        try:
            # A double submit (or a retry after a timeout) with the form's one-time token sends nothing again.
            with form_once(request, form="liaison.message") as once:
                if once.done is None:
                    message = submission.message_submit(
                        congress=request.congress,
                        station=station,
                        deputy=deputy,
                        data=data,
                        photos=request.FILES.getlist("photos"),
                        client_address=client_address(request),
                    )
                    sent = {"code": message.tracking_code, "status": message.status}
                    once.record(reverse("liaison:message_sent"), data=sent)
        except abuse.ChallengeRequired as exc:
            form = _with_challenge(request, form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if once.done is not None:
                messages.info(request, ALREADY_SUBMITTED)
                sent = once.data
            # The same thanks page as the first time, with its tracking code (kept in the session).
            request.session[SENT_SESSION_KEY] = sent
            return redirect("liaison:message_sent")
    target = station.name if station is not None else _("%(name)s代表") % {"name": deputy.name}
    inactive = station is not None and not station.is_active
    return render(
        request,
        "liaison/message_form.html",
        {"form": form, "target": target, "station": station, "deputy": deputy, "inactive": inactive},
    )


def message_new(request, code: str):
    """Anyone: write to a station (the page its QR poster opens)."""
    return _message_form(request, station=or_404(selectors.station_by_code(code)))


def message_new_to_deputy(request, deputy_id: int):
    """Anyone: write to a deputy serving in this congress."""
    return _message_form(request, deputy=or_404(selectors.deputy_serving_here(request.congress, deputy_id)))


def message_sent(request):
    """The sender's thanks page with the tracking code (kept in their session, so a reload shows it again)."""
    sent = request.session.get(SENT_SESSION_KEY)
    if not sent:
        return redirect("liaison:track")
    return render(
        request,
        "liaison/message_sent.html",
        {"code": sent["code"], "held": sent["status"] == MessageStatus.HELD, "status": MessageStatus(sent["status"])},
    )


# -- held messages (staff) ------------------------------------------------------------------------------------


@require_access(can_view_held_list, relation=handler_for)
def held_list(request, who: Handler):
    return render(
        request,
        "liaison/message_held.html",
        {"held": selectors.held_message_list(who), "reason_max": REASON_MAX},
    )


def _review(request, who: Handler, service, success: str, **kwargs):
    try:
        message = service(access=who, **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, success % {"code": message.tracking_code})
    return redirect("liaison:message_held_list")


@require_POST
@require_access(can_view_held_list, relation=handler_for)
def message_release(request, pk: int, who: Handler):
    message = or_404(selectors.held_message_get_for_user(who, pk))
    return _review(request, who, submission.message_release, _("留言%(code)s已放行，转入待处理。"), message=message)


@require_POST
@require_access(can_view_held_list, relation=handler_for)
def message_discard(request, pk: int, who: Handler):
    message = or_404(selectors.held_message_get_for_user(who, pk))
    return _review(
        request,
        who,
        submission.message_discard,
        _("留言%(code)s已不予受理。"),
        message=message,
        reason=request.POST.get("reason", ""),
    )
