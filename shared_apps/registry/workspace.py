"""The deputy's workspace: every seat at every tier and, per congress, what waits there.

Reads only public tables (registry seats and the exchange's InboxCount read model) in a fixed number of
queries, whatever the number of seats: no schema is visited.
"""

from shared_apps.exchange.selectors import inbox_totals
from shared_apps.registry.models import Seat, SeatStatus


def workspace_for(user) -> dict | None:
    """{"deputy", "seats": [{seat, congress, term, waiting}]} for a user who is a deputy, else None."""
    deputy = getattr(user, "deputy", None) if user is not None and user.is_authenticated else None
    if deputy is None:
        return None
    seats = list(
        Seat.objects.filter(deputy=deputy, status=SeatStatus.SERVING)
        .select_related("congress", "term", "constituency", "delegation")
        .order_by("term__tier", "id")
    )
    totals = inbox_totals(user)
    order = ["national", "province", "city", "county", "township"]
    seats.sort(key=lambda s: order.index(s.tier))
    return {
        "deputy": deputy,
        "seats": [
            {
                "seat": s,
                "congress": s.congress,
                "term": s.term,
                "waiting": totals.get(s.congress_id, 0) if s.congress_id else None,
            }
            for s in seats
        ],
    }
