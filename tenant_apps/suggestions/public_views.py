"""Pages of publication: the public list and page of published items (anonymous visitors welcome; only the
visible parts are shown), and the office's and the lead deputy's forms on the item page."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from tenant_apps.suggestions import publication
from tenant_apps.suggestions.models import Kind
from tenant_apps.suggestions.permissions import can_view_suggestions
from tenant_apps.suggestions.views import run_item_service
from tenants.selectors import effective_settings


def public_index(request):
    """Published items, 20 a page, searched by `q` (every term, in the visible parts) and filtered by year,
    result category and kind."""
    filters = publication.PublicFilters.from_params(request.GET)
    page = publication.paginate(publication.public_search(filters), request.GET.get("page"))
    page.object_list = publication.public_rows(page.object_list, request.congress)
    return render(
        request,
        "suggestions/public_index.html",
        {
            "filters": filters,
            "page": page,
            "years": publication.public_years(),
            "results": effective_settings(request.congress)["categories.result"],
            "kinds": Kind.choices,
        },
    )


def public_detail(request, pk: int):
    """One published item: its visible parts, the units and the reply; 404 unless published and not classified."""
    item = publication.public_get(pk)
    if item is None:
        raise Http404
    return render(
        request,
        "suggestions/public_detail.html",
        {"item": publication.public_detail(item, request.congress), "hidden_note": publication.HIDDEN_NOTE},
    )


@require_POST
@require_access(can_view_suggestions)
def publish(request, pk: int):
    """Publish the item (or change what it hides) with the ticked parts hidden (the office)."""
    hidden = request.POST.getlist("hidden")
    return run_item_service(request, pk, publication.suggestion_publish, _("已公开。"), hidden=hidden)


@require_POST
@require_access(can_view_suggestions)
def unpublish(request, pk: int):
    """Take the item off the public site (the office)."""
    return run_item_service(
        request, pk, publication.suggestion_unpublish, _("已撤销公开。"), note=request.POST.get("note", "")
    )


@require_POST
@require_access(can_view_suggestions)
def confidentiality(request, pk: int):
    """Set the item's confidentiality (the lead deputy on a draft, the office at any time)."""
    return run_item_service(
        request,
        pk,
        publication.suggestion_set_confidentiality,
        _("已设置保密要求。"),
        confidentiality=request.POST.get("confidentiality", ""),
        note=request.POST.get("note", ""),
    )
