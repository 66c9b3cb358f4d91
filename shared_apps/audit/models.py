"""The audit log: the security view over everything that happens on the platform (MLPS level 3, 安全审计).

One append-only table in the public schema. Each row is chained to the one before it by a keyed hash
(shared_apps.audit.chain), and a database trigger refuses UPDATE and DELETE, except for the retention purge,
which archives the rows it removes first (AuditArchive). `manage.py audit_verify` checks the chain.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    REFUSED = "refused", _("拒绝")


class AuditEntry(models.Model):
    """Who did what, when, from where, in which congress, to what, and how it ended."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=100)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    # No foreign key: a row outlives the account it names and is never updated.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=254, blank=True)
    address = models.CharField(_("地址"), max_length=45, blank=True)
    congress = models.CharField(_("人大"), max_length=63, blank=True, help_text="schema name; empty: the platform")
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["at"], name="audit_entry_at_idx"),
            models.Index(fields=["congress", "at"], name="audit_entry_congress_at_idx"),
            models.Index(fields=["actor_id", "at"], name="audit_entry_actor_at_idx"),
            models.Index(fields=["action", "at"], name="audit_entry_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_label}"


class AuditArchive(models.Model):
    """A run of the oldest rows moved out of the table by the retention purge: where they went, and the hash
    of the last one, from which the chain of the rows that remain continues."""

    created_at = models.DateTimeField(default=timezone.now)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    rows = models.PositiveIntegerField()
    last_hash = models.CharField(max_length=64)
    file = models.CharField(max_length=255)

    class Meta:
        ordering = ["-last_id"]

    def __str__(self) -> str:
        return f"{self.first_id}–{self.last_id} → {self.file}"
