"""The workspace (工作台), where everyone lands after signing in: what waits for them, named and linked, grouped
by congress and kind; the congresses where they hold a role; and for a deputy every seat at every tier.

Reads only public tables (memberships, registry seats and the exchange's InboxCount read model, which the
congresses' modules keep with the oldest waiting items named) in a fixed number of queries, whatever the
number of seats or congresses: no schema is visited. Where a congress runs the suggestions module, a seat
links to drafting there, so a deputy with several seats chooses the congress they submit to.
"""

from dataclasses import dataclass, field

from shared_apps.exchange.models import InboxCount
from shared_apps.exchange.services import inbox_kind_label
from shared_apps.memberships.models import Membership, Role
from shared_apps.registry.models import Seat, SeatStatus
from tenants.models import Congress

# The module key and page of drafting in a congress (the module's pages live under /<key>/): named here as
# strings, since a shared app never imports a tenant app.
SUGGESTIONS = "suggestions"
SUGGESTION_NEW_PATH = "/suggestions/new/"


def _waiting(user) -> dict[int, dict[str, int]]:
    """congress id → {kind: count} of the items waiting for `user`, in one query."""
    found: dict[int, dict[str, int]] = {}
    for congress_id, kind, count in InboxCount.objects.filter(user=user).values_list("congress_id", "kind", "count"):
        found.setdefault(congress_id, {})[kind] = count
    return found


def _entry(seat: Seat, waiting: dict[int, dict[str, int]]) -> dict:
    congress = seat.congress
    if congress is None:  # a seat in the NPC, which is not on the platform
        return {
            "seat": seat,
            "congress": None,
            "term": seat.term,
            "waiting": None,
            "suggest_url": None,
            "suggestions_waiting": None,
        }
    kinds = waiting.get(congress.pk, {})
    runs_suggestions = congress.is_active and SUGGESTIONS in congress.enabled_modules
    return {
        "seat": seat,
        "congress": congress,
        "term": seat.term,
        "waiting": sum(kinds.values()),
        "suggest_url": congress.url(SUGGESTION_NEW_PATH) if runs_suggestions else None,
        "suggestions_waiting": kinds.get(SUGGESTIONS, 0) if runs_suggestions else None,
    }


def workspace_for(user) -> dict | None:
    """{"deputy", "seats": [{seat, congress, term, waiting, suggest_url, suggestions_waiting}]} for a user who
    is a deputy, else None. `suggest_url` (drafting on that congress's host) and `suggestions_waiting` are None
    where the congress does not run the suggestions module (or for a seat without a congress on the platform)."""
    deputy = getattr(user, "deputy", None) if user is not None and user.is_authenticated else None
    if deputy is None:
        return None
    seats = list(
        Seat.objects.filter(deputy=deputy, status=SeatStatus.SERVING)
        .select_related("congress", "term", "constituency", "delegation")
        .order_by("term__tier", "id")
    )
    waiting = _waiting(user)
    order = ["national", "province", "city", "county", "township"]
    # The database sorts tiers alphabetically; the page lists them from the NPC down (a stable sort keeps id order).
    seats.sort(key=lambda s: order.index(s.tier))
    return {"deputy": deputy, "seats": [_entry(s, waiting) for s in seats]}


@dataclass
class WaitingGroup:
    kind: str
    label: str
    count: int
    url: str
    items: list = field(default_factory=list)  # [{"title", "url", "since"}], oldest first

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


@dataclass
class CongressDesk:
    """One congress on the workspace: the caller's roles there and what waits for them there."""

    congress: Congress
    roles: list = field(default_factory=list)
    waiting: list[WaitingGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.count for group in self.waiting)


def desks_for(user) -> list[CongressDesk]:
    """Every congress where `user` holds a role or has something waiting, the busiest first: two queries."""
    desks: dict[int, CongressDesk] = {}
    memberships = Membership.objects.filter(user=user, congress__status="active").select_related("congress")
    labels = dict(Role.choices)
    for membership in memberships.order_by("congress__tier", "congress__name"):
        desk = desks.setdefault(membership.congress_id, CongressDesk(membership.congress))
        desk.roles.append(labels.get(membership.role, membership.role))
    for row in InboxCount.objects.filter(user=user).select_related("congress").order_by("kind"):
        desk = desks.setdefault(row.congress_id, CongressDesk(row.congress))
        desk.waiting.append(WaitingGroup(row.kind, inbox_kind_label(row.kind), row.count, row.url, list(row.items)))
    return sorted(desks.values(), key=lambda d: (-d.total, d.congress.name))
