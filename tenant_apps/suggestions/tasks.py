"""Background jobs of motions and suggestions: the daily reminder sweep (see reminders.py).

The periodic job runs in the public schema and only enqueues one job per congress; each of those names its
congress's schema explicitly and works inside it (tenants.jobs.in_congress). No job walks several schemas.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from tenants.jobs import in_congress, public_job

QUEUE = "notifications"
MODULE_KEY = "suggestions"


def _congress(schema_name: str):
    from tenants.models import Congress

    return Congress.objects.filter(schema_name=schema_name).first()


# Procrastinate reads cron in UTC: 00:00 UTC is 08:00 in Asia/Shanghai (settings.TIME_ZONE), when offices open.
@app.periodic(cron="0 0 * * *", periodic_id="suggestion_reminders")
@app.task(name="suggestions.sweep_reminders", queue=QUEUE)
@public_job
def sweep_reminders(timestamp: int) -> int:
    """Enqueue the reminders of every active congress that has the module on, for the local day of
    `timestamp` (the tick procrastinate scheduled, deferred once however many workers run). Returns how many
    jobs were enqueued (a congress whose job still waits is not queued twice)."""
    from tenants.models import Congress, CongressStatus

    today = timezone.localdate(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))
    schemas = Congress.objects.filter(status=CongressStatus.ACTIVE, enabled_modules__contains=[MODULE_KEY])
    return sum(defer_reminders(schema_name, today) for schema_name in schemas.values_list("schema_name", flat=True))


def defer_reminders(schema_name: str, today: datetime.date) -> bool:
    """Queue the reminder job of one congress unless one is already waiting; returns whether it was queued."""
    try:
        # A savepoint: the refused insert must not abort the caller's transaction.
        with transaction.atomic():
            send_reminders.configure(queueing_lock=f"suggestion_reminders:{schema_name}").defer(
                schema_name=schema_name, today=today.isoformat()
            )
    except AlreadyEnqueued:
        return False
    return True


# Safe to retry: reminders already claimed are skipped (reminders.send_due_reminders).
@app.task(name="suggestions.send_reminders", queue=QUEUE, retry=RetryStrategy(max_attempts=3, linear_wait=600))
@in_congress
def send_reminders(schema_name: str, today: str) -> int:
    """Send the reminders and urgings `schema_name`'s congress owes on `today` (ISO date); returns how many."""
    from tenant_apps.suggestions.reminders import send_due_reminders

    congress = _congress(schema_name)
    if congress is None or not congress.is_active or MODULE_KEY not in congress.enabled_modules:
        return 0  # suspended, archived or switched off since the sweep
    return len(send_due_reminders(congress, datetime.date.fromisoformat(today)))


# One job per text message, deferred with the reminder it belongs to; retried with a back-off when the
# gateway fails, then left failed in the queue for the operator (docs/reminders.md).
@app.task(name="suggestions.send_reminder_sms", queue=QUEUE, retry=RetryStrategy(max_attempts=5, linear_wait=300))
@in_congress
def send_reminder_sms(schema_name: str, reminder_id: int, target: str, target_id: int, text: str) -> bool:
    """Send one reminder's SMS to a unit's or a deputy's mobile number, looked up now."""
    from tenant_apps.suggestions.reminders import deliver_sms

    return deliver_sms(reminder_id=reminder_id, target=target, target_id=target_id, text=text)
