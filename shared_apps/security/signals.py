"""Signals of the identity controls (the audit log listens), and the receivers that keep the limiter true."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import Signal, receiver

from shared_apps.security import limiter, tokens

# A password check refused because the account or the address is locked: request, account, until.
login_refused = Signal()
# A failure that locked the account or the address: request, account, until.
locked_out = Signal()
# An API token issued or revoked: request, token.
token_issued = Signal()
token_revoked = Signal()


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
