"""Writes to handling units and their staff. Every write checks permission and leaves a UnitEvent.

Each service raises PermissionDenied, or ValidationError keyed by field; on error nothing changes.
Staff accounts and memberships live in the public schema: accounts are created through the account
manager, roles are granted and revoked only through the memberships services.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shared_apps.accounts.invitations import password_setup_url
from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.services import membership_grant, membership_revoke
from tenant_apps.units.models import HandlingUnit, UnitEvent, UnitStaff
from tenant_apps.units.permissions import can_manage_units
from tenants.connection import in_schema_of
from tenants.workflow import lock
from tenants.workflow.history import record_event

UNIT_FIELDS = ("name", "kind", "short_name", "contact_name", "contact_phone", "contact_email", "address")
TEXT_FIELDS = ("name", "short_name", "contact_name", "contact_phone", "contact_email", "address")
NAME_MAX_LENGTH = 100
# A parent chain longer than this is treated as a cycle (real ones are two or three levels deep).
MAX_DEPTH = 20


# -- helpers -------------------------------------------------------------------------------------------


def _require_manager(access: Access) -> None:
    """Refuse unless the caller manages units of the congress whose schema is in use."""
    congress = access.congress
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if not can_manage_units(access) or not in_schema_of(congress):
        raise PermissionDenied(_("只有本级人大机关工作人员可以管理承办单位。"))


def _clean_text(data: dict) -> dict:
    """Strip surrounding blanks of the text values (None becomes empty)."""
    return {k: ("" if v is None else str(v).strip()) if k in TEXT_FIELDS else v for k, v in data.items()}


def _apply(unit: HandlingUnit, data: dict) -> list[str]:
    """Copy the unit fields of `data` onto `unit`; returns the names that changed."""
    changed = [f for f in UNIT_FIELDS if f in data and getattr(unit, f) != data[f]]
    for field in changed:
        setattr(unit, field, data[field])
    return changed


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parent_from(value, unit: HandlingUnit) -> HandlingUnit | None:
    """The parent unit named by `value` (an id, or None for none); refuses cycles and deactivated parents."""
    if value in (None, ""):
        return None
    parent_id = _int_or_none(value)
    parent = HandlingUnit.objects.filter(pk=parent_id).first() if parent_id is not None else None
    if parent is None:
        raise ValidationError({"parent": [_("没有这个承办单位。")]})
    if unit.pk is not None and unit.pk in _ancestor_ids(parent):
        raise ValidationError({"parent": [_("上级单位不能是本单位或本单位的下级单位。")]})
    # A deactivated parent already in place may stay: editing other fields must not force a move.
    if not parent.is_active and parent.pk != unit.parent_id:
        raise ValidationError({"parent": [_("%(name)s已停用，不能作为上级单位。") % {"name": parent.name}]})
    return parent


def _ancestor_ids(unit: HandlingUnit) -> set[int]:
    """`unit` and every unit above it."""
    ids: set[int] = set()
    current: HandlingUnit | None = unit
    while current is not None and current.pk not in ids and len(ids) < MAX_DEPTH:
        ids.add(current.pk)
        current = current.parent
    return ids


# -- units ---------------------------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, access: Access, data: dict) -> HandlingUnit:
    """Create a unit from `data` (the UNIT_FIELDS, and `parent`: a unit id or None). Office staff and admins."""
    _require_manager(access)
    unit = HandlingUnit()
    data = _clean_text(data)
    changed = _apply(unit, data)
    unit.parent = _parent_from(data.get("parent"), unit)
    unit.full_clean()
    unit.save()
    record_event(
        UnitEvent,
        unit,
        actor=access.user,
        kind=UnitEvent.Kind.UNIT_CREATED,
        data={"name": unit.name, "fields": changed},
    )
    return unit


@transaction.atomic
def unit_update(*, access: Access, unit: HandlingUnit, data: dict) -> HandlingUnit:
    """Change the unit's fields given in `data` (and `parent` if present). Office staff and admins."""
    _require_manager(access)
    unit = lock(unit)
    data = _clean_text(data)
    changed = _apply(unit, data)
    if "parent" in data:
        parent = _parent_from(data["parent"], unit)
        if (parent.pk if parent else None) != unit.parent_id:
            unit.parent = parent
            changed.append("parent")
    unit.full_clean()
    if changed:
        unit.save(update_fields=changed)
        record_event(
            UnitEvent,
            unit,
            actor=access.user,
            kind=UnitEvent.Kind.UNIT_UPDATED,
            data={"name": unit.name, "fields": changed},
        )
    return unit


