"""The second factor, with django-allauth's own MFA (TOTP and recovery codes, `/accounts/2fa/`).

Who must have one: every account holding a role in MFA_REQUIRED_ROLES anywhere (a deployment setting; by
default every staff and administrator role), and the deputies and journalists of a congress whose settings
ask for it (`security.mfa_deputy`, `security.mfa_journalist`). Anyone else may enrol by choice from their
security page. SessionPolicyMiddleware sends whoever must have one and has none to enrol first; the API
token endpoint asks for a current code from whoever has one.
"""

from allauth.mfa.models import Authenticator
from django.conf import settings

from shared_apps.memberships.models import Membership, Role
from tenants.preferences import SettingSpec, effective_preferences, register_spec
from tenants.selectors import platform_defaults

# Roles a congress may add to the platform's list, each by a setting of its own.
CONGRESS_OPTIONAL = {Role.DEPUTY: "security.mfa_deputy", Role.JOURNALIST: "security.mfa_journalist"}


def register_specs() -> None:
    register_spec(
        SettingSpec(
            "security.mfa_deputy",
            "要求代表使用双因素认证",
            "Require deputies to use a second factor",
            kind="bool",
            default=False,
            help_zh="开启后，本级人大的代表登录时除密码外还须输入手机验证器中的动态码。",
        )
    )
    register_spec(
        SettingSpec(
            "security.mfa_journalist",
            "要求记者使用双因素认证",
            "Require journalists to use a second factor",
            kind="bool",
            default=False,
        )
    )


def required_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "MFA_REQUIRED_ROLES", ()))


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_required(user) -> bool:
    """Whether `user` must have a second factor, by the roles held (one query, plus one per congress whose
    optional roles they hold)."""
    held = list(Membership.objects.filter(user=user).select_related("congress").only("role", "congress"))
    platform = required_roles()
    if any(m.role in platform for m in held):
        return True
    optional = [(m.congress, CONGRESS_OPTIONAL.get(m.role)) for m in held]  # type: ignore[call-overload]
    optional = [(congress, key) for congress, key in optional if key]
    if not optional:
        return False
    province = platform_defaults().preferences  # read once, not once per congress
    return any(effective_preferences(province, congress.preferences).get(key) for congress, key in optional)


def verify_code(user, code: str) -> bool:
    """Whether `code` is a current TOTP code or an unused recovery code of `user` (a used recovery code is
    spent)."""
    code = (code or "").strip()
    if not code:
        return False
    for authenticator in Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ):
        if authenticator.wrap().validate_code(code):
            return True
    return False
