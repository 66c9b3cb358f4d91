"""Abuse controls for public messages, which anyone may send without an account.

Nothing real is lost: a sender over a rate limit is asked a simple question (a challenge) instead of being
refused, and a copy of a message already sent is saved but held for staff (待审核) instead of being dropped.
Only past a hard cap is a message refused, with the reason and the time to try again.

Senders are told apart by keyed hashes of their address (`client_hash`) and mobile (`mobile_hash`), never by
the address itself; the limits count the congress's own messages over sliding windows, using the indexed
(client_hash, created_at) and (mobile_hash, created_at) columns.
"""

import datetime
import secrets
import unicodedata
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Aggregate, Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.registry import crypto
from tenant_apps.liaison.models import PublicMessage
from tenants.connection import current_schema

TEN_MINUTES = datetime.timedelta(minutes=10)
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    window: datetime.timedelta
    soft: int  # from this many messages in the window on, the sender must answer a challenge
    hard: int  # from this many on, the message is refused until the window has moved on


# Per address, generous: many people share one public address (carrier NAT, a village office's network).
ADDRESS_LIMITS = (Limit(TEN_MINUTES, soft=5, hard=30), Limit(ONE_DAY, soft=20, hard=200))
MOBILE_LIMITS = (Limit(TEN_MINUTES, soft=3, hard=6), Limit(ONE_DAY, soft=10, hard=20))
DUPLICATE_WINDOW = ONE_DAY
HELD_DUPLICATE = "疑似重复提交"  # stored as held_reason (data, not UI: staff see it as the congress wrote it)

CHALLENGE_MAX_AGE = 600  # seconds: a challenge expires after 10 minutes
_CHALLENGE_SALT = "liaison.challenge"
_DIGITS = "零一二三四五六七八九"

LOOKUP_LIMIT = 20  # tracking lookups per address per 10 minutes
LOOKUP_WINDOW = 600


class ChallengeRequired(ValidationError):
    """The sender went over a limit: they must answer `question` (and send back `token`) to go on."""

    def __init__(self, reason: str, question: str, token: str):
        super().__init__({"challenge_answer": [reason]})
        self.reason, self.question, self.token = reason, question, token


class RateLimited(ValidationError):
    """A hard cap was reached: refused until `retry_at`; the message says why and when."""

    def __init__(self, reason: str, retry_at: datetime.datetime):
        super().__init__({"rate": [reason]})
        self.reason, self.retry_at = reason, retry_at


# -- who is sending ----------------------------------------------------------------------------------------


def client_hash(address: str) -> str:
    return crypto.lookup_hash("ip:" + (address or "").strip().lower())


