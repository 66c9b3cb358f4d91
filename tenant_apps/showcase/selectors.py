"""Reads of the showcase: the public stories, the office's list, a deputy's public page here (profile, seat,
stations, published duties, suggestions and reports)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from shared_apps.ledger import selectors as ledgers
from shared_apps.registry import directory
from shared_apps.registry.models import Deputy
from tenant_apps.showcase.models import Story, StoryStatus
from tenant_apps.showcase.permissions import Viewer

PUBLIC = (StoryStatus.PUBLISHED, StoryStatus.FEATURED)


def public_stories() -> QuerySet[Story]:
    return Story.objects.filter(status__in=PUBLIC).prefetch_related("deputies").order_by("-published_at", "-id")


def story_list(who: Viewer, *, deputy_id: int | None = None) -> QuerySet[Story]:
    """The office: every story; a deputy: the public ones and those naming them; everyone else the public ones."""
    rows = Story.objects.prefetch_related("deputies")
    if not who.is_office:
        mine = Q(deputies__deputy_id=who.deputy_id) if who.deputy_id else Q(pk__in=[])
        rows = rows.filter(Q(status__in=PUBLIC) | mine).distinct()
    if deputy_id is not None:
        rows = rows.filter(deputies__deputy_id=deputy_id).distinct()
    return rows.order_by("-published_at", "-created_at", "-id")


def story_get(pk) -> Story | None:
    return Story.objects.filter(pk=pk).prefetch_related("deputies", "photos").first()


def deputies_here(congress) -> QuerySet[Deputy]:
    """The deputies serving in this congress's open term, with their public seats (the showcase's cards)."""
    return directory.directory_deputy_list(congress)


def deputy_here(congress, deputy_id: int) -> Deputy | None:
    try:
        return directory.directory_deputy_get(congress, deputy_id)
    except Deputy.DoesNotExist:
        return None


def stations_of(congress, deputy_id: int) -> list:
    """The liaison stations where the deputy receives the public here (if the congress runs that module)."""
    if "liaison" not in congress.enabled_modules:
        return []
    from tenant_apps.liaison.models import StationDeputy

    rows = StationDeputy.objects.filter(deputy_id=deputy_id, station__is_active=True).select_related("station")
    return list(rows.order_by("station__name"))


def suggestions_of(congress, deputy_id: int) -> list:
    """The published suggestions the deputy led here, with their replies (names not hidden)."""
    if "suggestions" not in congress.enabled_modules:
        return []
    from tenant_apps.suggestions.publication import public_items

    rows = public_items().filter(lead_deputy_id=deputy_id).exclude(public_hidden__contains=["deputies"])
    return list(rows.order_by("-published_at")[:20])


def published_duties(deputy: Deputy, year: int | None = None):
    return ledgers.ledger(deputy, year or timezone.localdate().year, public_only=True)
