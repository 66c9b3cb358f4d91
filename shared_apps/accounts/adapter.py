from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by congress offices (invitations, provisioning); open sign-up is off by default."""

    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        """Everyone lands on their workspace (what waits for them in every congress), on whichever host they
        signed in; a `next` page asked for before signing in still wins (allauth reads it first)."""
        return "/me/workspace/"
