"""SMS one-time codes, a deputy's fallback second factor (issue 12): at the second-factor step of signing in,
a deputy whose authenticator app is not at hand asks for a code by SMS, sent through the platform's pluggable
sender to the mobile number the deputy registry holds. The code has six digits, lasts five minutes, is kept
only as a keyed hash in the shared cache, and works once; it is checked by the same form as the app's codes
(shared_apps.accounts.forms.LimitedAuthenticateForm), so wrong codes count in the one limiter.
Sending is limited per account (limiter scope "sms") and logged.
"""

import hmac
import secrets

from django.core.cache import cache
from django.utils.translation import gettext as _

from shared_apps.accounts.sms import SmsError, send_sms
from shared_apps.audit.services import record
from shared_apps.registry.crypto import lookup_hash
from shared_apps.security import limiter

LIFETIME = 300


def _key(user) -> str:
    # "allauth…": a platform-wide cache key (config.cache), the same on every host the deputy signs in on.
    return f"allauth-sms-code:{user.pk}"


def _digest(user, code: str) -> str:
    return lookup_hash(f"sms-code:{user.pk}:{code}")


def can_receive(user) -> bool:
    deputy = getattr(user, "deputy", None)
    return bool(deputy is not None and deputy.mobile_token)


def send_code(user, *, address: str = "") -> str:
    """Send a new code to the deputy's registry mobile; returns "" when sent, else why not (in words)."""
    if not can_receive(user):
        return _("短信验证码只发送到代表名册中登记的手机号码，您的账号没有登记，请使用身份验证器或恢复码。")
    if limiter.locked_until("sms", account=user.email) is not None:
        return _("短信验证码发送过多，请一小时后再试，或使用身份验证器或恢复码。")
    limiter.failed("sms", account=user.email, address=address)
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(_key(user), _digest(user, code), LIFETIME)
    try:
        # SECURITY: the clear number exists only here, handed to the gateway; the code is never stored in clear.
        send_sms(
            user.deputy.reveal_mobile(),
            _("【人大代表服务云平台】您的登录验证码是 %(code)s，5分钟内有效。如非本人操作请忽略。") % {"code": code},
        )
    except SmsError:
        cache.delete(_key(user))
        return _("短信发送失败，请稍后再试，或使用身份验证器或恢复码。")
    record("mfa.sms_sent", actor=user)
    return ""


def check_code(user, code: str) -> bool:
    """Whether `code` is the deputy's current SMS code; a matching code is spent."""
    expected = cache.get(_key(user))
    if not expected or not code or not hmac.compare_digest(expected, _digest(user, code.strip())):
        return False
    cache.delete(_key(user))
    return True
