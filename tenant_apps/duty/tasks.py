"""Background jobs of the duty module: the office's print of every deputy's ledger for a year (one PDF), made by
the worker in the congress's schema (named explicitly), its progress written as it goes for the page's bar."""

import datetime
import logging
import uuid

from django.core.files.base import ContentFile
from django.db.models import Q
from procrastinate.contrib.django import app

from shared_apps.ledger import exports
from shared_apps.ledger.selectors import ledger
from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Deputy
from tenant_apps.duty.models import LedgerPrint, PrintStatus
from tenant_apps.duty.workflow import PRINTS
from tenants.jobs import in_congress
from tenants.models import Congress
from tenants.workflow import apply_transition

logger = logging.getLogger(__name__)
QUEUE = "default"
PROGRESS_EVERY = 5


def deputies_of_year(congress, year: int):
    """The deputies who held a seat in `congress` at some time in `year`, by name."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    seated = Q(seats__congress=congress, seats__starts_on__lte=last) & (
        Q(seats__ends_on__isnull=True) | Q(seats__ends_on__gte=first)
    )
    return Deputy.objects.filter(seated).distinct().order_by("name", "id")


def print_step(*, congress, job: LedgerPrint, action: str, data: dict | None = None) -> LedgerPrint:
    """The worker's steps of a print (start, finish, fail), as the system."""
    return apply_transition(PRINTS, access=Access(user=None, congress=congress), obj=job, action=action, data=data)


def make_print(congress, job: LedgerPrint) -> LedgerPrint:
    """Lay out every ledger of the job's year into one PDF, saving the count done as it goes."""
    deputies = list(deputies_of_year(congress, job.year))
    job = print_step(congress=congress, job=job, action="start", data={"total": len(deputies)})

    def progress(n: int) -> None:
        if n % PROGRESS_EVERY == 0 or n == len(deputies):
            LedgerPrint.objects.filter(pk=job.pk).update(done=n)

    title = f"{congress.name} {job.year}"
    content = exports.ledgers_pdf(
        (ledger(d, job.year, public_only=False) for d in deputies), title=title, progress=progress
    )
    return print_step(
        congress=congress, job=job, action="finish", data={"file": ContentFile(content, name=f"{uuid.uuid4().hex}.pdf")}
    )


@app.task(name="duty.print_ledgers", queue=QUEUE)
@in_congress
def print_ledgers(schema_name: str, print_id: int) -> str:
    congress = Congress.objects.filter(schema_name=schema_name).first()
    job = LedgerPrint.objects.filter(pk=print_id).first()
    if congress is None or job is None or job.status == PrintStatus.DONE:
        return "nothing"
    try:
        make_print(congress, job)
    except Exception as exc:  # the requester is told; the job is not retried blindly
        logger.exception("duty: print %s in %s failed", print_id, schema_name)
        job.refresh_from_db()
        print_step(congress=congress, job=job, action="fail", data={"error": f"{type(exc).__name__}: {exc}"})
        return "failed"
    return "done"
