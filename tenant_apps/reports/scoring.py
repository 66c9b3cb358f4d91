"""The public's score of a report: one per mobile number, verified by an SMS code, with the liaison module's
abuse controls (rate limits per number and per address, a challenge question past a soft limit, and holding —
not refusing — a flood of scores from one address for the office to look at).

- `code_send`: a six-digit code to the number, kept only as a keyed hash in the shared cache for CODE_SECONDS; at
  most CODE_ATTEMPTS wrong tries. Refused for the reporting deputy's own number, a number that has already scored
  the report, and signed-in members of this congress (its staff and deputies do not score).
- `score_submit`: the code spent, the score written once (a unique key on report and number: a second submit of
  the same number, at once or later, is refused, never counted twice).
"""

import datetime
import hmac
import re
import secrets

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.sms import SmsError, send_sms
from shared_apps.registry import crypto
from shared_apps.registry.models import Deputy
from shared_apps.security import limiter
from tenant_apps.liaison.abuse import ChallengeRequired, challenge_check, challenge_new, client_hash
from tenant_apps.reports import inbox
from tenant_apps.reports.models import CommentStatus, Rating, Report, ReportStatus, Score, ScoreStatus
from tenant_apps.reports.workflow import window_open
from tenants.connection import current_schema

CODE_SECONDS = 300
CODE_ATTEMPTS = 5
# Codes asked from one address within ten minutes: past SOFT a challenge question, past HARD refused.
ADDRESS_SOFT, ADDRESS_HARD, ADDRESS_WINDOW = 5, 60, 600
# Scores from one address on one report within ten minutes past which they are held for the office.
FLOOD_PER_ADDRESS = 10
FLOOD_WINDOW = datetime.timedelta(minutes=10)
COMMENT_MAX = 500
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def mobile_hash(mobile: str) -> str:
    return crypto.lookup_hash("mobile:" + mobile)


def clean_mobile(mobile) -> str:
    value = re.sub(r"[\s-]", "", str(mobile or ""))
    if not MOBILE.match(value):
        raise ValidationError({"mobile": [_("请填写11位手机号码。")]})
    return value


def _code_key(report: Report, digest: str) -> str:
    return f"reports:score-code:{current_schema()}:{report.pk}:{digest}"


def _code_digest(report: Report, mobile: str, code: str) -> str:
    return crypto.lookup_hash(f"score-code:{current_schema()}:{report.pk}:{mobile}:{code}")


def _check_report(access, report: Report) -> None:
    if report.status != ReportStatus.PUBLISHED or not window_open(report.round):
        raise ValidationError({"report": [_("这份述职报告现在不接受评分。")]})
    # SECURITY: nobody holding a role in this congress (its staff, deputies, officers) scores its deputies' reports.
    if access.roles:
        raise PermissionDenied(_("人大机关工作人员和代表不参加评分。"))


def _check_number(report: Report, mobile: str) -> str:
    digest = mobile_hash(mobile)
    deputy_mobile = Deputy.objects.filter(pk=report.deputy_id).values_list("mobile_hash", flat=True).first()
    if deputy_mobile and deputy_mobile == crypto.lookup_hash(mobile):
        raise ValidationError({"mobile": [_("代表本人不能为自己的述职评分。")]})
    if Score.objects.filter(report=report, mobile_hash=digest).exists():
        raise ValidationError({"mobile": [_("这个手机号码已经评过分。")]})
    return digest


def _address_count(client: str) -> int:
    key = f"reports:codes:{client}"
    if cache.add(key, 1, ADDRESS_WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, 1, ADDRESS_WINDOW)
        return 1


