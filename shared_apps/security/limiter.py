"""One limiter for every way into an account: the sign-in form, the API token, password reset and claim links.

Failures are counted per account and per address in a table of the public schema (models.Throttle), so every
gunicorn worker, thread and host counts together, with no server beyond PostgreSQL. Each failure is one
atomic upsert; a key whose failures reach its scope's limit within the window is locked for the lockout time,
and a locked key is refused before any password is checked, the right one included.

Keys are keyed hashes (registry.crypto.lookup_hash): the table holds neither e-mail addresses nor IP addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from shared_apps.registry.crypto import lookup_hash
from shared_apps.security.models import Throttle


@dataclass(frozen=True)
class Policy:
    """At most `failures` within `window`, then refused for `lockout`."""

    failures: int
    window: timedelta
    lockout: timedelta


def _minutes(name: str, default: int) -> timedelta:
    return timedelta(minutes=getattr(settings, name, default))


def policies() -> dict[tuple[str, str], Policy]:
    """(scope, per) → policy; per is "account" or "address". Read from settings at each call (tests override)."""
    window = _minutes("LOCKOUT_WINDOW_MINUTES", 15)
    lockout = _minutes("LOCKOUT_MINUTES", 15)
    account = Policy(getattr(settings, "LOCKOUT_FAILURES", 5), window, lockout)
    address = Policy(getattr(settings, "LOCKOUT_ADDRESS_FAILURES", 30), window, lockout)
    hour = timedelta(hours=1)
    return {
        ("login", "account"): account,
        ("login", "address"): address,
        # Each reset request counts: one account's inbox is not flooded, one address cannot spray.
        ("reset", "account"): Policy(getattr(settings, "RESET_REQUESTS_PER_HOUR", 5), hour, hour),
        ("reset", "address"): Policy(getattr(settings, "RESET_ADDRESS_REQUESTS_PER_HOUR", 30), hour, hour),
        # Each SMS code sent counts: a deputy's phone is not flooded, nor the gateway's bill run up.
        ("sms", "account"): Policy(getattr(settings, "SMS_CODES_PER_HOUR", 5), hour, hour),
        # Each code sent to score a duty report counts, per number and per address (tenant_apps.reports).
        ("score_code", "account"): Policy(getattr(settings, "SCORE_CODES_PER_HOUR", 5), hour, hour),
        ("score_code", "address"): Policy(getattr(settings, "SCORE_CODES_PER_ADDRESS_PER_HOUR", 300), hour, hour),
        # A claim link that is unknown, used or expired counts against the address that tried it.
        ("claim", "address"): address,
    }


def _key(scope: str, per: str, value: str) -> str:
    return f"{scope}:{per}:{lookup_hash(f'{scope}:{per}:{value.strip().lower()}')}"


def _keys(scope: str, account: str, address: str) -> list[tuple[str, Policy]]:
    table = policies()
    keys = []
    for per, value in (("account", account), ("address", address)):
        policy = table.get((scope, per))
        if policy is not None and value:
            keys.append((_key(scope, per, value), policy))
    return keys


def locked_until(scope: str, *, account: str = "", address: str = "") -> datetime | None:
    """When the latest lock on the account or the address ends, or None if neither is locked now."""
    keys = [key for key, _policy in _keys(scope, account, address)]
    until = (
        Throttle.objects.filter(key__in=keys, locked_until__gt=timezone.now())
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


_UPSERT = """
INSERT INTO security_throttle AS t (key, failures, window_started_at, locked_until)
VALUES (%(key)s, 1, %(now)s, CASE WHEN %(limit)s <= 1 THEN %(until)s::timestamptz END)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN t.window_started_at < %(since)s THEN 1 ELSE t.failures + 1 END,
    window_started_at = CASE WHEN t.window_started_at < %(since)s THEN %(now)s ELSE t.window_started_at END,
    locked_until = CASE
        WHEN (CASE WHEN t.window_started_at < %(since)s THEN 1 ELSE t.failures + 1 END) >= %(limit)s
             AND (t.locked_until IS NULL OR t.locked_until <= %(now)s) THEN %(until)s::timestamptz
        ELSE t.locked_until END
RETURNING locked_until
"""


def failed(scope: str, *, account: str = "", address: str = "") -> datetime | None:
    """Count one failure against the account and the address. Returns when the lock ends if this failure
    locked one of them (the caller records the lockout), else None.

    Runs in its own statement, outside any savepoint the caller might roll back: a refused attempt is counted
    even though the request changes nothing else."""
    now = timezone.now()
    newly_locked: datetime | None = None
    with connection.cursor() as cursor:
        for key, policy in _keys(scope, account, address):
            until = now + policy.lockout
            cursor.execute(
                _UPSERT,
                {"key": key, "now": now, "since": now - policy.window, "limit": policy.failures, "until": until},
            )
            (locked,) = cursor.fetchone()
            if locked == until:
                newly_locked = max(newly_locked or until, until)
    return newly_locked


def succeeded(scope: str, *, account: str) -> None:
    """The account proved itself: forget its failures. The address's count stays: a known password must not
    wipe out a spray from the same address."""
    if account:
        Throttle.objects.filter(key=_key(scope, "account", account)).delete()


def unlock(scope: str, *, account: str) -> bool:
    """Lift the lock on an account (the security administrator's action). True if one was lifted."""
    deleted, _rows = Throttle.objects.filter(key=_key(scope, "account", account)).delete()
    return bool(deleted)


def purge(older_than: timedelta = timedelta(days=1)) -> int:
    """Drop counters whose window and lock are long over (the worker's daily sweep)."""
    cutoff = timezone.now() - older_than
    stale = Throttle.objects.filter(window_started_at__lt=cutoff).exclude(locked_until__gt=timezone.now())
    deleted, _rows = stale.delete()
    return deleted