def normalised_text(text: str) -> str:
    """The text as compared for duplicates: width-folded, lower case, without whitespace, punctuation, symbols
    or invisible characters (so "修路！！" and "修 路" are the same message)."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PSZC")


def text_hash(text: str) -> str:
    return crypto.lookup_hash("text:" + normalised_text(text))


def lock_sender(client: str, mobile: str) -> None:
    """Serialise submissions of one address and of one mobile in this congress until the transaction ends, so
    two at once cannot both slip under a limit or both pass as the original of a duplicate."""
    # Always the address first, then the mobile: one order for everyone, so two senders cannot deadlock.
    keys = [f"{current_schema()}:liaison:ip:{client}", f"{current_schema()}:liaison:m:{mobile}"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0)), pg_advisory_xact_lock(hashtextextended(%s, 0))",
            keys,
        )


# -- limits ------------------------------------------------------------------------------------------------


def _limit_states(client: str, mobile: str, now) -> dict[str, tuple[bool, datetime.datetime | None]]:
    """For "client" and "mobile": (over a soft limit, the time to retry if over a hard one). One query counts
    every window of both at once."""
    aggregates: dict[str, Aggregate] = {}
    longest = max(limit.window for limit in (*ADDRESS_LIMITS, *MOBILE_LIMITS))
    for key, same, limits in (
        ("client", Q(client_hash=client), ADDRESS_LIMITS),
        ("mobile", Q(mobile_hash=mobile), MOBILE_LIMITS),
    ):
        for n, limit in enumerate(limits):
            in_window = same & Q(created_at__gte=now - limit.window)
            aggregates[f"{key}_count{n}"] = Count("id", filter=in_window)
            aggregates[f"{key}_oldest{n}"] = Min("created_at", filter=in_window)
    # Copies escalated here from below were counted where they were sent, not again here.
    row = PublicMessage.objects.filter(
        Q(client_hash=client) | Q(mobile_hash=mobile), created_at__gte=now - longest, origin_transfer_id=None
    ).aggregate(**aggregates)
    states = {}
    for key, limits in (("client", ADDRESS_LIMITS), ("mobile", MOBILE_LIMITS)):
        over_soft, retry_at = False, None
        for n, limit in enumerate(limits):
            count = row[f"{key}_count{n}"]
            if count >= limit.hard:
                # The window frees a place when its oldest message leaves it.
                candidate = row[f"{key}_oldest{n}"] + limit.window
                retry_at = candidate if retry_at is None else max(retry_at, candidate)
            elif count >= limit.soft:
                over_soft = True
        states[key] = (over_soft, retry_at)
    return states


def check_limits(*, client: str, mobile: str, challenge_token: str, challenge_answer: str) -> bool:
    """Apply the rate limits to a sender (hashes of address and mobile). Returns whether a challenge was
    answered to get through. Raises RateLimited past a hard cap, ChallengeRequired over a soft limit without
    a right answer to a challenge issued to this address in the last 10 minutes."""
    states = _limit_states(client, mobile, timezone.now())
    (soft_ip, retry_ip), (soft_mobile, retry_mobile) = states["client"], states["mobile"]
    retry_at = max(filter(None, (retry_ip, retry_mobile)), default=None)
    if retry_at is not None:
        local = timezone.localtime(retry_at)
        when = local.strftime("%H:%M") if local.date() == timezone.localdate() else local.strftime("%m-%d %H:%M")
        who = _("这个网络地址") if retry_ip else _("这个手机号码")
        raise RateLimited(
            _("%(who)s提交留言的次数已达上限，请于%(when)s以后再试。") % {"who": who, "when": when}, retry_at
        )
    if not (soft_ip or soft_mobile):
        return False
    if not challenge_token and not challenge_answer:
        raise ChallengeRequired(_("提交过于频繁。为确认是您本人提交，请回答下面的问题。"), *challenge_new(client))
    problem = challenge_check(client, challenge_token, challenge_answer)
    if problem:
        raise ChallengeRequired(problem, *challenge_new(client))
    return True


# -- the challenge -----------------------------------------------------------------------------------------


def _answer_digest(nonce: str, answer: str) -> str:
    # SECURITY: keyed, so the token (readable: a signature is not encryption) does not let a bot try the few
    # possible answers offline.
    return crypto.lookup_hash(f"challenge:{nonce}:{answer}")[:24]


def challenge_new(client: str) -> tuple[str, str]:
    """(question, token): a sum in Chinese numerals, signed for 10 minutes and bound to the address. The token
    carries a keyed digest of the answer, never the answer itself."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(8)
    token = signing.TimestampSigner(salt=_CHALLENGE_SALT).sign_object(
        {"c": client, "n": nonce, "a": _answer_digest(nonce, str(a + b))}
    )
    question = _("%(a)s加%(b)s等于几？（请填写阿拉伯数字）") % {"a": _DIGITS[a], "b": _DIGITS[b]}
    return question, token


def challenge_check(client: str, token: str, answer: str) -> str:
    """Empty when `answer` answers the challenge in `token` for this address; else why not."""
    try:
        payload = signing.TimestampSigner(salt=_CHALLENGE_SALT).unsign_object(
            str(token or ""), max_age=CHALLENGE_MAX_AGE
        )
    except signing.SignatureExpired:
        return _("验证问题已过期，请回答新的问题。")
    except (signing.BadSignature, ValueError, TypeError):
        return _("验证问题无效，请回答新的问题。")
    # SECURITY: a challenge answered from one address does not let another address through.
    if not isinstance(payload, dict) or payload.get("c") != client:
        return _("验证问题无效，请回答新的问题。")
    given = unicodedata.normalize("NFKC", str(answer or "")).strip()
    if not given:
        return _("请回答验证问题。")
    if not secrets.compare_digest(_answer_digest(str(payload.get("n")), given), str(payload.get("a"))):
        return _("验证问题的答案不正确，请回答新的问题。")
    return ""


# -- duplicates --------------------------------------------------------------------------------------------


def is_duplicate(*, client: str, mobile: str, digest: str) -> bool:
    """Whether the same text (normalised) came from this address or this mobile within the last 24 hours."""
    since = timezone.now() - DUPLICATE_WINDOW
    same_sender = Q(client_hash=client) | Q(mobile_hash=mobile)
    return PublicMessage.objects.filter(same_sender, text_hash=digest, created_at__gte=since).exists()


# -- tracking lookups ----------------------------------------------------------------------------------------


def lookup_allowed(address: str) -> bool:
    """Count one tracking lookup for the address; False once it made LOOKUP_LIMIT in the current 10 minutes.
    Kept in the cache (per process): the code space (32^10 codes × 10^4 endings) already defeats guessing."""
    key = f"liaison:track:{client_hash(address)}"
    if cache.add(key, 1, LOOKUP_WINDOW):
        return True
    try:
        return cache.incr(key) <= LOOKUP_LIMIT
    except ValueError:  # expired between add and incr
        cache.add(key, 1, LOOKUP_WINDOW)
        return True
