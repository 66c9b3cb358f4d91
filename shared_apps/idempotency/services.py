"""Exactly once for retried writes: the first answer to a key is stored in the transaction of the write it
answers, and a retry with the same key gets that answer instead of a second write.

Two callers: the API (`Idempotency-Key` header, shared_apps.idempotency.api) and the web forms that create
things (a one-time token in a hidden field, shared_apps.idempotency.forms). Both run, inside one transaction:
lock the key (a transaction-scoped advisory lock), look it up, and either answer from the stored row or do the
write and store its answer. A process killed before the commit leaves neither the write nor the row, so the
retry runs the write afresh; after the commit it leaves both, so the retry gets the stored answer.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from shared_apps.idempotency.models import IdempotencyKey
from shared_apps.registry import crypto
from tenants.connection import current_schema

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Scope:
    """Whose key it is: the kind of caller, the congress's schema ("public" for the platform) and the user (None
    for anonymous callers), plus the key itself."""

    kind: str
    schema_name: str
    user_id: int | None
    key: str

    @classmethod
    def of(cls, kind: str, user, key: str) -> "Scope":
        user_id = user.pk if user is not None and user.is_authenticated else None
        return cls(kind, current_schema(), user_id, key)


def key_is_valid(key: str) -> bool:
    """1 to 255 printable ASCII characters without spaces (a UUID is the usual choice)."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(ch) <= 126 for ch in key)


def fingerprint(*parts: bytes) -> str:
    """A keyed hash of what a request asked for: a retry must ask for the same. Keyed (not a bare SHA-256)
    because a body may hold a password, and the table must not offer it to an offline guess."""
    # SECURITY: derived from SECRET_KEY with a purpose of its own, never the key itself.
    key = hashlib.sha256(b"idempotency-fingerprint:" + settings.SECRET_KEY.encode()).digest()
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()


def _lock_id(scope: Scope) -> int:
    digest = hashlib.blake2b(
        json.dumps([scope.kind, scope.schema_name, scope.user_id, scope.key]).encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def key_lock(scope: Scope, *, wait: bool) -> bool:
    """Take the key's lock until the end of the current transaction (the caller must be inside one). With
    `wait`, queue behind a request holding it; without, answer False at once. A hash collision between two keys
    only makes one wait for the other."""
    assert connection.in_atomic_block, "key_lock needs the transaction of the write it guards"
    function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_lock_id(scope)])
        row = cursor.fetchone()
    return wait or bool(row and row[0])


def _scoped(scope: Scope):
    rows = IdempotencyKey.objects.filter(kind=scope.kind, schema_name=scope.schema_name, key=scope.key)
    return rows.filter(user__isnull=True) if scope.user_id is None else rows.filter(user_id=scope.user_id)


def _cutoff():
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def answer_get(scope: Scope) -> IdempotencyKey | None:
    """The answer stored under `scope`, if it is younger than IDEMPOTENCY_KEY_HOURS. Call it holding the key's
    lock; an expired row is removed so that the key can be used afresh."""
    row = _scoped(scope).first()
    if row is not None and row.created_at < _cutoff():
        row.delete()
        return None
    return row


def answer_save(
    scope: Scope,
    *,
    fingerprint: str,
    status_code: int,
    content_type: str = "",
    location: str = "",
    body: bytes = b"",
) -> IdempotencyKey:
    """Store the first answer under `scope`, in the caller's transaction (the one of the write it answers)."""
    return IdempotencyKey.objects.create(
        kind=scope.kind,
        schema_name=scope.schema_name,
        user_id=scope.user_id,
        key=scope.key,
        fingerprint=fingerprint,
        status_code=status_code,
        content_type=content_type[:255],
        location=location[:2000],
        # SECURITY: an answer may carry personal identifiers; stored encrypted like the registry's fields.
        body=crypto.encrypt(base64.b64encode(body).decode()) if body else "",
    )


def answer_body(row: IdempotencyKey) -> bytes:
    """The stored body. Raises ValueError when it cannot be decrypted (a key removed from
    FIELD_ENCRYPTION_KEYS / FIELD_SM4_KEYS within IDEMPOTENCY_KEY_HOURS of the answer)."""
    return base64.b64decode(crypto.decrypt(row.body)) if row.body else b""


def idempotency_keys_purge() -> int:
    """Remove the answers older than IDEMPOTENCY_KEY_HOURS (the worker's hourly job); returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=_cutoff()).delete()
    return deleted
