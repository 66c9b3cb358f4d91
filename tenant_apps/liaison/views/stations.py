"""Pages of the stations: the public index and station page (phone-first, anonymous), the QR code and the
poster, and the office's station management (list, create, edit, activate, deputies on duty, staff)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from tenant_apps.liaison import posters, stations, window
from tenant_apps.liaison.models import Station, StationDeputy, StationKind
from tenants.forms import add_service_errors

# -- public --------------------------------------------------------------------------------------------


def _reverse_or(name: str, fallback: str, **kwargs) -> str:
    # The message pages are another part of this module; their fixed paths stand in if a name is missing.
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback


def message_url(code: str) -> str:
    """Where the station's "给代表留言" button goes: the message form for the station."""
    return _reverse_or("liaison:message_new", f"/liaison/s/{code}/message/", code=code)


def deputy_message_url(deputy_id: int) -> str:
    """The message form addressed to one deputy."""
    return _reverse_or("liaison:message_new_to_deputy", f"/liaison/d/{deputy_id}/message/", deputy_id=deputy_id)


def track_url() -> str:
    return _reverse_or("liaison:track", "/liaison/track/")


def _public_station(code: str) -> Station:
    station = stations.station_public_get(code)
    if station is None:
        raise Http404
    return station


def index(request):
    """The congress's active stations, the online one first, each with its address and reception days."""
    listed = sorted(stations.station_list(), key=lambda s: (s.kind != StationKind.ONLINE, s.name))
    return render(
        request,
        "liaison/index.html",
        {"stations": listed, "can_manage": stations.can_manage_stations(request.access)},
    )


def station_page(request, code: str):
    """A station's public page, opened from its QR poster: where and when, the deputies on duty, the button to
    write to them, and the station's interaction window."""
    station = _public_station(code)
    page = window.page_of(window.for_station(station), request.GET.get("page"), request.congress)
    deputies = [d for d in stations.duty_deputies(station, request.congress) if d.serving_here]
    return render(
        request,
        "liaison/station_page.html",
        {
            "station": station,
            "deputies": deputies,
            "message_url": message_url(station.code),
            "track_url": track_url(),
            "page": page,
            "can_manage": stations.can_manage_stations(request.access),
        },
    )


