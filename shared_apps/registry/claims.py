"""Inviting a deputy to claim their account, and the claim itself.

The office invites by email or SMS; the link (valid INVITATION_DAYS days, single use) opens a page on the
inviting congress's host where the deputy sets an email address and a password. From then on the deputy's
memberships follow their seats (services.deputy_sync_memberships).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.sms import send_sms
from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Deputy, Invitation, RegistryEvent, Seat, SeatStatus
from shared_apps.registry.permissions import can_manage_registry
from shared_apps.registry.services import deputy_sync_memberships
from shared_apps.security import limiter
from tenants.hosts import absolute_url
from tenants.workflow.history import record_event

INVITATION_DAYS = 14


def _hash(token: str) -> str:
    # SECURITY: only the hash is stored, so a leaked table or backup opens no invitation; the token has 256 random
    # bits, so a plain SHA-256 suffices.
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_send(*, access: Access, deputy: Deputy, channel: str, email: str = "") -> Invitation:
    """Invite `deputy` (who must hold a serving seat in the inviting congress) by email or SMS.

    Office staff and administrators of that congress. Raises PermissionDenied or ValidationError by field.
    """
    congress = access.congress
    if congress is None or not can_manage_registry(access, congress):
        raise PermissionDenied(_("只有本级人大机关工作人员可以邀请代表。"))
    if not Seat.objects.filter(deputy=deputy, congress=congress, status=SeatStatus.SERVING).exists():
        raise ValidationError({"deputy": [_("该代表在本级人大没有在任席位。")]})
    if deputy.user_id is not None:
        raise ValidationError({"deputy": [_("该代表已经认领了账号。")]})
    if channel == Invitation.Channel.EMAIL:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": [_("请输入有效的电子邮箱。")]}) from None
    elif channel == Invitation.Channel.SMS:
        if not deputy.mobile_token:
            raise ValidationError({"channel": [_("名册中没有该代表的手机号码。")]})
    else:
        raise ValidationError({"channel": [_("请选择邮件或短信。")]})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            deputy=deputy,
            congress=congress,
            channel=channel,
            email=email.lower(),
            token_hash=_hash(token),
            created_by=access.user,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        link = absolute_url(congress.host(), f"/registry/claim/{token}/")
        # After commit: no link goes out for an invitation that a rollback removed.
        transaction.on_commit(lambda: _deliver(invitation, deputy, link))
    return invitation


def _deliver(invitation: Invitation, deputy: Deputy, link: str) -> None:
    text = _(
        "%(name)s代表您好：%(congress)s邀请您开通人大代表服务云平台账号，请在%(days)d天内打开 %(link)s 设置密码。"
    ) % {"name": deputy.name, "congress": invitation.congress.name, "days": INVITATION_DAYS, "link": link}
    if invitation.channel == Invitation.Channel.EMAIL:
        send_mail(_("开通人大代表服务云平台账号"), text, None, [invitation.email])
    else:
        # SECURITY: decrypted only to hand it to the gateway; never stored or logged in clear here.
        send_sms(deputy.reveal_mobile(), text)


def claim_lookup(token: str, address: str) -> tuple[Invitation | None, datetime | None]:
    """The open invitation for `token`, counted by the one limiter: a token that opens nothing counts as a
    failure of `address`, and a locked address gets no invitation at all. Returns (invitation, locked until)."""
    until = limiter.locked_until("claim", address=address)
    if until is not None:
        return None, until
    invitation = invitation_for_token(token)
    if invitation is None:
        limiter.failed("claim", address=address)
    return invitation, None


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation for `token`, or None if unknown, used or expired."""
    invitation = Invitation.objects.select_related("deputy", "congress").filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.accepted_at or invitation.expires_at < timezone.now():
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, email: str, password: str, current_user=None):
    """Claim the deputy's account: create (or, if signed in, use) the user and link it to the deputy.

    Raises ValidationError by field. Returns the user.
    """
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError({"token": [_("邀请链接无效或已过期，请联系人大办公室重新发送。")]})
    # Locked, then checked again: of two claims at once (two tabs, two devices), the second finds the deputy claimed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    deputy = Deputy.objects.select_for_update().get(pk=invitation.deputy_id)
    if deputy.user_id is not None:
        raise ValidationError({"token": [_("该代表已经认领了账号。")]})
    user = current_user if current_user is not None and current_user.is_authenticated else None
    if user is None:
        user = _new_user(email, password, deputy.name)
    elif hasattr(user, "deputy"):
        raise ValidationError({"email": [_("当前登录的账号已属于另一位代表。")]})
    deputy.user = user
    deputy.save(update_fields=["user"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_event(
        RegistryEvent,
        actor=user,
        kind=RegistryEvent.Kind.ACCOUNT_CLAIMED,
        deputy=deputy,
        data={"invitation": invitation.pk},
    )
    deputy_sync_memberships(deputy, actor=user)
    return user


def _new_user(email: str, password: str, name: str):
    user_model = get_user_model()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("请输入有效的电子邮箱。")]}) from None
    # SECURITY: a claim never takes over an existing account: its owner signs in first and claims as themselves.
    if user_model.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("该邮箱已有账号：请先用它登录，再打开邀请链接。")]})
    user = user_model(email=email, name=name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    return user
