"""Headers every response carries beyond Django's and django-csp's own: what the page may use of the browser
(Permissions-Policy), and `Cache-Control: no-store` on whatever is served to a signed-in caller (it may carry
personal data: no shared cache, no back-button copy on a shared computer keeps it)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from shared_apps.audit.services import record
from shared_apps.security import mfa, passwords


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if _signed_in(request) and "Cache-Control" not in response.headers:
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request) -> bool:
    # A session's user, or an API call that carries credentials (DRF authenticates inside the view).
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False) or request.headers.get("Authorization"))


SIGNED_IN_AT = "security:signed_in_at"
LAST_SEEN = "security:last_seen"
CHECKED_AT = "security:checked_at"
# How often the session's last request is written (not on every request: that would be a write each time).
LAST_SEEN_RESOLUTION = 60
# How often the account's standing (password age, second factor) is checked again within a session.
RECHECK_SECONDS = 300
# Paths a signed-in person may still open while the platform asks them to act first (a new password, a second
# factor): the account pages themselves, switching language, static files.
OPEN_PATHS = ("/accounts/", "/i18n/", "/static/", "/media/", "/manifest.webmanifest")


class SessionPolicyMiddleware:
    """For signed-in sessions (after AuthenticationMiddleware):

    - signs out after SESSION_IDLE_MINUTES without a request (sliding), and SESSION_COOKIE_AGE after signing in
      (absolute), with an audit row and a message on the sign-in page;
    - sends a staff account whose password is older than PASSWORD_MAX_AGE_DAYS to change it first, and an
      account that must use a second factor (shared_apps.security.mfa) to enrol one first.

    API calls with a token are not sessions: tokens expire on their own (shared_apps.security.tokens)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            answer = self._check(request, user)
            if answer is not None:
                return answer
        return self.get_response(request)

    def _check(self, request, user):
        session = request.session
        now = time.time()
        started = session.setdefault(SIGNED_IN_AT, now)
        last = session.get(LAST_SEEN, now)
        idle = settings.SESSION_IDLE_MINUTES * 60
        if (idle and now - last > idle) or now - started > settings.SESSION_COOKIE_AGE:
            return self._expire(request, user, idle_out=now - started <= settings.SESSION_COOKIE_AGE)
        if now - session.get(LAST_SEEN, 0) > LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now
        if request.path.startswith(OPEN_PATHS) or request.path.startswith("/api/"):
            return None
        if now - session.get(CHECKED_AT, 0) > RECHECK_SECONDS:
            if passwords.password_expired(user):
                messages.warning(
                    request,
                    _("您的密码已使用超过%(days)d天，请先设置新密码。") % {"days": settings.PASSWORD_MAX_AGE_DAYS},
                )
                return redirect("account_change_password")
            if mfa.mfa_required(user) and not mfa.has_second_factor(user):
                messages.warning(
                    request,
                    _(
                        "您的角色要求使用双因素认证：请先用手机上的身份验证器应用扫描二维码启用，之后登录时除密码外还须输入动态码。"
                    ),
                )
                return redirect("mfa_activate_totp")
            session[CHECKED_AT] = now
        return None

    def _expire(self, request, user, *, idle_out: bool):
        record("auth.session_expired", actor=user, data={"reason": "idle" if idle_out else "absolute"})
        logout(request)
        if request.path.startswith("/api/"):
            return None  # the call goes on unauthenticated: DRF answers 401/403
        messages.info(
            request,
            _("您已超过%(n)d分钟未操作，为保护账号安全已退出，请重新登录。") % {"n": settings.SESSION_IDLE_MINUTES}
            if idle_out
            else _("登录已超过有效时长，请重新登录。"),
        )
        return redirect_to_login(request.get_full_path())
