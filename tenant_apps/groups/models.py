"""Deputy groups (代表小组) and deputy studios / homes (代表工作室 / 代表之家) of one congress.

These tables live in the congress's schema. Members, leaders and deputies on duty point at the province-wide
registry (`registry.Deputy`, public schema): a tenant table pointing at a public one, the direction foreign
keys always go. A group may take in deputies of any tier (代表法第二十七条), so members are not limited to
this congress's own seats.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.workflow.history import Event

# 地方组织法 Art. 43: a deputy group has at least three deputies. Fewer is shown as a warning, never refused.
MIN_GROUP_MEMBERS = 3


def _today() -> datetime.date:
    return timezone.localdate()


class DeputyGroup(models.Model):
    """A deputy group, organised by area (片区) or by field (专业)."""

    name = models.CharField(_("小组名称"), max_length=100, unique=True)
    area_or_field = models.CharField(_("片区或专业领域"), max_length=200, blank=True)
    # DO_NOTHING here and below: a deletion in the public registry cannot reach into every congress's schema.
    leader = models.ForeignKey(
        "registry.Deputy",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("组长"),
        null=True,
        blank=True,
    )
    description = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("代表小组")

    def __str__(self) -> str:
        return self.name


class DeputyGroupMember(models.Model):
    """A deputy's place in a group. The deputy may hold seats at any tier."""

    group = models.ForeignKey(DeputyGroup, on_delete=models.CASCADE, related_name="members")
    deputy = models.ForeignKey(
        "registry.Deputy", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", verbose_name=_("代表")
    )
    joined_on = models.DateField(_("加入日期"), default=_today)

    # Set by selectors.member_list: the labels of the tiers where the deputy serves (not a field).
    tiers: list[str]

    class Meta:
        ordering = ["deputy__name", "id"]
        verbose_name = _("小组成员")
        constraints = [models.UniqueConstraint(fields=["group", "deputy"], name="groups_member_unique_deputy")]


class StudioKind(models.TextChoices):
    STUDIO = "studio", _("代表工作室")
    HOME = "home", _("代表之家")


class Studio(models.Model):
    """A deputy studio or home where constituents meet deputies. Its office phone is public."""

    kind = models.CharField(_("类型"), max_length=16, choices=StudioKind.choices, default=StudioKind.STUDIO)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_days = models.CharField(_("开放时间"), max_length=200, blank=True, help_text=_("例如：每月15日"))
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    description = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("代表工作室")

    def __str__(self) -> str:
        return self.name


class StudioDuty(models.Model):
    """A deputy on duty at a studio on a weekday or date (free text, e.g. 每周三 or 每月15日)."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="duties")
    deputy = models.ForeignKey(
        "registry.Deputy", db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", verbose_name=_("代表")
    )
    weekday_or_date = models.CharField(_("值班时间"), max_length=60)

    class Meta:
        ordering = ["weekday_or_date", "deputy__name", "id"]
        verbose_name = _("值班安排")
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "deputy", "weekday_or_date"], name="groups_duty_unique_deputy_when"
            )
        ]


class GroupEvent(Event):
    """History: who changed which group or studio, when, and how."""

    class Kind(models.TextChoices):
        GROUP_CREATED = "group_created", _("新建小组")
        GROUP_UPDATED = "group_updated", _("修改小组")
        GROUP_DELETED = "group_deleted", _("删除小组")
        MEMBER_ADDED = "member_added", _("增加成员")
        MEMBER_REMOVED = "member_removed", _("移除成员")
        STUDIO_CREATED = "studio_created", _("新建工作室")
        STUDIO_UPDATED = "studio_updated", _("修改工作室")
        STUDIO_DELETED = "studio_deleted", _("删除工作室")
        DUTIES_SET = "duties_set", _("设置值班安排")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    group = models.ForeignKey(DeputyGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    studio = models.ForeignKey(Studio, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