def _file(content: bytes, content_type: str, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = content_disposition_header(as_attachment=attachment, filename=filename)
    assert disposition is not None  # None only without a filename, and every caller names the file
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "public, max-age=3600"
    return response


def station_qr_png(request, code: str):
    station = _public_station(code)
    url = posters.station_url(request.congress, station)
    return _file(posters.qr_png(url), "image/png", f"{station.code}-qr.png")


def station_qr_svg(request, code: str):
    station = _public_station(code)
    url = posters.station_url(request.congress, station)
    return _file(posters.qr_svg(url, title=station.name), "image/svg+xml", f"{station.code}-qr.svg")


def station_poster(request, code: str):
    """The printable A4 poster (PDF) with the station's name and QR code."""
    station = _public_station(code)
    url = posters.station_url(request.congress, station)
    pdf = posters.poster_pdf(request.congress, station, url)
    return _file(pdf, "application/pdf", f"{station.name}-{_('二维码海报')}.pdf", attachment=True)


# -- the office ----------------------------------------------------------------------------------------


class StationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    code = forms.CharField(
        label=gettext_lazy("代码"),
        max_length=40,
        help_text=gettext_lazy("用于网址和二维码，只能使用小写字母、数字和连字符，例如 qingyan-1。"),
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    reception_days = forms.CharField(
        label=gettext_lazy("接待时间"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("例如：每月10日、20日上午"),
    )
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=40, required=False)
    introduction = forms.CharField(label=gettext_lazy("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, online: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if online:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("网上联络站的代码不能修改。")


def _station_or_404(pk) -> Station:
    station = stations.station_get(pk)
    if station is None:
        raise Http404
    return station


@require_access(stations.can_manage_stations)
def station_list(request):
    """Every station of the congress, inactive ones included, with their posters."""
    return render(request, "liaison/station_list.html", {"stations": stations.station_list(include_inactive=True)})


@require_access(stations.can_manage_stations)
def station_create(request):
    form = StationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            station = stations.station_create(access=request.access, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("联络站已建立。"))
            return redirect("liaison:station_detail", pk=station.pk)
    return render(request, "liaison/station_form.html", {"form": form, "station": None})


@require_access(stations.can_manage_stations)
def station_detail(request, pk: int):
    """The office's view of a station: its facts, deputies on duty, staff, poster links and history."""
    station = _station_or_404(pk)
    return render(
        request,
        "liaison/station_detail.html",
        {
            "station": station,
            "deputies": stations.duty_deputies(station, request.congress),
            "staff": stations.staff_accounts(station),
            "events": stations.station_events(station)[:50],
            "public_url": posters.station_url(request.congress, station),
        },
    )


@require_access(stations.can_manage_stations)
def station_edit(request, pk: int):
    station = _station_or_404(pk)
    initial = {f: getattr(station, f) for f in stations.EDITABLE_FIELDS}
    online = station.kind == StationKind.ONLINE
    form = StationForm(request.POST or None, initial=initial, online=online)
    if request.method == "POST" and form.is_valid():
        try:
            stations.station_update(access=request.access, station=station, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("联络站信息已保存。"))
            return redirect("liaison:station_detail", pk=pk)
    return render(request, "liaison/station_form.html", {"form": form, "station": station})


@require_POST
@require_access(stations.can_manage_stations)
def station_set_active(request, pk: int):
    """Deactivate (is_active=0) or bring back (is_active=1) a station."""
    station = _station_or_404(pk)
    is_active = request.POST.get("is_active") == "1"
    try:
        stations.station_set_active(access=request.access, station=station, is_active=is_active)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("联络站已重新启用。") if is_active else _("联络站已停用。"))
    return redirect("liaison:station_detail", pk=pk)


@require_access(stations.can_manage_stations)
def station_deputies(request, pk: int):
    """The deputies on duty: a tick and a duty note for each deputy serving in this congress."""
    station = _station_or_404(pk)
    current = dict(StationDeputy.objects.filter(station=station).values_list("deputy_id", "duty_note"))
    errors: list[str] = []
    if request.method == "POST":
        chosen = request.POST.getlist("deputy")
        data = [{"deputy": d, "duty_note": request.POST.get(f"note_{d}", "")} for d in chosen]
        try:
            stations.station_deputies_set(access=request.access, station=station, deputies=data)
        except ValidationError as exc:
            errors = exc.messages
            current = {_int(d["deputy"]): d["duty_note"] for d in data}
        else:
            messages.success(request, _("进站代表已保存。"))
            return redirect("liaison:station_detail", pk=pk)
    rows = [
        {"deputy": d, "checked": d.pk in current, "note": current.get(d.pk, "")}
        for d in stations.serving_deputies_here(request.congress)
    ]
    return render(request, "liaison/station_deputies.html", {"station": station, "rows": rows, "errors": errors})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_access(stations.can_manage_stations)
def station_staff(request, pk: int):
    """The station's staff: a tick for each account that is a member of this congress."""
    station = _station_or_404(pk)
    chosen = {u.pk for u in stations.staff_accounts(station)}
    errors: list[str] = []
    if request.method == "POST":
        users = request.POST.getlist("user")
        try:
            stations.station_staff_set(access=request.access, station=station, users=users)
        except ValidationError as exc:
            errors = exc.messages
            chosen = {_int(u) for u in users}
        else:
            messages.success(request, _("工作人员已保存。"))
            return redirect("liaison:station_detail", pk=pk)
    rows = [{"user": u, "checked": u.pk in chosen} for u in stations.member_accounts(request.congress)]
    return render(request, "liaison/station_staff.html", {"station": station, "rows": rows, "errors": errors})
