"""Writes to deputy groups and studios. Every write checks permission and leaves a GroupEvent.

Each service raises PermissionDenied, or ValidationError keyed by field; on error nothing changes.
Registry rows (public schema) are only read here, never written.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Deputy
from tenant_apps.groups import selectors
from tenant_apps.groups.models import DeputyGroup, DeputyGroupMember, GroupEvent, Studio, StudioDuty
from tenant_apps.groups.permissions import can_manage_groups
from tenants.connection import in_schema_of
from tenants.workflow.history import record_event

GROUP_FIELDS = ("name", "area_or_field", "description")
STUDIO_FIELDS = ("kind", "name", "address", "opening_days", "contact_phone", "description")


# -- helpers -------------------------------------------------------------------------------------------


def _require_manager(access: Access) -> None:
    """Refuse unless the caller manages groups of the congress whose schema is in use."""
    congress = access.congress
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if not can_manage_groups(access) or not in_schema_of(congress):
        raise PermissionDenied(_("只有本级人大机关工作人员可以管理代表小组和代表工作室。"))


def _serving_deputy(deputy_id, field: str) -> Deputy:
    """The registry deputy `deputy_id`, who must hold a serving seat at some tier; else ValidationError on `field`."""
    try:
        deputy = Deputy.objects.filter(pk=int(deputy_id)).first()
    except (TypeError, ValueError):
        deputy = None
    if deputy is None:
        raise ValidationError({field: [_("代表名册中没有这名代表。")]})
    # A serving seat at any tier, in any congress: a group may hold deputies of all five tiers (代表法 Art. 27).
    if not selectors.has_serving_seat(deputy.pk):
        raise ValidationError({field: [_("%(name)s目前没有在任的代表席位。") % {"name": deputy.name}]})
    return deputy


def _apply(instance, fields: tuple[str, ...], data: dict) -> list[str]:
    """Copy the given `fields` of `data` onto `instance`; returns the names that changed."""
    changed = [f for f in fields if f in data and getattr(instance, f) != data[f]]
    for field in changed:
        setattr(instance, field, data[field])
    return changed


def _clean_text(data: dict, fields: tuple[str, ...]) -> dict:
    """Strip surrounding blanks of the text values (None becomes empty)."""
    return {k: ("" if v is None else str(v).strip()) if k in fields else v for k, v in data.items()}


# -- groups --------------------------------------------------------------------------------------------


@transaction.atomic
def group_create(*, access: Access, data: dict) -> DeputyGroup:
    """Create a group from `data` (name, area_or_field, description, leader: a deputy id or None)."""
    _require_manager(access)
    group = DeputyGroup()
    data = _clean_text(data, GROUP_FIELDS)
    changed = _apply(group, GROUP_FIELDS, data)
    leader = _leader_from(data)
    group.leader = leader
    group.full_clean()
    group.save()
    record_event(
        GroupEvent,
        actor=access.user,
        kind=GroupEvent.Kind.GROUP_CREATED,
        group=group,
        data={"name": group.name, "fields": changed},
    )
    if leader is not None:
        _ensure_member(access, group, leader)
    return group


@transaction.atomic
def group_update(*, access: Access, group: DeputyGroup, data: dict) -> DeputyGroup:
    """Change a group's fields given in `data`; a new leader joins the group if not yet a member."""
    _require_manager(access)
    # Locked: concurrent edits take turns, so each history row lists the fields it really changed.
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    data = _clean_text(data, GROUP_FIELDS)
    changed = _apply(group, GROUP_FIELDS, data)
    if "leader" in data:
        leader = _leader_from(data)
        if (leader.pk if leader else None) != group.leader_id:
            group.leader = leader
            changed.append("leader")
    group.full_clean()
    group.save()
    if changed:
        record_event(
            GroupEvent,
            actor=access.user,
            kind=GroupEvent.Kind.GROUP_UPDATED,
            group=group,
            data={"name": group.name, "fields": changed},
        )
    if group.leader is not None:
        _ensure_member(access, group, group.leader)
    return group


@transaction.atomic
def group_delete(*, access: Access, group: DeputyGroup) -> None:
    """Delete a group and its member list (the history stays, naming the group)."""
    _require_manager(access)
    # The member list goes into the history: its rows are deleted with the group.
    members = list(DeputyGroupMember.objects.filter(group=group).values_list("deputy_id", flat=True))
    record_event(
        GroupEvent,
        actor=access.user,
        kind=GroupEvent.Kind.GROUP_DELETED,
        data={"group_id": group.pk, "name": group.name, "members": members},
    )
    group.delete()


def _leader_from(data: dict) -> Deputy | None:
    value = data.get("leader")
    return None if value in (None, "") else _serving_deputy(value, "leader")


def _ensure_member(access: Access, group: DeputyGroup, deputy: Deputy) -> None:
    if not DeputyGroupMember.objects.filter(group=group, deputy=deputy).exists():
        _add_member(access, group, deputy, joined_on=None)


# -- members -------------------------------------------------------------------------------------------


@transaction.atomic
def member_add(*, access: Access, group: DeputyGroup, deputy_id, joined_on=None) -> DeputyGroupMember:
    """Add a registry deputy (serving at any tier, in any congress) to the group."""
    _require_manager(access)
    deputy = _serving_deputy(deputy_id, "deputy")
    # The group's row lock serialises changes to its members, so the check below sees a concurrent add;
    # groups_member_unique_deputy is the backstop.
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    if DeputyGroupMember.objects.filter(group=group, deputy=deputy).exists():
        raise ValidationError({"deputy": [_("%(name)s已经是本小组成员。") % {"name": deputy.name}]})
    return _add_member(access, group, deputy, joined_on=joined_on)


