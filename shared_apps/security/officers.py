"""The security administrator's work (三员分立: accounts, roles and policies, nothing else): who holds which role
in the congress, granting and withdrawing roles, and lifting a lockout. The platform's security administrator
(the role held in the province congress) also disables and re-enables accounts, which are province-wide.

Deputies' memberships follow their seats and handling units' follow their units: those two roles are never
granted here. Every change writes a history row (MembershipEvent), and so an audit row.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.accounts.invitations import send_invitation
from shared_apps.audit.services import record
from shared_apps.memberships.models import Membership, Role
from shared_apps.memberships.permissions import Access, can_manage_security
from shared_apps.memberships.services import membership_grant, membership_revoke
from shared_apps.security import limiter, tokens

# Roles that follow something else (seats, units) and are never granted by hand.
FOLLOWING_ROLES = frozenset({Role.DEPUTY, Role.HANDLING_UNIT_STAFF})


def grantable_roles(access: Access) -> list[tuple[str, str]]:
    """The roles the security administrator may grant where they act (the platform administrator only in the
    province congress)."""
    congress = _congress(access)
    return [
        (value, str(label))
        for value, label in Role.choices
        if value not in FOLLOWING_ROLES and (value != Role.PLATFORM_ADMIN or congress.tier == "province")
    ]


def _congress(access: Access):
    """Where the administrator acts: the congress of the host, or the province congress on the root domain."""
    if access.congress is not None:
        return access.congress
    from tenants.models import Congress

    return Congress.objects.get(tier="province", parent__isnull=True)


def _require(access: Access) -> None:
    if not can_manage_security(access):
        raise PermissionDenied(_("只有安全管理员可以管理账号和角色。"))


def members(access: Access) -> list[dict]:
    """Everyone holding a role where the administrator acts: account, name, active, roles (one query)."""
    _require(access)
    rows = Membership.objects.filter(congress=_congress(access)).select_related("user").order_by("user__email", "role")
    by_user: dict[int, dict] = {}
    for m in rows:
        entry = by_user.setdefault(m.user_id, {"user": m.user, "roles": []})
        entry["roles"].append({"value": m.role, "label": m.get_role_display()})
    return list(by_user.values())


@transaction.atomic
def role_grant(*, access: Access, email: str, role: str):
    """Grant `role` to the account of `email`, creating the account (and mailing a link to set its password)
    if there is none. Raises PermissionDenied, or ValidationError by field."""
    _require(access)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("请输入有效的电子邮箱。")]}) from None
    if role not in dict(grantable_roles(access)):
        raise ValidationError({"role": [_("这个角色不能在这里授予。")]})
    congress = _congress(access)
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = user_model.objects.create_user(email=email)
    membership_grant(actor=access.user, user=user, congress=congress, role=role)
    if created:
        transaction.on_commit(lambda: send_invitation(user=user, congress=congress))
    return user


def role_withdraw(*, access: Access, user_id: int, role: str) -> bool:
    """Withdraw `role` from the account `user_id`. An administrator cannot withdraw their own security role
    (a congress is never left without one by mistake). Raises PermissionDenied or ValidationError."""
    _require(access)
    if role in FOLLOWING_ROLES:
        raise ValidationError({"role": [_("代表和承办单位的角色随席位和单位变化，不在这里撤销。")]})
    if user_id == getattr(access.user, "pk", None) and role == Role.SECURITY_ADMIN:
        raise ValidationError({"role": [_("不能撤销自己的安全管理员角色，请由另一位安全管理员操作。")]})
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"user": [_("没有这个账号。")]})
    return membership_revoke(actor=access.user, user=user, congress=_congress(access), role=role)


def account_unlock(*, access: Access, email: str) -> bool:
    """Lift the sign-in lock of `email` before its time. True if there was one."""
    _require(access)
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": [_("请输入要解除锁定的账号邮箱。")]})
    lifted = limiter.unlock("login", account=email)
    record("auth.unlocked", actor=access.user, data={"account": email, "was_locked": lifted})
    return lifted


def account_set_active(*, access: Access, user_id: int, active: bool):
    """Disable (or enable again) an account everywhere: the platform's security administrator only. A disabled
    account cannot sign in and its API tokens end."""
    _require(access)
    if access.congress is not None:
        raise PermissionDenied(_("账号在全省通用，只有省级平台的安全管理员可以停用。"))
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"user": [_("没有这个账号。")]})
    if user.pk == getattr(access.user, "pk", None):
        raise ValidationError({"user": [_("不能停用自己的账号。")]})
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            tokens.revoke_all(user)
        record("account.enabled" if active else "account.disabled", actor=access.user, obj=user)
    return user
