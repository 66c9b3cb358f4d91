"""Reading the audit log: the rows an audit administrator may see, filtered as the page and the API ask."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from shared_apps.audit.models import AuditEntry, Outcome
from shared_apps.memberships.permissions import Access
from tenants.params import date_param, text_param

EXPORT_MAX_ROWS = 100_000


@dataclass(frozen=True)
class AuditFilter:
    since: datetime.date | None = None
    until: datetime.date | None = None
    action: str = ""
    actor: str = ""
    outcome: str = ""
    congress: str = ""
    address: str = ""

    @classmethod
    def from_query(cls, query) -> "AuditFilter":
        outcome = text_param(query.get("outcome"), max_length=16)
        return cls(
            since=date_param(query.get("since")),
            until=date_param(query.get("until")),
            action=text_param(query.get("action"), max_length=100),
            actor=text_param(query.get("actor"), max_length=254),
            outcome=outcome if outcome in Outcome.values else "",
            congress=text_param(query.get("congress"), max_length=63),
            address=text_param(query.get("address"), max_length=45),
        )

    def as_query(self) -> dict[str, str]:
        values = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "action": self.action,
            "actor": self.actor,
            "outcome": self.outcome,
            "congress": self.congress,
            "address": self.address,
        }
        return {key: value for key, value in values.items() if value}


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def entries_for(access: Access, wanted: AuditFilter) -> QuerySet[AuditEntry]:
    """The rows `access` may read (a congress's own on its host, every row on the root), newest first.
    Callers check can_read_audit first."""
    rows = AuditEntry.objects.all()
    if access.congress is not None:
        rows = rows.filter(congress=access.congress.schema_name)
    elif wanted.congress:
        rows = rows.filter(congress="" if wanted.congress == "public" else wanted.congress)
    if wanted.since:
        rows = rows.filter(at__gte=_day_start(wanted.since))
    if wanted.until:
        rows = rows.filter(at__lt=_day_start(wanted.until + datetime.timedelta(days=1)))
    if wanted.action:
        rows = rows.filter(action__startswith=wanted.action)
    if wanted.actor:
        rows = rows.filter(actor_label__icontains=wanted.actor)
    if wanted.outcome:
        rows = rows.filter(outcome=wanted.outcome)
    if wanted.address:
        rows = rows.filter(address__startswith=wanted.address)
    return rows.order_by("-id")
