"""Pages of the interaction window (互动之窗: the congress's, a deputy's, a deputy studio's; a station's is on its
page) and of the figures (the office's, and the roll-up of the congresses below)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from shared_apps.memberships.decorators import require_access
from shared_apps.registry import directory
from shared_apps.registry.models import Deputy
from tenant_apps.groups.models import Studio
from tenant_apps.liaison import figures, window
from tenant_apps.liaison.permissions import can_view_figures
from tenant_apps.liaison.views.stations import deputy_message_url, track_url
from tenants.shortcuts import or_404


def congress_window(request):
    """Every approved message of the congress with its public reply, 20 a page."""
    page = window.page_of(window.window_messages(), request.GET.get("page"), request.congress)
    return render(request, "liaison/window.html", {"page": page})


def deputy_page(request, deputy_id: int):
    """A deputy's public page here: public facts, response figures, and their approved messages; 404 unless
    the deputy serves in this congress's open term."""
    try:
        deputy = directory.directory_deputy_get(request.congress, deputy_id)
    except Deputy.DoesNotExist:
        raise Http404 from None
    seat = next((s for s in deputy.public_seats if s.congress_id == request.congress.pk), None)
    return render(
        request,
        "liaison/deputy.html",
        {
            "deputy": deputy,
            "seat_here": seat,
            "figures": figures.deputy_public_figures(deputy),
            "page": window.page_of(window.for_deputy(deputy), request.GET.get("page"), request.congress),
            "message_url": deputy_message_url(deputy.pk),
            "track_url": track_url(),
        },
    )


def studio_window(request, pk: int):
    """A deputy studio's window: approved messages addressed to the deputies on duty there."""
    studio = or_404(Studio.objects.filter(pk=pk).first())
    ids = window.studio_deputy_ids(studio)
    deputies = Deputy.objects.filter(pk__in=ids).only("id", "name").order_by("name", "id")
    page = window.page_of(window.for_deputies(ids), request.GET.get("page"), request.congress)
    return render(request, "liaison/window_studio.html", {"studio": studio, "deputies": deputies, "page": page})


def _period(request) -> tuple[figures.Period | None, dict]:
    try:
        return figures.period_from(request.GET), {}
    except ValidationError as exc:
        return None, exc.message_dict


@require_access(can_view_figures)
def figures_page(request):
    """The office's figures for a year or a date range: the congress, each station, each deputy."""
    period, errors = _period(request)
    context = {"period": period, "errors": errors, "years": _years(), "params": request.GET}
    if period is not None:
        context.update(
            {
                "total": figures.congress_figures(period),
                "stations": figures.station_figures(period),
                "deputies": figures.deputy_figures(period),
            }
        )
    return render(request, "liaison/figures.html", context)


@require_access(can_view_figures)
def figures_rollup(request):
    """The year's figures of every congress below this one, from the public read model."""
    period, errors = _period(request)
    year = period.start.year if period is not None else timezone.localdate().year
    rows, total = figures.rollup_for(request.congress, year)
    return render(
        request,
        "liaison/figures_rollup.html",
        {"rows": rows, "total": total, "year": year, "years": _years(), "errors": errors},
    )


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))
