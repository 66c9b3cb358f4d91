"""The working-day calendar (public schema): the days that differ from the Mon–Fri rule.

Working days follow the official calendar, including make-up working weekends (调休): each year the State
Council announces the holidays and the weekend days worked in exchange, and administrators enter them here.
A row with no congress is province-wide (the national arrangement); a congress's own row for the same date
overrides it (local holidays, e.g. an autonomous area's festivals).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.workflow.history import Event


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """One day off (on any weekday) or one make-up working day (on a weekend), province-wide or for one congress."""

    congress = models.ForeignKey(
        "tenants.Congress", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_days"
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date", "congress_id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "date"], name="calendar_day_unique_date"),
            # NULLs are distinct in a unique index, so province-wide rows need their own constraint.
            models.UniqueConstraint(
                fields=["date"], condition=Q(congress__isnull=True), name="calendar_day_unique_province_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    @property
    def is_holiday(self) -> bool:
        return self.kind == DayKind.HOLIDAY


class CalendarEvent(Event):
    """History of the calendar: days set, days removed, years imported."""

    class Kind(models.TextChoices):
        SET = "set", _("设置")
        REMOVED = "removed", _("删除")
        IMPORTED = "imported", _("导入")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    congress = models.ForeignKey("tenants.Congress", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(null=True, blank=True)
    # A public table: an account deleted later leaves the record, naming no one.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(Event.Meta):
        indexes = [models.Index(fields=["congress", "-created_at"])]
