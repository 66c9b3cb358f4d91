"""API tokens: one per device of an account, expiring after API_TOKEN_DAYS, revocable by their owner.

Clients send `Authorization: Token <key>` as before; only the key's SHA-256 is stored.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from shared_apps.security.models import ApiToken

# An API token issued or revoked (request, token): the audit log listens.
token_issued = Signal()
token_revoked = Signal()

# How often a token's last use is written: once a minute at most, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
DEVICE_MAX = 100


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_days() -> int:
    return getattr(settings, "API_TOKEN_DAYS", 30)


def issue(user, device: str, *, request=None) -> tuple[ApiToken, str]:
    """A new token for `device` (replacing that device's earlier one). Returns the row and the key, which is
    shown once and never stored."""
    device = " ".join((device or "").split())[:DEVICE_MAX] or _("未命名设备")
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # The account's row is locked: two sign-ins of one device at once make one token after the other.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        ApiToken.objects.filter(user=user, device=device, revoked_at__isnull=True).update(revoked_at=now)
        token = ApiToken.objects.create(
            user=user,
            device=device,
            key_hash=_hash(key),
            prefix=key[:8],
            created_at=now,
            expires_at=now + timedelta(days=token_days()),
        )
    token_issued.send(sender=ApiToken, request=request, token=token)
    return token, key


def revoke(token: ApiToken, *, request=None) -> bool:
    """Revoke `token`; False if it was revoked already."""
    done = bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))
    if done:
        token_revoked.send(sender=ApiToken, request=request, token=token)
    return done


def revoke_all(user) -> int:
    """Revoke every token of `user` (a password change, a lost phone, the security administrator)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_for(user):
    """The account's tokens that can still be used, newest first (the security page)."""
    return ApiToken.objects.usable().filter(user=user)


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's `Token <key>` scheme over ApiToken: refused once expired or revoked, or if the account is
    disabled."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
        if token is None or not token.is_usable:
            raise AuthenticationFailed(_("令牌无效、已过期或已撤销，请重新登录。"))
        if not token.user.is_active:
            raise AuthenticationFailed(_("账号已停用。"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
