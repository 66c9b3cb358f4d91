"""The cross-tier exchange (public schema). For now: the read model of what waits for each user in each
congress, which lets a deputy's workspace show every congress's count without visiting any schema.
Tenant modules keep it current through services.inbox_count_set (later: delivered by the exchange's outbox)."""

from django.conf import settings
from django.db import models


class InboxCount(models.Model):
    """How many items of one kind wait for `user` in `congress` (e.g. suggestions to co-sign, messages)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    congress = models.ForeignKey("tenants.Congress", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "congress", "kind"], name="inbox_count_unique")]
        indexes = [models.Index(fields=["user", "congress"])]
