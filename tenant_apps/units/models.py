"""Handling units (承办单位) of one congress: the bodies that handle its deputies' suggestions.

These tables live in the congress's schema. Staff accounts point at `accounts.User` (public schema): a tenant
table pointing at a public one, the direction foreign keys always go. A unit is never deleted, only
deactivated, so the suggestions it handled keep pointing at it.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.workflow.history import Event

# Office numbers such as "0851-83811111", "+86 138 0000 0000" or "0851-83811111转8001".
phone_validator = RegexValidator(r"^[0-9+\-() 转]*$", _("电话号码只能包含数字、空格、+、-、括号和“转”。"))


class UnitKind(models.TextChoices):
    GOVERNMENT_DEPARTMENT = "government_department", _("政府部门")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    SUPERVISORY_COMMISSION = "supervisory_commission", _("监察委员会")
    STATE_OWNED_ENTERPRISE = "state_owned_enterprise", _("国有企业")
    OTHER = "other", _("其他")


class HandlingUnit(models.Model):
    """A unit that handles suggestions: a government department, a court, a procuratorate, or another body."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.CharField(
        _("单位类型"), max_length=32, choices=UnitKind.choices, default=UnitKind.GOVERNMENT_DEPARTMENT
    )
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    # A sub-bureau or a department's office under its parent unit.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True, validators=[phone_validator])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "kind", "name", "id"]
        verbose_name = _("承办单位")

    def __str__(self) -> str:
        return self.name


class UnitStaff(models.Model):
    """A staff account of a unit. One account may staff several units; `is_contact` marks the unit's contact."""

    unit = models.ForeignKey(HandlingUnit, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("账号"),
    )
    is_contact = models.BooleanField(_("联系人"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_contact", "user__name", "user__email", "id"]
        verbose_name = _("承办单位工作人员")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="units_staff_unique_user"),
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_contact=True), name="units_staff_one_contact"
            ),
        ]


class UnitEvent(Event):
    """History: who changed which unit or its staff, when, and how."""

    class Kind(models.TextChoices):
        UNIT_CREATED = "unit_created", _("新建承办单位")
        UNIT_UPDATED = "unit_updated", _("修改承办单位")
        UNIT_DEACTIVATED = "unit_deactivated", _("停用承办单位")
        UNIT_REACTIVATED = "unit_reactivated", _("恢复承办单位")
        STAFF_ADDED = "staff_added", _("新增工作人员")
        STAFF_REMOVED = "staff_removed", _("移除工作人员")
        CONTACT_SET = "contact_set", _("设置联系人")

    subject_field = "unit"
    kind = models.CharField(max_length=32, choices=Kind.choices)
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="events")
