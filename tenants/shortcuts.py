"""Small helpers that pages and API views share."""

from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def or_404(found: T | None) -> T:
    """`found`, or Http404 when it is None. Selectors answer None both for a missing object and for one the caller
    may not see; pages and the API (DRF answers Http404 with 404) then refuse both alike, leaking nothing."""
    if found is None:
        raise Http404
    return found
