from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.memberships.models import OFFICER_ROLES, Membership, MembershipEvent, Role
from tenants.workflow.history import record_event


@transaction.atomic
def membership_grant(*, actor, user, congress, role: str) -> Membership:
    """Give `user` the `role` in `congress` (idempotent). Callers check permission first.

    Raises ValidationError for an unknown role or a platform_admin outside the province congress.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("未知的角色。")})
    if role == Role.PLATFORM_ADMIN and congress.tier != "province":
        raise ValidationError({"role": _("省级平台管理员只能在省级人大中授予。")})
    if role in OFFICER_ROLES:
        # SECURITY: 三员分立 — the system, security and audit officers are three different people; a security
        # administrator cannot make themselves one of the others (nor anyone hold two).
        held = Membership.objects.filter(user=user, congress=congress, role__in=OFFICER_ROLES).exclude(role=role)
        if held.exists():
            raise ValidationError({"role": _("系统管理员、安全管理员、审计管理员须由不同的人担任。")})
        if actor is not None and getattr(actor, "pk", None) == user.pk:
            raise ValidationError({"role": _("不能给自己授予管理员角色。")})
    # get_or_create over membership_unique_role: two grants at once make one row, and only its creator writes GRANTED.
    membership, created = Membership.objects.get_or_create(
        user=user, congress=congress, role=role, defaults={"created_by": actor}
    )
    if created:
        record_event(
            MembershipEvent, actor=actor, user=user, congress=congress, role=role, kind=MembershipEvent.Kind.GRANTED
        )
    return membership


@transaction.atomic
def membership_revoke(*, actor, user, congress, role: str) -> bool:
    """Remove `role` from `user` in `congress`. Returns whether anything was removed."""
    # Only the call that deleted the row writes REVOKED: of two revocations at once, the second deletes nothing.
    deleted, _rows = Membership.objects.filter(user=user, congress=congress, role=role).delete()
    if deleted:
        record_event(
            MembershipEvent, actor=actor, user=user, congress=congress, role=role, kind=MembershipEvent.Kind.REVOKED
        )
    return bool(deleted)
