"""Pages: the public's message form (to a station or to a deputy), the thanks page with the tracking code, and
the staff's review of held messages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.registry.models import Deputy, SeatStatus
from tenant_apps.liaison import abuse, submission
from tenant_apps.liaison.models import MessageStatus, Station
from tenants.forms import add_service_errors

SENT_SESSION_KEY = "liaison_sent"


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _PhotosField(forms.FileField):
    """Several photos in one input; the service checks them (count, size, type by content)."""

    def clean(self, data, initial=None):
        return list(data or [])


class MessageForm(forms.Form):
    # Every check is the service's (one set of messages for the page and the API); the form only carries input.
    category = forms.CharField(label=gettext_lazy("留言类别"), required=False, widget=forms.Select)
    text = forms.CharField(
        label=gettext_lazy("留言内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": submission.TEXT_MAX}),
    )
    photos = _PhotosField(
        label=gettext_lazy("照片（可选，最多4张，每张不超过5MB）"),
        required=False,
        widget=_MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    sender_name = forms.CharField(label=gettext_lazy("姓名（不公开）"), required=False)
    mobile = forms.CharField(
        label=gettext_lazy("手机号码（用于答复和查询，不公开）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    is_anonymous = forms.BooleanField(label=gettext_lazy("在互动之窗公开时隐去我的姓名"), required=False, initial=True)
    challenge_token = forms.CharField(required=False, widget=forms.HiddenInput)
    challenge_answer = forms.CharField(
        label=gettext_lazy("验证问题"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = [("", "—"), *submission.categories(congress)]
        self.challenge_question = ""


def _station_or_404(code: str) -> Station:
    station = Station.objects.filter(code=code).first()
    if station is None:
        raise Http404
    return station


def _deputy_serving_here_or_404(congress, deputy_id: int) -> Deputy:
    deputy = Deputy.objects.filter(pk=deputy_id, seats__congress=congress, seats__status=SeatStatus.SERVING).first()
    if deputy is None:
        raise Http404
    return deputy


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
            message = submission.message_submit(
                congress=request.congress,
                station=station,
                deputy=deputy,
                data=data,
                photos=request.FILES.getlist("photos"),
                client_address=abuse.client_address(request),
            )
        except abuse.ChallengeRequired as exc:
            form = _with_challenge(request, form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[SENT_SESSION_KEY] = {"code": message.tracking_code, "status": message.status}
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
    return _message_form(request, station=_station_or_404(code))


def message_new_to_deputy(request, deputy_id: int):
    """Anyone: write to a deputy serving in this congress."""
    return _message_form(request, deputy=_deputy_serving_here_or_404(request.congress, deputy_id))


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


@require_access(submission.can_view_held_list)
def held_list(request):
    return render(
        request,
        "liaison/message_held.html",
        {"held": submission.held_message_list(request.access), "reason_max": submission.REASON_MAX},
    )


def _held_or_404(request, pk: int):
    message = submission.held_message_get_for_user(request.access, pk)
    if message is None:
        raise Http404
    return message


def _review(request, service, success: str, **kwargs):
    try:
        message = service(access=request.access, **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, success % {"code": message.tracking_code})
    return redirect("liaison:message_held_list")


@require_POST
@require_access(submission.can_view_held_list)
def message_release(request, pk: int):
    message = _held_or_404(request, pk)
    return _review(request, submission.message_release, _("留言%(code)s已放行，转入待处理。"), message=message)


@require_POST
@require_access(submission.can_view_held_list)
def message_discard(request, pk: int):
    message = _held_or_404(request, pk)
    return _review(
        request,
        submission.message_discard,
        _("留言%(code)s已不予受理。"),
        message=message,
        reason=request.POST.get("reason", ""),
    )
