from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.workflow.history import Event


class Role(models.TextChoices):
    """The eight roles of shared/domain/GLOSSARY.md (the public needs no membership), and the two officers that
    MLPS level 3 separates from the system administrator (三员分立: the congress or platform administrator runs
    the system, the security administrator keeps accounts, roles and policies, the audit administrator reads the
    audit log and nothing else). Held in the province congress, the officers act for the whole platform."""

    DEPUTY = "deputy", _("人大代表")
    OFFICE_STAFF = "office_staff", _("人大机关工作人员")
    HANDLING_UNIT_STAFF = "handling_unit_staff", _("承办单位工作人员")
    STATE_ORGAN_STAFF = "state_organ_staff", _("一府一委两院工作人员")
    DELEGATION_STAFF = "delegation_staff", _("代表团工作人员")
    CONGRESS_ADMIN = "congress_admin", _("人大平台管理员")
    PLATFORM_ADMIN = "platform_admin", _("省级平台管理员")
    JOURNALIST = "journalist", _("记者")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# Roles that work inside the platform's offices (not the deputies, not the press): the second factor and
# the password's maximum age apply to them by default.
STAFF_ROLES = frozenset(
    {
        Role.OFFICE_STAFF,
        Role.HANDLING_UNIT_STAFF,
        Role.STATE_ORGAN_STAFF,
        Role.DELEGATION_STAFF,
        Role.CONGRESS_ADMIN,
        Role.PLATFORM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    }
)

# The three officers (三员): no account holds two of them in one congress.
OFFICER_ROLES = frozenset({Role.CONGRESS_ADMIN, Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class Membership(models.Model):
    """A user's role in one congress. A user may hold several roles in several congresses.

    `platform_admin` is held only in the province congress and grants the central console.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    congress = models.ForeignKey("tenants.Congress", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("成员身份")
        verbose_name_plural = _("成员身份")
        constraints = [models.UniqueConstraint(fields=["user", "congress", "role"], name="membership_unique_role")]
        indexes = [models.Index(fields=["congress", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.congress} · {self.get_role_display()}"


class MembershipEvent(Event):
    """History of grants and revocations."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("授予")
        REVOKED = "revoked", _("撤销")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    congress = models.ForeignKey("tenants.Congress", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=32, choices=Role.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # A public table: an account deleted later leaves the record, naming no one.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
