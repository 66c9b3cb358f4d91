"""Liaison stations: the office's writes (create, change, deactivate, deputies on duty, staff) and the reads
that the office pages, the public pages and the API share.

Every write checks permission, runs in one transaction on a locked station and writes a StationEvent; it
raises PermissionDenied, or ValidationError keyed by field, and on error changes nothing.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shared_apps.memberships.models import Membership, Role
from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Deputy, Seat, SeatStatus, TermStatus
from tenant_apps.liaison.models import Station, StationDeputy, StationEvent, StationKind, StationStaff
from tenants.connection import in_schema_of
from tenants.fields import max_length

ONLINE_CODE = "online"  # the online station every congress gets (migration 0002); never deactivated
OFFICE_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})
EDITABLE_FIELDS = ("name", "code", "address", "reception_days", "contact_name", "contact_phone", "introduction")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DUTY_NOTE_MAX = max_length(StationDeputy, "duty_note")


def can_manage_stations(access: Access) -> bool:
    """Stations, their deputies on duty and their staff: this congress's office staff and administrators."""
    return access.congress is not None and bool(access.roles & OFFICE_ROLES)


# -- reads ---------------------------------------------------------------------------------------------


def station_list(*, include_inactive: bool = False) -> QuerySet[Station]:
    """The congress's stations, active ones first (the online one among them)."""
    stations = Station.objects.all()
    return stations if include_inactive else stations.filter(is_active=True)


def station_get(pk) -> Station | None:
    try:
        return Station.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def station_public_get(code: str) -> Station | None:
    """An active station by its public code (None for missing and inactive ones alike)."""
    return Station.objects.filter(code=str(code), is_active=True).first()


def serving_seats_here(congress) -> QuerySet[Seat]:
    """Serving seats in `congress`'s open term: the deputies who may be on duty at its stations."""
    return Seat.objects.filter(congress=congress, status=SeatStatus.SERVING, term__status=TermStatus.OPEN)


def serving_deputies_here(congress) -> list[Deputy]:
    """Deputies serving in `congress`, by name (public columns only)."""
    ids = serving_seats_here(congress).values("deputy_id")
    return list(Deputy.objects.filter(pk__in=ids).only("id", "name", "photo").order_by("name", "id"))


@dataclass(frozen=True)
class DutyDeputy:
    """A deputy on duty as the public sees them: public facts only, never identifiers or contact details."""

    id: int
    name: str
    photo_url: str
    tier: str
    duty_note: str
    serving_here: bool


def duty_deputies(station: Station, congress) -> list[DutyDeputy]:
    """The deputies on duty at the station with their public facts and the tier of their seat here."""
    rows = list(StationDeputy.objects.filter(station=station))
    deputies = Deputy.objects.only("id", "name", "photo").in_bulk([r.deputy_id for r in rows])
    seats = {s.deputy_id: s for s in serving_seats_here(congress).filter(deputy_id__in=deputies)}
    found = []
    for row in rows:
        deputy = deputies.get(row.deputy_id)
        if deputy is None:
            continue
        seat = seats.get(deputy.pk)
        found.append(
            DutyDeputy(
                id=deputy.pk,
                name=deputy.name,
                photo_url=deputy.photo.url if deputy.photo else "",
                tier=seat.get_tier_display() if seat else "",
                duty_note=row.duty_note,
                serving_here=seat is not None,
            )
        )
    return found


def member_accounts(congress) -> list:
    """Accounts holding any role in `congress`: who may be made a station's staff."""
    ids = Membership.objects.filter(congress=congress).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("name", "email"))


def staff_accounts(station: Station) -> list:
    ids = StationStaff.objects.filter(station=station).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=list(ids)).order_by("name", "email"))


def station_events(station: Station) -> QuerySet[StationEvent]:
    return StationEvent.objects.filter(station=station).select_related("actor")


# -- writes --------------------------------------------------------------------------------------------


def _require_office_here(access: Access) -> None:
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if not in_schema_of(access.congress):
        raise PermissionDenied(_("只能管理本级人大的联络站。"))
    if not can_manage_stations(access):
        raise PermissionDenied(_("只有本级人大办公室可以管理联络站。"))


def _record(access: Access, station: Station, kind: str, **data) -> None:
    StationEvent.objects.create(station=station, kind=kind, actor=access.user, data=data)


def _clean_fields(data: dict, *, partial: bool) -> dict:
    """The editable fields present in `data`, as stripped strings (missing ones are absent when partial)."""
    if not isinstance(data, dict):
        raise ValidationError({"name": [_("请提交联络站的信息。")]})
    cleaned = {}
    for key in EDITABLE_FIELDS:
        if key in data or not partial:
            value = data.get(key)
            cleaned[key] = "" if value is None else str(value).strip()
    if "code" in cleaned:
        cleaned["code"] = cleaned["code"].lower()
    return cleaned


