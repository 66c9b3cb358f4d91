"""The hash chain of the audit log: each row's hash covers its fields and the hash of the row before it, keyed
with AUDIT_HMAC_KEY (derived from SECRET_KEY unless set), so a row changed, removed or inserted by hand breaks
the chain at that point, and whoever lacks the key cannot forge a new one."""

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from shared_apps.audit.models import AuditArchive, AuditEntry

# The advisory lock under which rows are appended: one writer at a time keeps ids in chain order. Held for
# one short transaction (records are written after the business transaction commits, never inside it).
CHAIN_LOCK = 0x41554449  # "AUDI"
GENESIS = "0" * 64


def _key() -> bytes:
    configured = getattr(settings, "AUDIT_HMAC_KEY", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"congress-cloud:audit-chain:" + settings.SECRET_KEY.encode()).digest()


def digest(entry: AuditEntry, prev_hash: str) -> str:
    fields = [
        entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        entry.action,
        entry.outcome,
        entry.actor_id,
        entry.actor_label,
        entry.address,
        entry.congress,
        entry.object_type,
        entry.object_id,
        entry.data,
    ]
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hmac.new(_key(), f"{prev_hash}\n{payload}".encode(), hashlib.sha256).hexdigest()


def anchor() -> str:
    """The hash the first row in the table continues from: the last archived row's, or the genesis."""
    archived = AuditArchive.objects.order_by("-last_id").values_list("last_hash", flat=True).first()
    return archived or GENESIS


def append(entry: AuditEntry) -> AuditEntry:
    """Chain `entry` to the last row and insert it, in one short transaction of its own."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        entry.prev_hash = last or anchor()
        entry.hash = digest(entry, entry.prev_hash)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class Verdict:
    checked: int
    broken_at: int | None = None  # the id of the first row whose chain does not hold
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(rows: Iterable[AuditEntry] | None = None) -> Verdict:
    """Walk the table in id order and recompute every hash from the anchor."""
    if rows is None:
        rows = AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
    expected_prev = anchor()
    checked = 0
    for row in rows:
        if row.prev_hash != expected_prev:
            return Verdict(checked, row.id, "the row does not follow the one before it (a row removed or inserted)")
        if not hmac.compare_digest(row.hash, digest(row, row.prev_hash)):
            return Verdict(checked, row.id, "the row's content does not match its hash (the row was changed)")
        expected_prev = row.hash
        checked += 1
    return Verdict(checked)
