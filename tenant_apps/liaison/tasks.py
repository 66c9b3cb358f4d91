"""Background jobs of the liaison module: the SMS that tells a sender their message was answered, and the
daily digest of what waits for each handler (digest.py).

Every job names its congress's schema explicitly and works inside it (tenants.jobs.in_congress); the daily
periodic job runs in the public schema and only enqueues one job per congress. Jobs are deferred inside the
writer's transaction (procrastinate shares Django's connection): a job exists if and only if the change that
asks for it was committed, and it cannot run before that commit. No clear mobile number sits in the queue: the
jobs decrypt or look numbers up when they run.
"""

import datetime

from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from shared_apps.accounts.sms import send_sms
from shared_apps.registry import crypto
from tenant_apps.liaison import retention
from tenant_apps.liaison.digest import digest_deliver, digests_send
from tenant_apps.liaison.models import PublicMessage
from tenants.jobs import defer_once, defer_per_congress, in_congress, public_job
from tenants.models import Congress

QUEUE = "notifications"
MODULE_KEY = "liaison"


def _congress(schema_name: str):
    return Congress.objects.filter(schema_name=schema_name).first()


# -- the sender's SMS ------------------------------------------------------------------------------------


def defer_reply_sms(congress, message) -> None:
    """Queue the SMS telling the sender that `message` was answered (in the replying transaction)."""
    send_reply_sms.defer(schema_name=congress.schema_name, message_id=message.pk)


# Retried with a back-off when the gateway fails, then left failed in the queue for the operator.
@app.task(name="liaison.send_reply_sms", queue=QUEUE, retry=RetryStrategy(max_attempts=5, linear_wait=300))
@in_congress
def send_reply_sms(schema_name: str, message_id: int) -> bool:
    """Tell the sender, by SMS, that their message has an answer to read under its tracking code. The text
    never carries the answer itself (an SMS may be read by anyone holding the phone)."""
    message = PublicMessage.objects.filter(pk=message_id).first()
    congress = _congress(schema_name)
    if message is None or congress is None or not message.sender_mobile_encrypted:
        return False
    text = (
        f"【{congress.name}】您的留言（查询码{message.tracking_code}）已有答复，"
        f"请凭查询码和手机号码后四位在{congress.host()}查看。"
    )
    # SECURITY: the clear number exists only here, handed to the gateway; never stored or logged.
    send_sms(crypto.decrypt(message.sender_mobile_encrypted), text)
    return True


# -- the daily digest ------------------------------------------------------------------------------------


# Procrastinate reads cron in UTC: 01:00 UTC is 09:00 in Asia/Shanghai (settings.TIME_ZONE).
@app.periodic(cron="0 1 * * *", periodic_id="liaison_digests")
@app.task(name="liaison.sweep_digests", queue=QUEUE)
@public_job
def sweep_digests(timestamp: int) -> int:
    """Enqueue the digest job of every active congress that runs the module, for the local day of `timestamp`.
    Returns how many were enqueued (a congress whose job still waits is not queued twice)."""
    today = timezone.localdate(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))
    return defer_per_congress(send_digests, MODULE_KEY, "liaison_digests", today=today.isoformat())


def defer_digest(schema_name: str, today: datetime.date) -> bool:
    """Queue one congress's digest job unless one is already waiting; returns whether it was queued."""
    return defer_once(send_digests, f"liaison_digests:{schema_name}", schema_name=schema_name, today=today.isoformat())


# Safe to run again: a person's digest of the day is claimed once (DigestSent), so a rerun sends nothing new.
@app.task(name="liaison.send_digests", queue=QUEUE, retry=RetryStrategy(max_attempts=3, linear_wait=600))
@in_congress
def send_digests(schema_name: str, today: str) -> int:
    """Send each handler of `schema_name`'s congress their digest for `today` (ISO date); returns how many."""
    congress = _congress(schema_name)
    if congress is None or not congress.is_active or MODULE_KEY not in congress.enabled_modules:
        return 0  # suspended, archived or switched off since the sweep
    return digests_send(congress, datetime.date.fromisoformat(today), defer_message=send_digest_message.defer)


@app.task(name="liaison.send_digest_message", queue=QUEUE, retry=RetryStrategy(max_attempts=5, linear_wait=300))
@in_congress
def send_digest_message(schema_name: str, digest_id: int) -> bool:
    """Send one claimed digest by SMS (a deputy's registry mobile) or e-mail (everyone else)."""
    return digest_deliver(_congress(schema_name), digest_id)


# -- personal information past its retention -------------------------------------------------------------


@app.periodic(cron="40 19 * * *", periodic_id="liaison_retention")  # 03:40 in Asia/Shanghai
@app.task(name="liaison.sweep_retention", queue="maintenance")
@public_job
def sweep_retention(timestamp: int) -> int:
    """Enqueue each congress's erasure of senders' personal information past its retention."""
    return defer_per_congress(erase_personal, MODULE_KEY, "liaison_retention")


@app.task(name="liaison.erase_personal", queue="maintenance", retry=RetryStrategy(max_attempts=3, linear_wait=600))
@in_congress
def erase_personal(schema_name: str) -> int:
    congress = _congress(schema_name)
    if congress is None:
        return 0
    return retention.erase_expired(congress)


# -- re-encryption under a new key or cipher ---------------------------------------------------------------


def defer_reencryption() -> int:
    """One job per congress running the module (manage.py rotate_field_keys)."""
    return defer_per_congress(reencrypt_personal, MODULE_KEY, "liaison_reencrypt")


@app.task(name="liaison.reencrypt_personal", queue="maintenance", retry=RetryStrategy(max_attempts=3, linear_wait=600))
@in_congress
def reencrypt_personal(schema_name: str) -> int:
    """Re-encrypt the congress's senders' mobile numbers under the configured cipher's first key; how many."""
    changed = 0
    rows = PublicMessage.objects.exclude(sender_mobile_encrypted="").values_list("pk", "sender_mobile_encrypted")
    for pk, token in rows.iterator(chunk_size=1000):
        fresh = crypto.reencrypt(token)
        if fresh != token:
            PublicMessage.objects.filter(pk=pk, sender_mobile_encrypted=token).update(sender_mobile_encrypted=fresh)
            changed += 1
    return changed