def _validate(station: Station, changed: set[str]) -> None:
    """Model validation (lengths, uniqueness, phone) plus the code's shape; errors keyed by field."""
    errors: dict[str, list[str]] = {}
    try:
        station.full_clean(exclude=["kind", "is_active"])
    except ValidationError as exc:
        errors = exc.message_dict
    if "code" in changed and station.code and not CODE_PATTERN.match(station.code):
        errors["code"] = [_("代码只能使用小写字母、数字和连字符，并以字母或数字开头。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def station_create(*, access: Access, data: dict) -> Station:
    """Create a physical station from `data` (name and code required; address, reception days, contact,
    introduction optional). The office of this congress only."""
    _require_office_here(access)
    fields = _clean_fields(data, partial=False)
    station = Station(kind=StationKind.PHYSICAL, **fields)
    _validate(station, set(fields))
    station.save()
    _record(access, station, StationEvent.Kind.CREATED, **fields)
    return station


@transaction.atomic
def station_update(*, access: Access, station: Station, data: dict) -> Station:
    """Change the fields present in `data`. The online station keeps its code (it is printed on posters and
    linked from everywhere). The office of this congress only."""
    _require_office_here(access)
    locked = Station.objects.select_for_update().get(pk=station.pk)
    fields = _clean_fields(data, partial=True)
    if locked.kind == StationKind.ONLINE and fields.get("code", locked.code) != locked.code:
        raise ValidationError({"code": [_("网上联络站的代码不能修改。")]})
    changes = {k: v for k, v in fields.items() if getattr(locked, k) != v}
    if not changes:
        return locked
    before = {k: getattr(locked, k) for k in changes}
    for key, value in changes.items():
        setattr(locked, key, value)
    _validate(locked, set(changes))
    locked.save(update_fields=list(changes))
    _record(access, locked, StationEvent.Kind.UPDATED, before=before, after=changes)
    return locked


@transaction.atomic
def station_set_active(*, access: Access, station: Station, is_active: bool) -> Station:
    """Deactivate a station (its public page, QR code and form stop answering; its messages stay) or bring it
    back. The online station cannot be deactivated. The office of this congress only."""
    _require_office_here(access)
    locked = Station.objects.select_for_update().get(pk=station.pk)
    is_active = bool(is_active)
    if not is_active and locked.kind == StationKind.ONLINE:
        raise ValidationError({"is_active": [_("网上联络站不能停用。")]})
    if locked.is_active == is_active:
        raise ValidationError({"is_active": [_("联络站已经在用。") if is_active else _("联络站已经停用。")]})
    locked.is_active = is_active
    locked.save(update_fields=["is_active"])
    kind = StationEvent.Kind.REACTIVATED if is_active else StationEvent.Kind.DEACTIVATED
    _record(access, locked, kind)
    return locked


def _clean_duties(congress, deputies) -> list[tuple[int, str]]:
    """[(deputy id, duty note)] from [{"deputy": id, "duty_note": "..."}]; each deputy must serve here."""
    if not isinstance(deputies, list | tuple):
        raise ValidationError({"deputies": [_("请提交进站代表的列表。")]})
    rows, errors, seen = [], [], set()
    for number, item in enumerate(deputies, start=1):
        item = item if isinstance(item, dict) else {"deputy": item}
        raw: Any = item.get("deputy")  # the caller's value, of any type (None if missing): int() may refuse it
        try:
            deputy_id = int(raw)
        except (TypeError, ValueError):
            errors.append(f"#{number}: " + _("请选择代表。"))
            continue
        note = str(item.get("duty_note") or "").strip()
        if deputy_id in seen:
            errors.append(f"#{number}: " + _("同一代表重复安排。"))
            continue
        if len(note) > DUTY_NOTE_MAX:
            errors.append(f"#{number}: " + _("值班安排不能超过%(n)d个字。") % {"n": DUTY_NOTE_MAX})
        seen.add(deputy_id)
        rows.append((number, deputy_id, note))
    serving = set(serving_seats_here(congress).filter(deputy_id__in=seen).values_list("deputy_id", flat=True))
    errors += [f"#{n}: " + _("只能安排在本级人大任职的代表进站。") for n, d, _note in rows if d not in serving]
    if errors:
        raise ValidationError({"deputies": errors})
    return [(deputy_id, note) for _n, deputy_id, note in rows]


@transaction.atomic
def station_deputies_set(*, access: Access, station: Station, deputies: list) -> list[StationDeputy]:
    """Replace the station's deputies on duty with `deputies`: [{"deputy": id, "duty_note": "每月10日"}, ...].
    Each must hold a serving seat in this congress. The office of this congress only."""
    _require_office_here(access)
    locked = Station.objects.select_for_update().get(pk=station.pk)
    rows = _clean_duties(access.congress, deputies)
    StationDeputy.objects.filter(station=locked).delete()
    created = StationDeputy.objects.bulk_create(
        [StationDeputy(station=locked, deputy_id=deputy_id, duty_note=note) for deputy_id, note in rows]
    )
    _record(access, locked, StationEvent.Kind.DEPUTIES_SET, deputies=[{"deputy": d, "note": n} for d, n in rows])
    return created


@transaction.atomic
def station_staff_set(*, access: Access, station: Station, users: list) -> list[StationStaff]:
    """Replace the station's staff with the accounts `users` (ids), each a member of this congress. The office
    of this congress only."""
    _require_office_here(access)
    locked = Station.objects.select_for_update().get(pk=station.pk)
    if not isinstance(users, list | tuple):
        raise ValidationError({"users": [_("请提交工作人员的列表。")]})
    try:
        ids = list(dict.fromkeys(int(u) for u in users))
    except (TypeError, ValueError):
        raise ValidationError({"users": [_("请选择账号。")]}) from None
    members = set(
        Membership.objects.filter(congress=access.congress, user_id__in=ids, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if missing := [i for i in ids if i not in members]:
        raise ValidationError(
            {"users": [_("只能选择本级人大的成员账号（编号%(ids)s不是）。") % {"ids": "、".join(map(str, missing))}]}
        )
    StationStaff.objects.filter(station=locked).delete()
    created = StationStaff.objects.bulk_create([StationStaff(station=locked, user_id=i) for i in ids])
    _record(access, locked, StationEvent.Kind.STAFF_SET, users=ids)
    return created
