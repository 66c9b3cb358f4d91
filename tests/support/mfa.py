"""The second factor in tests: enrol an account's TOTP authenticator, and read its current code as the
person's phone would show it."""

import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache


def enrol_totp(user) -> str:
    """Give `user` a TOTP authenticator; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(user) -> str:
    """The code the authenticator app shows now. Forgets that the code was used, so a test may sign in twice
    within one 30-second period (allauth refuses a code used already, as it should for a person)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    # Not in a period's last two seconds: the code must still be the current one when the server checks it.
    while time.time() % app_settings.TOTP_PERIOD > app_settings.TOTP_PERIOD - 2:
        time.sleep(0.2)
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    code = format_hotp_value(hotp_value(secret, counter))
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))  # a platform-wide key (config.cache)
    return code
