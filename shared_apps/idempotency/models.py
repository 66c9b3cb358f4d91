"""The first answer to each retried write, kept for a while (IDEMPOTENCY_KEY_HOURS): an API call's
`Idempotency-Key` and a web form's one-time token (shared_apps.idempotency.services).

One table in the public schema for every congress: the row is written in the same transaction as the write it
answers (a congress's connection sees the public schema too), so either both exist or neither does."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class KeyKind(models.TextChoices):
    API = "api", "API"
    FORM = "form", "Form"


class IdempotencyKey(models.Model):
    """One key of one caller in one congress (`schema_name`; "public" for the platform) and the answer it got:
    status, content type, Location and the body, encrypted at rest like personal identifiers (an answer may
    hold them). A form's token keeps only where the person was taken (`location`)."""

    kind = models.CharField(max_length=4, choices=KeyKind.choices)
    schema_name = models.CharField(max_length=63)
    # Null for anonymous callers (the public message form, public API endpoints).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # HMAC of method, path and body: the same key with another request is refused, not answered.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=255, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "schema_name", "user", "key"],
                name="idempotency_key_once",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.schema_name} {self.user_id} {self.key}"
