"""Background jobs of motions and suggestions: the daily reminder sweep (see reminders.py).

The periodic job runs in the public schema and only enqueues one job per congress; each of those names its
congress's schema explicitly and works inside it (tenants.jobs.in_congress). No job walks several schemas.
"""

import datetime

from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from tenant_apps.suggestions.reminders import deliver_sms, send_due_reminders
from tenants.jobs import defer_once, defer_per_congress, in_congress, public_job
from tenants.models import Congress

QUEUE = "notifications"
MODULE_KEY = "suggestions"


def _congress(schema_name: str):
    return Congress.objects.filter(schema_name=schema_name).first()


# Procrastinate reads cron in UTC: 00:00 UTC is 08:00 in Asia/Shanghai (settings.TIME_ZONE), when offices open.
@app.periodic(cron="0 0 * * *", periodic_id="suggestion_reminders")
@app.task(name="suggestions.sweep_reminders", queue=QUEUE)
@public_job
def sweep_reminders(timestamp: int) -> int:
    """Enqueue the reminders of every active congress that has the module on, for the local day of
    `timestamp` (the tick procrastinate scheduled, deferred once however many workers run). Returns how many
    jobs were enqueued (a congress whose job still waits is not queued twice)."""
    today = timezone.localdate(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))
    return defer_per_congress(send_reminders, MODULE_KEY, "suggestion_reminders", today=today.isoformat())


def defer_reminders(schema_name: str, today: datetime.date) -> bool:
    """Queue the reminder job of one congress unless one is already waiting; returns whether it was queued."""
    return defer_once(
        send_reminders, f"suggestion_reminders:{schema_name}", schema_name=schema_name, today=today.isoformat()
    )


# Safe to retry: reminders already claimed are skipped (reminders.send_due_reminders).
@app.task(name="suggestions.send_reminders", queue=QUEUE, retry=RetryStrategy(max_attempts=3, linear_wait=600))
@in_congress
def send_reminders(schema_name: str, today: str) -> int:
    """Send the reminders and urgings `schema_name`'s congress owes on `today` (ISO date); returns how many."""
    congress = _congress(schema_name)
    if congress is None or not congress.is_active or MODULE_KEY not in congress.enabled_modules:
        return 0  # suspended, archived or switched off since the sweep
    return len(send_due_reminders(congress, datetime.date.fromisoformat(today), defer_sms=send_reminder_sms.defer))


# One job per text message, deferred with the reminder it belongs to; retried with a back-off when the
# gateway fails, then left failed in the queue for the operator (docs/reminders.md).
@app.task(name="suggestions.send_reminder_sms", queue=QUEUE, retry=RetryStrategy(max_attempts=5, linear_wait=300))
@in_congress
def send_reminder_sms(schema_name: str, reminder_id: int, target: str, target_id: int, text: str) -> bool:
    """Send one reminder's SMS to a unit's or a deputy's mobile number, looked up now."""
    return deliver_sms(reminder_id=reminder_id, target=target, target_id=target_id, text=text)
