"""Public pages: a congress's deputy directory (its host's /deputies/) and the province-wide deputy search
(the root domain's /deputies/). Anonymous visitors are welcome; only public facts are shown."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from shared_apps.registry import directory
from shared_apps.registry.exports import xlsx_response
from shared_apps.registry.models import Deputy, SeatTier
from tenants.selectors import congress_list_public

# Public lists export at most this many rows (a whole county's roll fits; a province-wide dump does not).
EXPORT_LIMIT = 5000


def directory_list(request):
    """Deputies serving in this congress's open term, 30 a page, optionally of one constituency."""
    constituency = (request.GET.get("constituency") or "").strip()
    seats = directory.directory_seat_list(request.congress, constituency=constituency)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "deputies.xlsx",
            [_("姓名"), _("性别"), _("民族"), _("选区"), _("代表团"), _("工作单位及职务")],
            (
                [
                    s.deputy.name,
                    s.deputy.get_gender_display(),
                    s.deputy.ethnicity,
                    getattr(s.constituency, "name", ""),
                    getattr(s.delegation, "name", ""),
                    s.deputy.work_unit,
                ]
                for s in seats[:EXPORT_LIMIT]
            ),
            title=_("代表名录"),
        )
    return render(
        request,
        "registry/directory/list.html",
        {
            "page": directory.paginate(seats, request.GET.get("page")),
            "constituencies": directory.directory_constituency_names(request.congress),
            "constituency": constituency,
        },
    )


def directory_deputy(request, deputy_id: int):
    """A deputy's public page; 404 unless they serve in this congress's open term."""
    try:
        deputy = directory.directory_deputy_get(request.congress, deputy_id)
    except Deputy.DoesNotExist:
        raise Http404 from None
    directory.attach_seat_urls([deputy])
    here = next((seat for seat in deputy.public_seats if seat.congress_id == request.congress.pk), None)
    return render(
        request,
        "registry/directory/deputy.html",
        {"deputy": deputy, "seat_here": here, "contact_note": directory.CONTACT_NOTE},
    )


def deputy_search(request):
    """The province-wide search by name, tier, congress and constituency (root domain)."""
    filters = directory.SearchFilters.from_params(request.GET)
    if request.GET.get("format") == "xlsx":
        deputies = directory.deputy_search(filters)[:EXPORT_LIMIT]
        return xlsx_response(
            "deputy-search.xlsx",
            [_("姓名"), _("性别"), _("席位")],
            (
                [
                    d.name,
                    d.get_gender_display(),
                    "；".join(f"{s.get_tier_display()} {s.congress or _('全国人民代表大会')}" for s in d.public_seats),
                ]
                for d in deputies
            ),
            title=_("代表查询"),
        )
    page = directory.paginate(directory.deputy_search(filters), request.GET.get("page"))
    directory.attach_seat_urls(page.object_list)
    return render(
        request,
        "registry/directory/search.html",
        {
            "filters": filters,
            "page": page,
            "tiers": SeatTier.choices,
            "congresses": congress_list_public(),
        },
    )
