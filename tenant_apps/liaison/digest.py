"""The daily digest (issue 5 item 6): new messages notify their handlers in-app at once, but SMS and e-mail go
out once a day per person — "您有N条群众留言待处理" — instead of once per message.

tasks.send_digests runs once a day per congress (in its schema). For each person with N > 0 messages waiting
(selectors.awaiting), it claims the day's DigestSent row; the unique (user, day) constraint lets exactly one
run claim it, so a rerun, a retry or two workers send nothing twice. The message itself is one job per person
(tasks.send_digest_message), deferred in the claiming transaction: it exists if and only if the claim was
committed. A deputy gets an SMS at their registry mobile; anyone else (station or unit staff, the office)
an e-mail, since accounts carry no phone number. One digest per person per congress: a deputy who sits in two
congresses hears from each.
"""

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.sms import send_sms
from shared_apps.memberships.selectors import office_user_ids
from shared_apps.registry.models import Deputy
from tenant_apps.liaison import selectors
from tenant_apps.liaison.models import DigestSent, MessageStatus, PublicMessage, StationDeputy, StationStaff
from tenant_apps.units.models import UnitStaff

SMS, EMAIL = "sms", "email"


def candidates(congress) -> set[int]:
    """Accounts that may have messages waiting here: the office, the deputies of waiting messages and of the
    stations, station staff, and the staff of units holding forwarded messages. A few queries."""
    waiting = PublicMessage.objects.filter(status__in=[MessageStatus.NEW, MessageStatus.FORWARDED])
    # deputy=None rather than deputy_id=None: the same SQL, but the stubs' plugin takes deputy_id for Deputy's pk.
    named = waiting.exclude(deputy=None).values("deputy_id")
    on_duty = StationDeputy.objects.values("deputy_id")
    ids = set(Deputy.objects.filter(pk__in=named).exclude(user=None).values_list("user_id", flat=True)) | set(
        Deputy.objects.filter(pk__in=on_duty).exclude(user=None).values_list("user_id", flat=True)
    )
    ids |= set(StationStaff.objects.values_list("user_id", flat=True))
    units = waiting.exclude(forwarded_unit_id=None).values("forwarded_unit_id")
    ids |= set(UnitStaff.objects.filter(unit_id__in=units).values_list("user_id", flat=True))
    return ids | office_user_ids(congress)


def digest_text(congress, count: int) -> str:
    return _("【%(name)s】您有%(n)d条群众留言待处理，请登录%(host)s查看。") % {
        "name": congress.name,
        "n": count,
        "host": congress.host(),
    }


def digests_send(congress, day: datetime.date, *, defer_message: Callable[..., object]) -> int:
    """Claim and queue today's digest of every person with messages waiting; returns how many were queued.
    `defer_message(schema_name=, digest_id=)` queues the sending in the claim's transaction: the worker passes
    its job's `defer` (tasks.send_digest_message), so this module never imports the tasks that import it."""
    users = get_user_model().objects.filter(pk__in=candidates(congress), is_active=True).order_by("pk")
    deputies = dict(Deputy.objects.filter(user__in=users).values_list("user_id", "mobile_token"))
    queued = 0
    for user in users:
        count = selectors.awaiting(user, congress).count()
        if count <= 0:
            continue
        channel = SMS if deputies.get(user.pk) else EMAIL
        try:
            with transaction.atomic():  # the claim and its job commit together, or not at all
                digest = DigestSent.objects.create(user=user, day=day, count=count, channel=channel)
                defer_message(schema_name=congress.schema_name, digest_id=digest.pk)
        except IntegrityError:
            continue  # already claimed today
        queued += 1
    return queued


def digest_deliver(congress, digest_id: int) -> bool:
    """Send one claimed digest; False when there is nothing to send it to (any more). Gateway failures
    propagate, so the worker retries the job."""
    digest = DigestSent.objects.filter(pk=digest_id).first()
    if digest is None or congress is None:
        return False
    text = digest_text(congress, digest.count)
    user = get_user_model().objects.filter(pk=digest.user_id).first()
    if digest.channel == SMS:
        deputy = Deputy.objects.filter(user_id=digest.user_id).first()
        # SECURITY: the clear number is read here only to hand it to the gateway.
        mobile = deputy.reveal_mobile() if deputy is not None else ""
        if not mobile:
            return False
        send_sms(mobile, text)
    else:
        if user is None or not user.email:
            return False
        send_mail(_("群众留言待处理"), text, None, [user.email])
    DigestSent.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return True
