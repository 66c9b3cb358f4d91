from django.http import Http404

from shared_apps.registry import crypto, identifiers
from shared_apps.registry.models import Deputy, RegistryEvent, Seat, Term, TermStatus
from tenants.workflow.history import record_event


def deputy_id_of(user) -> int | None:
    """The registry deputy the account belongs to, if any (one query); None for anonymous callers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Deputy.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


def account_ids_of(deputy_ids) -> set[int]:
    """The accounts of these deputies (those that have one): whom a notice about them reaches."""
    return set(Deputy.objects.filter(pk__in=set(deputy_ids), user__isnull=False).values_list("user_id", flat=True))


def deputy_find(id_number: str) -> Deputy | None:
    """The deputy with this resident ID number (exact match through the keyed hash), or None."""
    number = identifiers.normalise_id_number(id_number)
    return Deputy.objects.filter(id_number_hash=crypto.lookup_hash(number)).first() if number else None


def deputy_find_by_mobile(mobile: str) -> list[Deputy]:
    number = identifiers.normalise_mobile(mobile)
    return list(Deputy.objects.filter(mobile_hash=crypto.lookup_hash(number))) if number else []


def term_current(congress) -> Term | None:
    """The open term of `congress`, if any."""
    return Term.objects.filter(congress=congress, status=TermStatus.OPEN).first()


def term_list(congress):
    return Term.objects.filter(congress=congress).order_by("-number")


def seat_list(term: Term):
    """Seats of a term, with deputy, constituency and delegation, in constituency then name order."""
    return (
        Seat.objects.filter(term=term)
        .select_related("deputy", "constituency", "delegation")
        .order_by("constituency__name", "deputy__name", "id")
    )


def deputy_get_for_congress(congress, deputy_id: int) -> Deputy:
    """A deputy who holds (or held) a seat in `congress`; 404 otherwise (missing and foreign look the same)."""
    deputy = Deputy.objects.filter(pk=deputy_id, seats__congress=congress).distinct().first()
    if deputy is None:
        raise Http404
    return deputy


def deputy_find_here(congress, number: str) -> Deputy | None:
    """Exact match on a resident ID or mobile number (through the keyed hashes), among deputies who hold or held
    a seat in `congress`; None when there is no such deputy here."""
    candidates = [deputy_find(number), *deputy_find_by_mobile(number)]
    ids = [d.pk for d in candidates if d is not None]
    # SECURITY: only deputies seated here, so an office cannot probe the province-wide registry by number.
    return Deputy.objects.filter(pk__in=ids, seats__congress=congress).distinct().first() if ids else None


def deputy_congress_ids(deputy: Deputy) -> set[int]:
    """Congresses where the deputy holds a serving seat (whose office may see their identity)."""
    return set(deputy.seats.filter(status="serving", congress__isnull=False).values_list("congress_id", flat=True))


def identity_for(access, deputy: Deputy, *, reveal: bool) -> dict:
    """The deputy's ID and mobile: masked, or clear when asked for and allowed (and then logged)."""
    from shared_apps.registry.permissions import can_view_identity

    allowed = can_view_identity(access, deputy_congress_ids(deputy))
    if reveal and allowed:
        # SECURITY: every disclosure is recorded (IDENTITY_VIEWED) with who saw it; the numbers themselves are not.
        record_event(
            RegistryEvent,
            actor=access.user if access.is_authenticated else None,
            kind=RegistryEvent.Kind.IDENTITY_VIEWED,
            deputy=deputy,
        )
        return {
            "id_number": deputy.reveal_id_number(),
            "mobile": deputy.reveal_mobile(),
            "revealed": True,
            "may_reveal": True,
        }
    return {
        "id_number": deputy.id_number_masked,
        "mobile": deputy.mobile_masked,
        "revealed": False,
        "may_reveal": allowed,
    }


def rollup_for(congress) -> list[dict]:
    """Registry figures of every congress below `congress` (its subtree shares its division-code prefix):
    serving deputies and how many of them have claimed their account. Two queries, public tables only."""
    from django.db.models import Count, Q

    from tenants.models import Congress
    from tenants.validators import TIER_SEGMENT

    prefix = congress.division_code[: TIER_SEGMENT[congress.tier][1]]
    below = list(
        Congress.objects.filter(division_code__startswith=prefix).exclude(pk=congress.pk).order_by("division_code")
    )
    counts = {
        row["congress_id"]: row
        # The public Seat rows, not each congress's own schema: no request iterates over tenant schemas.
        for row in Seat.objects.filter(congress__in=below, status="serving")
        .values("congress_id")
        .annotate(deputies=Count("id"), claimed=Count("id", filter=Q(deputy__user__isnull=False)))
    }
    return [
        {
            "congress": c,
            "deputies": counts.get(c.pk, {}).get("deputies", 0),
            "claimed": counts.get(c.pk, {}).get("claimed", 0),
        }
        for c in below
    ]
