from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.workflow.history import Event


class Profile(models.Model):
    """The congress's public introduction and office details (one row per congress schema)."""

    introduction = models.TextField(_("简介"), blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    reception_hours = models.CharField(_("接待时间"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A tenant table pointing at a public one: the direction foreign keys always go.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("人大概况")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="about_profile_single_row")]


class Contact(models.Model):
    """A department's contact line shown on the about page (e.g. 代表工作室, 办公室)."""

    department = models.CharField(_("部门"), max_length=100)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("联系方式")


class ProfileRevision(Event):
    """History: who changed the about page, when, and which fields."""

    changed_fields = models.JSONField(default=list)
