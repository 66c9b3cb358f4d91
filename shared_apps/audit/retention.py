"""Keeping the audit log for AUDIT_RETENTION_DAYS (at least 180 days, 网络安全法 Art. 21), then moving the
oldest rows to an archive file in private storage and out of the table.

The archive (gzip'd JSON lines, one row each, with its hashes) keeps the chain verifiable: the rows left in
the table continue from the last archived hash (AuditArchive.last_hash).
"""

import gzip
import io
import itertools
import json
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from shared_apps.audit.models import AuditArchive, AuditEntry
from shared_apps.audit.services import record

BATCH = 50_000


def _line(row: AuditEntry) -> str:
    fields = {
        "id": row.id,
        "at": row.at.isoformat(timespec="microseconds"),
        "action": row.action,
        "outcome": row.outcome,
        "actor_id": row.actor_id,
        "actor_label": row.actor_label,
        "address": row.address,
        "congress": row.congress,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "data": row.data,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def archive_expired(*, now=None) -> AuditArchive | None:
    """Archive and remove up to BATCH rows older than the retention; None if none are due. The file is
    written before the rows go, and the rows go in the transaction that records the archive."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=max(180, settings.AUDIT_RETENTION_DAYS))
    # The table's oldest rows, in chain order, up to the first one not yet due: the chain is cut at one point.
    kept = list(itertools.takewhile(lambda row: row.at < cutoff, AuditEntry.objects.order_by("id")[:BATCH]))
    if not kept:
        return None
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as archive:
        for row in kept:
            archive.write((_line(row) + "\n").encode())
    name = f"audit-archive/{now:%Y%m%d-%H%M%S}-{kept[0].id}-{kept[-1].id}.jsonl.gz"
    stored = storages["private"].save(name, ContentFile(buffer.getvalue()))
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The trigger lets this transaction, and only it, remove rows (migrations/0002_append_only.py).
            cursor.execute("SET LOCAL audit.purging = 'on'")
            cursor.execute("DELETE FROM audit_auditentry WHERE id <= %s", [kept[-1].id])
        archive_row = AuditArchive.objects.create(
            first_id=kept[0].id, last_id=kept[-1].id, rows=len(kept), last_hash=kept[-1].hash, file=stored
        )
    record("audit.archived", data={"first_id": kept[0].id, "last_id": kept[-1].id, "rows": len(kept), "file": stored})
    return archive_row