@transaction.atomic
def unit_deactivate(*, access: Access, unit: HandlingUnit) -> HandlingUnit:
    """Stop using a unit. Its staff, history and sub-units stay; it takes no new staff. Office staff and admins."""
    return _set_active(access, unit, False)


@transaction.atomic
def unit_reactivate(*, access: Access, unit: HandlingUnit) -> HandlingUnit:
    """Put a deactivated unit back in use. Office staff and admins."""
    return _set_active(access, unit, True)


def _set_active(access: Access, unit: HandlingUnit, is_active: bool) -> HandlingUnit:
    _require_manager(access)
    unit = lock(unit)
    if unit.is_active == is_active:
        message = _("该单位已在使用中。") if is_active else _("该单位已经停用。")
        raise ValidationError({"is_active": [message]})
    unit.is_active = is_active
    unit.save(update_fields=["is_active"])
    kind = UnitEvent.Kind.UNIT_REACTIVATED if is_active else UnitEvent.Kind.UNIT_DEACTIVATED
    record_event(UnitEvent, unit, actor=access.user, kind=kind, data={"name": unit.name})
    return unit


# -- staff ---------------------------------------------------------------------------------------------


@transaction.atomic
def staff_add(*, access: Access, unit: HandlingUnit, email: str, name: str = "", is_contact: bool = False) -> UnitStaff:
    """Make the account with `email` a staff member of `unit`, creating it if needed. Office staff and admins.

    The account gets the handling_unit_staff role in this congress. A new account (or one that never set a
    password) is mailed a link, on this congress's host, to set its password; others are told by mail.
    `name` is used only for a new account. Raises ValidationError on `email`, `name` or `unit`.
    """
    _require_manager(access)
    email = _clean_email(email)
    name = (name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": [_("姓名不能超过%(n)d个字。") % {"n": NAME_MAX_LENGTH}]})
    # Locked: a concurrent deactivation or contact change of this unit waits, so the checks below hold to commit.
    unit = lock(unit)
    if not unit.is_active:
        raise ValidationError({"unit": [_("%(name)s已停用，不能增加工作人员。") % {"name": unit.name}]})
    user, created = _account_for(email, name)
    _lock_account(user)
    if UnitStaff.objects.filter(unit=unit, user=user).exists():
        raise ValidationError({"email": [_("%(email)s已经是本单位工作人员。") % {"email": user.email}]})
    if is_contact:
        # The old contact steps down first: units_staff_one_contact allows one per unit.
        UnitStaff.objects.filter(unit=unit, is_contact=True).update(is_contact=False)
    link = UnitStaff.objects.create(unit=unit, user=user, is_contact=is_contact)
    membership_grant(actor=access.user, user=user, congress=access.congress, role=Role.HANDLING_UNIT_STAFF)
    record_event(
        UnitEvent,
        unit,
        actor=access.user,
        kind=UnitEvent.Kind.STAFF_ADDED,
        data={"user": user.pk, "email": user.email, "is_contact": is_contact, "account_created": created},
    )
    _mail_new_staff(user, unit, access.congress)
    return link


@transaction.atomic
def staff_remove(*, access: Access, unit: HandlingUnit, user_id) -> None:
    """Remove an account from `unit`. When it staffs no other unit here, its handling_unit_staff role goes too.

    Office staff and admins. Raises ValidationError on `user` if the account is not on the unit's staff.
    """
    _require_manager(access)
    unit = lock(unit)
    user_pk = _int_or_none(user_id)
    link = (
        UnitStaff.objects.filter(unit=unit, user_id=user_pk).select_related("user").first()
        if user_pk is not None
        else None
    )
    if link is None:
        raise ValidationError({"user": [_("这个账号不是本单位工作人员。")]})
    user = link.user
    _lock_account(user)
    link.delete()
    revoked = False
    if not UnitStaff.objects.filter(user=user).exists():
        revoked = membership_revoke(
            actor=access.user, user=user, congress=access.congress, role=Role.HANDLING_UNIT_STAFF
        )
    record_event(
        UnitEvent,
        unit,
        actor=access.user,
        kind=UnitEvent.Kind.STAFF_REMOVED,
        data={"user": user.pk, "email": user.email, "was_contact": link.is_contact, "membership_revoked": revoked},
    )


@transaction.atomic
def staff_set_contact(*, access: Access, unit: HandlingUnit, user_id, is_contact: bool) -> UnitStaff:
    """Make a staff member the unit's contact (the previous one stops being it), or stop being it.

    Office staff and admins. Raises ValidationError on `user` if the account is not on the unit's staff.
    """
    _require_manager(access)
    unit = lock(unit)
    user_pk = _int_or_none(user_id)
    link = (
        UnitStaff.objects.filter(unit=unit, user_id=user_pk).select_related("user").first()
        if user_pk is not None
        else None
    )
    if link is None:
        raise ValidationError({"user": [_("这个账号不是本单位工作人员。")]})
    if link.is_contact == is_contact:
        return link
    if is_contact:
        UnitStaff.objects.filter(unit=unit, is_contact=True).update(is_contact=False)
    link.is_contact = is_contact
    link.save(update_fields=["is_contact"])
    record_event(
        UnitEvent,
        unit,
        actor=access.user,
        kind=UnitEvent.Kind.CONTACT_SET,
        data={"user": link.user_id, "email": link.user.email, "is_contact": is_contact},
    )
    return link


def _clean_email(email) -> str:
    email = ("" if email is None else str(email)).strip().lower()
    if not email:
        raise ValidationError({"email": [_("请填写电子邮箱。")]})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("请填写有效的电子邮箱。")]}) from None
    return email


