"""Identity controls kept in the public schema: the failure counters behind the lockout of every way in, and
the API tokens of the account's devices."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Throttle(models.Model):
    """Failures counted under one key (a scope and a keyed hash of an account or an address) in the current
    window; `locked_until` is set once they reach the scope's limit. Shared by every process (a table, not a
    per-process cache), written with one atomic upsert per failure (shared_apps.security.limiter)."""

    key = models.CharField(max_length=100, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["window_started_at"], name="security_throttle_window_idx")]

    def __str__(self) -> str:
        return self.key


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """An API token of one device of one account: expires, can be revoked, and only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    device = models.CharField(_("设备"), max_length=100)
    # SECURITY: the key has 256 random bits and only its SHA-256 is kept: a leaked table opens no account.
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the key, to tell tokens apart on the security page.
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One usable token per device: signing in again on the same device replaces its token.
            models.UniqueConstraint(
                fields=["user", "device"],
                condition=models.Q(revoked_at__isnull=True),
                name="security_apitoken_one_per_device",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class PasswordRecord(models.Model):
    """A password an account has had (its hash), and when it was set: the history that a new password may not
    repeat, and the age that staff passwords may not pass (shared_apps.security.passwords)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_records")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="security_pwrecord_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
