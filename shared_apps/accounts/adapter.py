from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by congress offices (invitations, provisioning); open sign-up is off by default."""

    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        """Deputies land on their workspace (every seat, every congress); others on the page they came from."""
        if hasattr(request.user, "deputy"):
            return "/me/workspace/"
        return super().get_login_redirect_url(request)
