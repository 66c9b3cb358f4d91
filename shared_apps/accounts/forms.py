from allauth.account.forms import ResetPasswordForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shared_apps.accounts.adapter import lockout_message
from shared_apps.security import limiter, sms_codes
from tenants.addresses import client_address


class LimitedResetPasswordForm(ResetPasswordForm):
    """allauth's reset request, counted by the one limiter: per account (one inbox is not flooded) and per
    address (one address cannot spray). Every request counts, whether or not the address has an account, so
    the answer tells nothing about which accounts exist."""

    def clean_email(self) -> str:
        email = super().clean_email()
        address = client_address(context.request)
        if limiter.locked_until("reset", account=email, address=address) is not None:
            raise ValidationError(_("重设密码的请求过多，请一小时后再试。"), code="too_many_requests")
        limiter.failed("reset", account=email, address=address)
        return email


class LimitedAuthenticateForm(AuthenticateForm):
    """allauth's second-factor step, under the one limiter: a locked account gets no code checked, and each
    wrong code counts as a failed sign-in (shared_apps.security.signals)."""

    def clean_code(self) -> str:
        until = limiter.locked_until("login", account=self.user.email, address=client_address(context.request))
        if until is not None:
            raise ValidationError(lockout_message(until), code="too_many_login_attempts")
        code = self.cleaned_data.get("code", "")
        # A deputy's SMS code (the fallback) stands for the authenticator app it replaces.
        app = Authenticator.objects.filter(user=self.user, type=Authenticator.Type.TOTP).first()
        if app is not None and sms_codes.check_code(self.user, code):
            self.authenticator = app
            return code
        return super().clean_code()
