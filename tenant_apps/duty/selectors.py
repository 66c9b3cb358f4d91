"""Reads of the duty module: activities as each caller may see them, invitations, reported duties, and the
deputies an office may invite (those of this congress and of the congresses below it)."""

from django.db.models import Count, Q, QuerySet

from shared_apps.registry.models import Seat, SeatStatus, SeatTier
from tenant_apps.duty.models import Activity, ActivityStatus, DutyEntry, DutyFile, Invitation, InvitationStatus, Opinion
from tenant_apps.duty.permissions import Viewer
from tenants.models import Congress

TIER_ORDER = {t: i for i, t in enumerate(SeatTier.values)}  # national, province, city, county, township


def activity_list(who: Viewer, *, status: str = "", year: int | None = None) -> QuerySet[Activity]:
    """Drafts for the office only; the rest to members and to the invited; the public's to everyone."""
    rows = Activity.objects.annotate(
        invited_count=Count("invitations", distinct=True),
        attended_count=Count("invitations", filter=Q(invitations__status=InvitationStatus.ATTENDED), distinct=True),
    )
    if not who.is_office:
        rows = rows.exclude(status=ActivityStatus.DRAFT)
        if not who.access.is_member:
            mine = Q(invitations__deputy_id=who.deputy_id) if who.deputy_id else Q(pk__in=[])
            rows = rows.filter(Q(public=True, origin_congress__isnull=True) | mine)
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(starts_at__year=year)
    return rows.order_by("-starts_at", "-id")


def activity_get(pk) -> Activity | None:
    return Activity.objects.filter(pk=pk).first()


def invitation_list(activity: Activity) -> list[Invitation]:
    return list(activity.invitations.select_related("deputy", "seat_congress").order_by("deputy__name", "id"))


def invitation_of(activity: Activity, deputy_id: int | None) -> Invitation | None:
    if deputy_id is None:
        return None
    return activity.invitations.filter(deputy_id=deputy_id).select_related("activity").first()


def invitation_get(activity: Activity, pk) -> Invitation | None:
    return activity.invitations.filter(pk=pk).select_related("activity", "deputy").first()


def my_invitations(deputy_id: int | None) -> QuerySet[Invitation]:
    if deputy_id is None:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(deputy_id=deputy_id, activity__origin_congress__isnull=True)
        .exclude(activity__status=ActivityStatus.DRAFT)
        .select_related("activity")
        .order_by("-activity__starts_at")
    )


def opinions(activity: Activity) -> QuerySet[Opinion]:
    return activity.opinions.all()


def files_of(activity: Activity | None = None, entry: DutyEntry | None = None) -> QuerySet[DutyFile]:
    if activity is not None:
        return DutyFile.objects.filter(activity=activity)
    return DutyFile.objects.filter(entry=entry)


def file_get(pk) -> DutyFile | None:
    return DutyFile.objects.filter(pk=pk).select_related("activity", "entry").first()


def entry_list(who: Viewer, *, status: str = "") -> QuerySet[DutyEntry]:
    """The office: every reported duty; a deputy: their own."""
    rows = DutyEntry.objects.select_related("deputy")
    if not who.is_office:
        rows = rows.filter(deputy_id=who.deputy_id) if who.deputy_id else rows.none()
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-occurred_on", "-id")


def entry_get(pk) -> DutyEntry | None:
    return DutyEntry.objects.filter(pk=pk).select_related("deputy").first()


# -- whom an office may invite -----------------------------------------------------------------------------


def subtree_ids(congress: Congress) -> list[int]:
    """This congress and every congress below it: one query per tier (at most four)."""
    found = [congress.pk]
    level = [congress.pk]
    while level:
        level = list(Congress.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found.extend(level)
    return found


def invitable_seats(congress: Congress, subtree: list[int] | None = None) -> QuerySet[Seat]:
    """Serving seats in this congress and below."""
    ids = subtree if subtree is not None else subtree_ids(congress)
    return Seat.objects.filter(congress_id__in=ids, status=SeatStatus.SERVING)


def seat_congress_by_deputy(congress: Congress, deputy_ids) -> dict[int, int]:
    """For each deputy serving here or below: the congress their invitation goes through (this one if they sit
    here, else their highest seat below)."""
    rows = (
        invitable_seats(congress).filter(deputy_id__in=list(deputy_ids)).values_list("deputy_id", "congress_id", "tier")
    )
    best: dict[int, tuple[int, int]] = {}
    for deputy_id, congress_id, tier in rows:
        rank = -1 if congress_id == congress.pk else TIER_ORDER.get(tier, 9)
        if deputy_id not in best or rank < best[deputy_id][0]:
            best[deputy_id] = (rank, congress_id)
    return {d: c for d, (_rank, c) in best.items()}


def deputies_in_delegations(congress: Congress, delegation_ids) -> set[int]:
    rows = invitable_seats(congress).filter(delegation_id__in=list(delegation_ids))
    return set(rows.values_list("deputy_id", flat=True))


def deputies_in_groups(group_ids) -> set[int]:
    from tenant_apps.groups.models import DeputyGroupMember

    return set(DeputyGroupMember.objects.filter(group_id__in=list(group_ids)).values_list("deputy_id", flat=True))


def deputies_of_tiers(congress: Congress, tiers) -> set[int]:
    return set(invitable_seats(congress).filter(tier__in=list(tiers)).values_list("deputy_id", flat=True))


def invite_choices(congress: Congress) -> dict:
    """What the invite form offers: delegations of this congress's open term, groups, tiers present below."""
    from shared_apps.registry.models import Delegation
    from tenant_apps.groups.models import DeputyGroup

    seats = invitable_seats(congress)
    tiers = set(seats.values_list("tier", flat=True).distinct())
    return {
        "delegations": list(Delegation.objects.filter(term__congress=congress, term__status="open").order_by("name")),
        "groups": list(DeputyGroup.objects.order_by("name")),
        "tiers": [(t, label) for t, label in SeatTier.choices if t in tiers],
    }


def deputy_search(congress: Congress, q: str, limit: int = 20) -> list[dict]:
    """Deputies serving here or below whose name contains `q`, with where they sit."""
    q = (q or "").strip()
    if not q:
        return []
    seats = (
        invitable_seats(congress)
        .filter(deputy__name__contains=q)
        .select_related("deputy", "congress")
        .order_by("deputy__name", "deputy_id")
    )
    found: dict[int, dict] = {}
    for seat in seats[: limit * 3]:
        item = found.setdefault(seat.deputy_id, {"id": seat.deputy_id, "name": seat.deputy.name, "congresses": []})
        item["congresses"].append(seat.congress.name if seat.congress else "")
    return list(found.values())[:limit]
