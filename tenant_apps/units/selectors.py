"""Reads for handling units. Callers check `can_view_units` first; staff lists need `can_view_unit_staff`."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from tenant_apps.units.models import HandlingUnit, UnitEvent, UnitKind, UnitStaff

# The list's `active` filter: in use (the default), deactivated, or both.
ACTIVE_CHOICES = ("1", "0", "all")


@dataclass(frozen=True)
class UnitFilters:
    """The unit list's criteria: `kind` empty means any kind; `active` is one of ACTIVE_CHOICES."""

    kind: str = ""
    active: str = "1"

    @classmethod
    def from_params(cls, params) -> "UnitFilters":
        """Read the criteria from a query dict; unknown values fall back to the defaults."""
        kind = (params.get("kind") or "").strip()
        active = (params.get("active") or "").strip().lower()
        active = {"true": "1", "false": "0"}.get(active, active)
        return cls(
            kind=kind if kind in UnitKind.values else "",
            active=active if active in ACTIVE_CHOICES else "1",
        )


def unit_list(filters: UnitFilters | None = None) -> QuerySet[HandlingUnit]:
    """The congress's units matching `filters` (every unit when None), with their parent and staff count."""
    # Meta.ordering does not apply to a query with GROUP BY (the Count), so the order is spelled out.
    units = (
        HandlingUnit.objects.select_related("parent")
        .annotate(staff_count=Count("staff"))
        .order_by("-is_active", "kind", "name", "id")
    )
    if filters is None:
        return units
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.active != "all":
        units = units.filter(is_active=filters.active == "1")
    return units


def unit_get(pk: int) -> HandlingUnit | None:
    """One unit (active or not), or None."""
    return unit_list().filter(pk=pk).first()


def unit_children(unit: HandlingUnit) -> QuerySet[HandlingUnit]:
    """The unit's sub-units (e.g. a bureau's branch offices)."""
    return HandlingUnit.objects.filter(parent=unit)


def staff_list(unit: HandlingUnit) -> QuerySet[UnitStaff]:
    """The unit's staff accounts, its contact first."""
    return UnitStaff.objects.filter(unit=unit).select_related("user")


def unit_ids_of(user) -> set[int]:
    """The units of this congress the account staffs (empty for anonymous visitors)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(UnitStaff.objects.filter(user_id=user.pk).values_list("unit_id", flat=True))


def units_of(user) -> QuerySet[HandlingUnit]:
    """The units the account staffs, active or not."""
    return unit_list().filter(pk__in=unit_ids_of(user))


def event_list(unit: HandlingUnit) -> QuerySet[UnitEvent]:
    """The unit's history, newest first."""
    return UnitEvent.objects.filter(unit=unit).select_related("actor")