def _account_for(email: str, name: str) -> tuple:
    """The account with `email`, created (without a usable password) if there is none; and whether it was."""
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    return user_model.objects.create_user(email=email, name=name), True


def _lock_account(user) -> None:
    # Race: two managers adding and removing the same account in different units at once could each see
    # the other's link still there (or not yet there) and leave the role wrong. Locking the account row
    # serialises every staff change of one account, so the last-link check sees the committed truth.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _mail_new_staff(user, unit: HandlingUnit, congress) -> None:
    """After commit, mail the new staff member: a password-setting link if the account has no password yet.

    The message is composed now, inside the request, so the callback needs no schema or database.
    """
    values = {
        "unit": unit.name,
        "congress": congress.name,
        "url": congress.url(reverse("units:mine", urlconf=settings.ROOT_URLCONF)),
    }
    subject = _("您已被设为%(unit)s的承办单位工作人员") % values
    if user.has_usable_password():
        body = (
            _("您好！\n\n您已被设为“%(congress)s”承办单位“%(unit)s”的工作人员。\n\n请在 %(url)s 登录查看。\n") % values
        )
    else:
        values["link"] = password_setup_url(user, congress.host())
        body = (
            _(
                "您好！\n\n您已被设为“%(congress)s”承办单位“%(unit)s”的工作人员。请打开以下链接设置密码：\n\n"
                "%(link)s\n\n设置后即可在 %(url)s 登录。\n"
            )
            % values
        )
    recipient = user.email
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient]))