def _add_member(access: Access, group: DeputyGroup, deputy: Deputy, *, joined_on) -> DeputyGroupMember:
    member = DeputyGroupMember(group=group, deputy=deputy)
    if joined_on is not None:
        member.joined_on = joined_on
    member.save()
    record_event(
        GroupEvent,
        actor=access.user,
        kind=GroupEvent.Kind.MEMBER_ADDED,
        group=group,
        data={"deputy": deputy.pk, "name": deputy.name},
    )
    return member


@transaction.atomic
def member_remove(*, access: Access, group: DeputyGroup, deputy_id) -> None:
    """Remove a deputy from the group; a removed leader leaves the group without one."""
    _require_manager(access)
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    deputy_pk = _int_or_none(deputy_id)
    member = (
        DeputyGroupMember.objects.filter(group=group, deputy_id=deputy_pk).first() if deputy_pk is not None else None
    )
    if member is None:
        raise ValidationError({"deputy": [_("这名代表不是本小组成员。")]})
    was_leader = group.leader_id == member.deputy_id
    if was_leader:
        group.leader = None
        group.save(update_fields=["leader"])
    name = member.deputy.name
    member.delete()
    record_event(
        GroupEvent,
        actor=access.user,
        kind=GroupEvent.Kind.MEMBER_REMOVED,
        group=group,
        data={"deputy": member.deputy_id, "name": name, "was_leader": was_leader},
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- studios -------------------------------------------------------------------------------------------


@transaction.atomic
def studio_create(*, access: Access, data: dict) -> Studio:
    """Create a deputy studio or home (kind, name, address, opening_days, contact_phone, description)."""
    _require_manager(access)
    studio = Studio()
    changed = _apply(studio, STUDIO_FIELDS, _clean_text(data, STUDIO_FIELDS))
    studio.full_clean()
    studio.save()
    record_event(
        GroupEvent,
        actor=access.user,
        kind=GroupEvent.Kind.STUDIO_CREATED,
        studio=studio,
        data={"name": studio.name, "fields": changed},
    )
    return studio


@transaction.atomic
def studio_update(*, access: Access, studio: Studio, data: dict) -> Studio:
    """Change the studio's fields given in `data`."""
    _require_manager(access)
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    changed = _apply(studio, STUDIO_FIELDS, _clean_text(data, STUDIO_FIELDS))
    studio.full_clean()
    studio.save()
    if changed:
        record_event(
            GroupEvent,
            actor=access.user,
            kind=GroupEvent.Kind.STUDIO_UPDATED,
            studio=studio,
            data={"name": studio.name, "fields": changed},
        )
    return studio


@transaction.atomic
def studio_delete(*, access: Access, studio: Studio) -> None:
    """Delete a studio and its duty roster (the history stays, naming the studio)."""
    _require_manager(access)
    record_event(
        GroupEvent,
        actor=access.user,
        kind=GroupEvent.Kind.STUDIO_DELETED,
        data={"studio_id": studio.pk, "name": studio.name},
    )
    studio.delete()


@transaction.atomic
def duties_set(*, access: Access, studio: Studio, duties: list[dict]) -> list[StudioDuty]:
    """Replace the studio's duty roster with `duties`: [{"deputy": id, "weekday_or_date": "每周三"}, ...]."""
    _require_manager(access)
    # Locked: two rosters saved at once replace each other whole, never interleave.
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    rows = _clean_duties(studio, duties)
    StudioDuty.objects.filter(studio=studio).delete()
    StudioDuty.objects.bulk_create(rows)
    roster = [{"deputy": r.deputy_id, "name": r.deputy.name, "when": r.weekday_or_date} for r in rows]
    record_event(
        GroupEvent,
        actor=access.user,
        kind=GroupEvent.Kind.DUTIES_SET,
        studio=studio,
        data={"name": studio.name, "duties": roster},
    )
    return list(selectors.duty_list(studio))


def _clean_duties(studio: Studio, duties: list[dict]) -> list[StudioDuty]:
    """Validate every line of a roster; errors are collected under "duties" as "#n: message"."""
    rows: list[StudioDuty] = []
    errors: list[str] = []
    seen: set[tuple[int, str]] = set()
    for number, item in enumerate(duties, start=1):
        try:
            row = _clean_duty(studio, item)
        except ValidationError as exc:
            errors.extend(f"#{number}: {m}" for m in exc.messages)
            continue
        key = (row.deputy_id, row.weekday_or_date)
        if key in seen:
            errors.append(f"#{number}: " + _("同一代表在同一时间重复安排。"))
            continue
        seen.add(key)
        rows.append(row)
    if errors:
        raise ValidationError({"duties": errors})
    return rows


def _clean_duty(studio: Studio, item: dict) -> StudioDuty:
    item = item if isinstance(item, dict) else {}
    when = str(item.get("weekday_or_date") or "").strip()
    if not when:
        raise ValidationError(_("请填写值班时间。"))
    deputy = _serving_deputy(item.get("deputy"), "deputy")
    row = StudioDuty(studio=studio, deputy=deputy, weekday_or_date=when)
    # Uniqueness is checked within the new roster (_clean_duties), not against the rows it replaces.
    row.full_clean(exclude=["studio", "deputy"], validate_unique=False, validate_constraints=False)
    return row
