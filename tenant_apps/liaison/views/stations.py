"""Pages of the stations: the public index and station page (phone-first, anonymous), the QR code and the
poster, and the office's station management (list, create, edit, activate, deputies on duty, staff)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from tenant_apps.liaison import posters, selectors, window
from tenant_apps.liaison.forms import StationForm
from tenant_apps.liaison.models import StationDeputy, StationKind
from tenant_apps.liaison.permissions import can_manage_stations
from tenant_apps.liaison.services import stations
from tenants.forms import save_form
from tenants.shortcuts import or_404
from tenants.workflow.history import history_rows

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


def index(request):
    """The congress's active stations, the online one first, each with its address and reception days."""
    listed = sorted(selectors.station_list(), key=lambda s: (s.kind != StationKind.ONLINE, s.name))
    return render(
        request,
        "liaison/index.html",
        {"stations": listed, "can_manage": can_manage_stations(request.access)},
    )


def station_page(request, code: str):
    """A station's public page, opened from its QR poster: where and when, the deputies on duty, the button to
    write to them, and the station's interaction window."""
    station = or_404(selectors.station_public_get(code))
    page = window.page_of(window.for_station(station), request.GET.get("page"), request.congress)
    deputies = [d for d in selectors.duty_deputies(station, request.congress) if d.serving_here]
    return render(
        request,
        "liaison/station_page.html",
        {
            "station": station,
            "deputies": deputies,
            "message_url": message_url(station.code),
            "track_url": track_url(),
            "page": page,
            "can_manage": can_manage_stations(request.access),
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
    station = or_404(selectors.station_public_get(code))
    url = posters.station_url(request.congress, station)
    return _file(posters.qr_png(url), "image/png", f"{station.code}-qr.png")


def station_qr_svg(request, code: str):
    station = or_404(selectors.station_public_get(code))
    url = posters.station_url(request.congress, station)
    return _file(posters.qr_svg(url, title=station.name), "image/svg+xml", f"{station.code}-qr.svg")


def station_poster(request, code: str):
    """The printable A4 poster (PDF) with the station's name and QR code."""
    station = or_404(selectors.station_public_get(code))
    url = posters.station_url(request.congress, station)
    pdf = posters.poster_pdf(request.congress, station, url)
    return _file(pdf, "application/pdf", f"{station.name}-{_('二维码海报')}.pdf", attachment=True)


# -- the office ----------------------------------------------------------------------------------------


@require_access(can_manage_stations)
def station_list(request):
    """Every station of the congress, inactive ones included, with their posters."""
    return render(request, "liaison/station_list.html", {"stations": selectors.station_list(include_inactive=True)})


@require_access(can_manage_stations)
def station_create(request):
    form = StationForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: stations.station_create(access=request.access, data=form.cleaned_data),
        _("联络站已建立。"),
    )
    if saved:
        return redirect("liaison:station_detail", pk=saved.result.pk)
    return render(request, "liaison/station_form.html", {"form": form, "station": None})


@require_access(can_manage_stations)
def station_detail(request, pk: int):
    """The office's view of a station: its facts, deputies on duty, staff, poster links and history."""
    station = or_404(selectors.station_get(pk))
    return render(
        request,
        "liaison/station_detail.html",
        {
            "station": station,
            "deputies": selectors.duty_deputies(station, request.congress),
            "staff": selectors.staff_accounts(station),
            "history": history_rows(selectors.station_events(station)[:50], label=lambda e: e.get_kind_display()),
            "public_url": posters.station_url(request.congress, station),
        },
    )


@require_access(can_manage_stations)
def station_edit(request, pk: int):
    station = or_404(selectors.station_get(pk))
    initial = {f: getattr(station, f) for f in stations.EDITABLE_FIELDS}
    online = station.kind == StationKind.ONLINE
    form = StationForm(request.POST or None, initial=initial, online=online)
    saved = save_form(
        request,
        form,
        lambda: stations.station_update(access=request.access, station=station, data=form.cleaned_data),
        _("联络站信息已保存。"),
    )
    if saved:
        return redirect("liaison:station_detail", pk=pk)
    return render(request, "liaison/station_form.html", {"form": form, "station": station})


@require_POST
@require_access(can_manage_stations)
def station_set_active(request, pk: int):
    """Deactivate (is_active=0) or bring back (is_active=1) a station."""
    station = or_404(selectors.station_get(pk))
    is_active = request.POST.get("is_active") == "1"
    try:
        stations.station_set_active(access=request.access, station=station, is_active=is_active)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("联络站已重新启用。") if is_active else _("联络站已停用。"))
    return redirect("liaison:station_detail", pk=pk)


@require_access(can_manage_stations)
def station_deputies(request, pk: int):
    """The deputies on duty: a tick and a duty note for each deputy serving in this congress."""
    station = or_404(selectors.station_get(pk))
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
        for d in selectors.serving_deputies_here(request.congress)
    ]
    return render(request, "liaison/station_deputies.html", {"station": station, "rows": rows, "errors": errors})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_access(can_manage_stations)
def station_staff(request, pk: int):
    """The station's staff: a tick for each account that is a member of this congress."""
    station = or_404(selectors.station_get(pk))
    chosen = {u.pk for u in selectors.staff_accounts(station)}
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
    rows = [{"user": u, "checked": u.pk in chosen} for u in selectors.member_accounts(request.congress)]
    return render(request, "liaison/station_staff.html", {"station": station, "rows": rows, "errors": errors})
