"""Liaison stations: the office's writes (create, change, deactivate, deputies on duty, staff). The reads that
the office pages, the public pages and the API share are in selectors.py.

Every write checks permission, runs in one transaction on a locked station and writes a StationEvent; it
raises PermissionDenied, or ValidationError keyed by field, and on error changes nothing.
"""

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.memberships.models import Membership
from shared_apps.memberships.permissions import Access
from tenant_apps.liaison.models import Station, StationDeputy, StationEvent, StationKind, StationStaff
from tenant_apps.liaison.permissions import can_manage_stations
from tenant_apps.liaison.selectors import serving_seats_here
from tenants.fields import max_length
from tenants.workflow import lock, require_here
from tenants.workflow.history import record_event

ONLINE_CODE = "online"  # the online station every congress gets (migration 0002); never deactivated
EDITABLE_FIELDS = ("name", "code", "address", "reception_days", "contact_name", "contact_phone", "introduction")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DUTY_NOTE_MAX = max_length(StationDeputy, "duty_note")


def _require_office_here(access: Access) -> None:
    require_here(access, gettext_lazy("只能管理本级人大的联络站。"))
    if not can_manage_stations(access):
        raise PermissionDenied(_("只有本级人大办公室可以管理联络站。"))


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
    record_event(StationEvent, station, actor=access.user, kind=StationEvent.Kind.CREATED, data=fields)
    return station


@transaction.atomic
def station_update(*, access: Access, station: Station, data: dict) -> Station:
    """Change the fields present in `data`. The online station keeps its code (it is printed on posters and
    linked from everywhere). The office of this congress only."""
    _require_office_here(access)
    locked = lock(station)
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
    record_event(
        StationEvent,
        locked,
        actor=access.user,
        kind=StationEvent.Kind.UPDATED,
        data={"before": before, "after": changes},
    )
    return locked


@transaction.atomic
def station_set_active(*, access: Access, station: Station, is_active: bool) -> Station:
    """Deactivate a station (its public page, QR code and form stop answering; its messages stay) or bring it
    back. The online station cannot be deactivated. The office of this congress only."""
    _require_office_here(access)
    locked = lock(station)
    is_active = bool(is_active)
    if not is_active and locked.kind == StationKind.ONLINE:
        raise ValidationError({"is_active": [_("网上联络站不能停用。")]})
    if locked.is_active == is_active:
        raise ValidationError({"is_active": [_("联络站已经在用。") if is_active else _("联络站已经停用。")]})
    locked.is_active = is_active
    locked.save(update_fields=["is_active"])
    kind = StationEvent.Kind.REACTIVATED if is_active else StationEvent.Kind.DEACTIVATED
    record_event(StationEvent, locked, actor=access.user, kind=kind)
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
    locked = lock(station)
    rows = _clean_duties(access.congress, deputies)
    StationDeputy.objects.filter(station=locked).delete()
    created = StationDeputy.objects.bulk_create(
        [StationDeputy(station=locked, deputy_id=deputy_id, duty_note=note) for deputy_id, note in rows]
    )
    deputies = [{"deputy": d, "note": n} for d, n in rows]
    record_event(
        StationEvent, locked, actor=access.user, kind=StationEvent.Kind.DEPUTIES_SET, data={"deputies": deputies}
    )
    return created


@transaction.atomic
def station_staff_set(*, access: Access, station: Station, users: list) -> list[StationStaff]:
    """Replace the station's staff with the accounts `users` (ids), each a member of this congress. The office
    of this congress only."""
    _require_office_here(access)
    locked = lock(station)
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
    record_event(StationEvent, locked, actor=access.user, kind=StationEvent.Kind.STAFF_SET, data={"users": ids})
    return created
