"""Signals of the identity controls (the audit log listens), and the receivers that keep the limiter true."""

import time

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from shared_apps.security import limiter, tokens
from tenants.addresses import client_address

# A password check refused because the account or the address is locked: request, account, until.
login_refused = Signal()
# A failure that locked the account or the address: request, account, until.
locked_out = Signal()
# An API token issued or revoked (request, token): sent by tokens.issue and tokens.revoke.
token_issued = tokens.token_issued
token_revoked = tokens.token_revoked


@receiver(password_reset)
def _unlock_after_reset(sender, request, user, **kwargs) -> None:
    # The owner proved the mailbox: the lock on the account ends (the address's count stays).
    limiter.succeeded("login", account=user.email)


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def _revoke_tokens_on_new_password(sender, request, user, **kwargs) -> None:
    # A new password ends every device's API token: a stolen phone's token dies with the old password.
    tokens.revoke_all(user)


@receiver(user_logged_in)
def _session_starts(sender, request, user, **kwargs) -> None:
    # The clocks of SessionPolicyMiddleware: the absolute limit counts from here, the idle one from each request.
    from shared_apps.security.middleware import CHECKED_AT, LAST_SEEN, SIGNED_IN_AT

    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
        request.session.pop(CHECKED_AT, None)


@receiver(mfa_signals.authentication_failed)
def _wrong_code(sender, request, user, **kwargs) -> None:
    # A wrong second-factor code is a failed sign-in: the same limiter, the same lock.
    address = client_address(request) if request is not None else ""
    until = limiter.failed("login", account=user.email, address=address)
    if until is not None:
        locked_out.send(sender=sender, request=request, account=user.email, until=until)
