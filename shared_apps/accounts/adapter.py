from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.security import limiter
from tenants.addresses import client_address


def lockout_message(until) -> str:
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    return _("登录失败次数过多，请%(minutes)d分钟后再试，或通过“忘记密码”重设密码。") % {"minutes": minutes}


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by congress offices (invitations, provisioning); open sign-up is off by default.

    Every password check — the sign-in form, the API token (console.api), re-authentication — runs through
    `authenticate` here, and so through the one limiter (shared_apps.security.limiter) instead of allauth's
    per-process cache."""

    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        """Everyone lands on their workspace (what waits for them in every congress), on whichever host they
        signed in; a `next` page asked for before signing in still wins (allauth reads it first)."""
        return "/me/workspace/"

    def pre_authenticate(self, request, **credentials) -> None:
        until = limiter.locked_until("login", account=_account(credentials), address=client_address(request))
        if until is not None:
            from shared_apps.security.signals import login_refused

            login_refused.send(sender=type(self), request=request, account=_account(credentials), until=until)
            raise ValidationError(lockout_message(until), code="too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self) -> None:
        """Called by allauth after a correct password (allauth's own counter is not used)."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            limiter.succeeded("login", account=_account(credentials))
        return user

    def authentication_failed(self, request, **credentials) -> None:
        until = limiter.failed("login", account=_account(credentials), address=client_address(request))
        if until is not None:
            from shared_apps.security.signals import locked_out

            locked_out.send(sender=type(self), request=request, account=_account(credentials), until=until)


def _account(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()
