"""The registration point of the duty record: the one way any module writes a deputy's duty into the public read
model. Every call runs in the caller's transaction (the change it records commits with it, or neither does) and
from the schema of the congress whose work it was."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from shared_apps.ledger.kinds import get_kind
from shared_apps.ledger.models import DutyRecord

TITLE_MAX = 200


@dataclass(frozen=True)
class Duty:
    """One duty as a module describes it (`record` and `replace` take these)."""

    deputy_id: int
    source_ref: str
    kind: str
    title: str
    occurred_on: datetime.date
    url: str = ""
    category: str = ""
    public: bool = False


def _row(congress, source: str, duty: Duty) -> DutyRecord:
    if get_kind(duty.kind) is None:
        raise ValueError(f"Unknown duty kind {duty.kind!r}: register it (shared_apps.ledger.kinds.register_kind).")
    return DutyRecord(
        deputy_id=duty.deputy_id,
        congress=congress,
        source=source,
        source_ref=duty.source_ref[:80],
        kind=duty.kind,
        category=duty.category[:60],
        title=duty.title[:TITLE_MAX],
        occurred_on=duty.occurred_on,
        year=duty.occurred_on.year,
        url=duty.url[:500],
        public=duty.public,
    )


def record(congress, source: str, duty: Duty) -> DutyRecord:
    """Write (or update, keyed by deputy, congress and `source_ref`) one duty of `congress`'s work."""
    row = _row(congress, source, duty)
    values = {
        f: getattr(row, f) for f in ("source", "kind", "category", "title", "occurred_on", "year", "url", "public")
    }
    saved, _created = DutyRecord.objects.update_or_create(
        deputy_id=duty.deputy_id, congress=congress, source_ref=row.source_ref, defaults=values
    )
    return saved


def withdraw(congress, source_ref: str, *, deputy_id: int | None = None) -> int:
    """Remove the duty (of one deputy, or of everyone) recorded under `source_ref`: the thing it pointed to was
    withdrawn or undone. Returns how many rows went."""
    rows = DutyRecord.objects.filter(congress=congress, source_ref=source_ref)
    if deputy_id is not None:
        rows = rows.filter(deputy_id=deputy_id)
    return rows.delete()[0]


def withdraw_prefix(congress, prefix: str, *, keep: Iterable[int] = ()) -> int:
    """Remove the duties whose reference starts with `prefix` (e.g. "suggestion:7:"), but those of `keep`."""
    rows = DutyRecord.objects.filter(congress=congress, source_ref__startswith=prefix).exclude(deputy_id__in=keep)
    return rows.delete()[0]


@transaction.atomic
def replace(congress, source: str, duties: Iterable[Duty]) -> int:
    """Make `congress`'s rows written by `source` exactly `duties` (a module's rebuild); returns how many."""
    DutyRecord.objects.filter(congress=congress, source=source).delete()
    rows = DutyRecord.objects.bulk_create([_row(congress, source, d) for d in duties], batch_size=1000)
    return len(rows)
