"""On-the-spot sign-in (扫码签到): the office shows the activity's QR code on a screen; a deputy scans it with their
phone, signed in as themself, and their invitation is marked attended.

The code is the activity's address with a signed token that names the activity and a fresh time stamp, keyed by
the activity's own secret: it is refused once CODE_SECONDS have passed (the screen shows a new one every
REFRESH_SECONDS), outside the activity's window (from SIGNIN_OPENS_MINUTES before the start to its end), and
after the office renews the secret. A code forwarded to someone who is not there expires before it is of use,
and it signs in only the account that scans it, for that account's own invitation.
"""

import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

CODE_SECONDS = 120
REFRESH_SECONDS = 30
SIGNIN_OPENS_MINUTES = 30
SALT = "duty.signin"


def _signer(activity) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{SALT}:{activity.signin_secret}")


def window(activity) -> tuple[datetime.datetime, datetime.datetime]:
    return activity.starts_at - datetime.timedelta(minutes=SIGNIN_OPENS_MINUTES), activity.ends_at


def is_open(activity, at: datetime.datetime | None = None) -> bool:
    at = at or timezone.now()
    opens, closes = window(activity)
    return activity.status == "published" and opens <= at < closes


def code_for(activity) -> str:
    return _signer(activity).sign(str(activity.pk))


def url_for(congress, activity, code: str) -> str:
    path = reverse("duty:sign_in", urlconf="config.urls_tenant", kwargs={"pk": activity.pk})
    return congress.url(f"{path}?code={code}")


def check(activity, code: str, *, at: datetime.datetime) -> None:
    """Refuse (ValidationError on "code") a code that is not this activity's current one, too old, or outside
    the window."""
    opens, closes = window(activity)
    if at < opens:
        raise ValidationError({"code": [_("签到尚未开始（活动开始前%(n)d分钟开放）。") % {"n": SIGNIN_OPENS_MINUTES}]})
    if at >= closes:
        raise ValidationError({"code": [_("活动已结束，不能再签到。")]})
    try:
        value = _signer(activity).unsign(code, max_age=CODE_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError({"code": [_("签到码已过期，请扫描现场屏幕上的最新二维码。")]}) from None
    except signing.BadSignature:
        raise ValidationError({"code": [_("签到码无效，请扫描现场屏幕上的二维码。")]}) from None
    if value != str(activity.pk):
        raise ValidationError({"code": [_("签到码无效，请扫描现场屏幕上的二维码。")]})
