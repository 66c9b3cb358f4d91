"""Invitation mails: a link, on the inviting congress's own host, to set a password."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.hosts import absolute_url


def password_setup_url(user, host: str) -> str:
    """An allauth password-reset link for `user` on `host` (used as 'set your password')."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        urlconf=settings.ROOT_URLCONF,
    )
    return absolute_url(host, path)


def send_invitation(*, user, congress) -> None:
    """Mail `user` a link to set their password and enter `congress`."""
    link = password_setup_url(user, congress.host())
    subject = _("您已被设为%(name)s平台管理员") % {"name": congress.name}
    body = _(
        "您好！\n\n您已被设为“%(name)s”人大代表服务云平台的管理员。请打开以下链接设置密码：\n\n%(link)s\n\n"
        "设置后即可在 %(url)s 登录。\n"
    ) % {"name": congress.name, "link": link, "url": congress.url()}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
