"""Background job of notices: one per notice that goes out by SMS or e-mail (delivery.py)."""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from shared_apps.notifications.delivery import deliver
from tenants.jobs import public_job


# Retried with a back-off while the gateway fails; each channel is stamped when sent, so a retry resends nothing.
@app.task(
    name="notifications.deliver_notice", queue="notifications", retry=RetryStrategy(max_attempts=5, linear_wait=300)
)
@public_job
def deliver_notice(notification_id: int) -> list[str]:
    """Send one notice by the channels its recipient wants (notices live in the public schema)."""
    return deliver(notification_id)