def code_send(
    *, access, report: Report, mobile, address: str, challenge_token: str = "", challenge_answer: str = ""
) -> None:
    """Send a score code to `mobile`. Raises ValidationError by field (mobile, report, rate), ChallengeRequired
    (answer the question and send again), or PermissionDenied (members of this congress)."""
    _check_report(access, report)
    mobile = clean_mobile(mobile)
    _check_number(report, mobile)
    client = client_hash(address)
    if limiter.locked_until("score_code", account=mobile, address=address) is not None:
        raise ValidationError({"rate": [_("验证码发送过多，请一小时后再试。")]})
    count = _address_count(client)
    if count > ADDRESS_HARD:
        raise ValidationError({"rate": [_("这个网络地址请求验证码过于频繁，请10分钟后再试。")]})
    if count > ADDRESS_SOFT:
        if not challenge_token and not challenge_answer:
            raise ChallengeRequired(_("请求过于频繁。为确认是您本人操作，请回答下面的问题。"), *challenge_new(client))
        problem = challenge_check(client, challenge_token, challenge_answer)
        if problem:
            raise ChallengeRequired(problem, *challenge_new(client))
    limiter.failed("score_code", account=mobile, address=address)
    code = code_issue(report, mobile)
    try:
        send_sms(mobile, _("【述职评议】您的评分验证码是 %(code)s，5分钟内有效。") % {"code": code})
    except SmsError:
        cache.delete(_code_key(report, mobile_hash(mobile)))
        raise ValidationError({"mobile": [_("短信发送失败，请稍后再试。")]}) from None


def code_issue(report: Report, mobile: str) -> str:
    """A fresh code for `mobile` on `report`, kept as a keyed hash; the caller sends it (code_send, by SMS)."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(_code_key(report, mobile_hash(mobile)), {"d": _code_digest(report, mobile, code), "n": 0}, CODE_SECONDS)
    return code


def _spend_code(report: Report, mobile: str, code: str) -> None:
    key = _code_key(report, mobile_hash(mobile))
    stored = cache.get(key)
    if not stored:
        raise ValidationError({"code": [_("验证码已过期或未发送，请重新获取。")]})
    if not hmac.compare_digest(stored["d"], _code_digest(report, mobile, str(code or "").strip())):
        stored["n"] += 1
        if stored["n"] >= CODE_ATTEMPTS:
            cache.delete(key)
            raise ValidationError({"code": [_("验证码错误次数过多，请重新获取。")]})
        cache.set(key, stored, CODE_SECONDS)
        raise ValidationError({"code": [_("验证码不正确。")]})
    cache.delete(key)


def clean_score(rating, comment) -> tuple[str, str]:
    errors = {}
    if rating not in Rating.values:
        errors["rating"] = [_("请选择满意、基本满意或不满意。")]
    comment = str(comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("留言不能超过%(n)d个字。") % {"n": COMMENT_MAX}]
    if errors:
        raise ValidationError(errors)
    return str(rating), comment


def score_submit(*, access, report: Report, mobile, code, rating, comment="", address: str) -> Score:
    """Record one verified score. Raises ValidationError by field or PermissionDenied; on either nothing is
    written (and a wrong code counts towards the code's attempts)."""
    _check_report(access, report)
    mobile = clean_mobile(mobile)
    rating, comment = clean_score(rating, comment)
    digest = _check_number(report, mobile)
    _spend_code(report, mobile, code)
    client = client_hash(address)
    since = timezone.now() - FLOOD_WINDOW
    try:
        with transaction.atomic():
            recent = Score.objects.filter(report=report, client_hash=client, created_at__gte=since).count()
            created = Score.objects.create(
                report=report,
                mobile_hash=digest,
                mobile_last4=mobile[-4:],
                client_hash=client,
                rating=rating,
                comment=comment,
                status=ScoreStatus.HELD if recent >= FLOOD_PER_ADDRESS else ScoreStatus.COUNTED,
                comment_status=CommentStatus.PENDING if comment else CommentStatus.NONE,
            )
            if created.status == ScoreStatus.HELD or created.comment_status == CommentStatus.PENDING:
                inbox.refresh_office(access.congress)  # something now waits for the office
            return created
    except IntegrityError:
        raise ValidationError({"mobile": [_("这个手机号码已经评过分。")]}) from None
