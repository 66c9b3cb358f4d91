"""The password policy (MLPS level 3, identity): at least PASSWORD_MIN_LENGTH characters of at least
PASSWORD_MIN_CLASSES of four classes (lower case, upper case, digits, others), not like the account's name or
e-mail (Django's own validators), none of the last PASSWORD_HISTORY passwords again, and for staff roles a new
one every PASSWORD_MAX_AGE_DAYS days. Each a deployment setting (deploy/env.example)."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.memberships.models import STAFF_ROLES, Membership


def _classes(password: str) -> int:
    kinds = (str.islower, str.isupper, str.isdecimal)
    found = {index for ch in password for index, test in enumerate(kinds) if test(ch)}
    if any(not (ch.islower() or ch.isupper() or ch.isdecimal()) for ch in password):
        found.add(3)
    return len(found)


class CharacterClassesValidator:
    """At least `min_classes` of: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int | None = None):
        configured: int = getattr(settings, "PASSWORD_MIN_CLASSES", 3)
        self.min_classes = min_classes if min_classes is not None else configured

    def validate(self, password: str, user=None) -> None:
        if _classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、其他符号中的至少%(n)d类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """None of the account's last PASSWORD_HISTORY passwords again. Also keeps that history: Django calls
    `password_changed` whenever a password is saved (set_password then save)."""

    def __init__(self, history: int | None = None):
        self.history = history if history is not None else getattr(settings, "PASSWORD_HISTORY", 5)

    def _recent(self, user):
        from shared_apps.security.models import PasswordRecord

        return PasswordRecord.objects.filter(user=user).values_list("password", flat=True)[: self.history]

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None or not self.history:
            return
        if any(check_password(password, old) for old in self._recent(user)):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from shared_apps.security.models import PasswordRecord

        PasswordRecord.objects.create(user=user, password=user.password)
        keep = list(PasswordRecord.objects.filter(user=user).values_list("pk", flat=True)[: max(self.history, 1)])
        PasswordRecord.objects.filter(user=user).exclude(pk__in=keep).delete()

    def get_help_text(self) -> str:
        return _("不能与最近使用过的%(n)d个密码相同。") % {"n": self.history}


def password_set_at(user) -> datetime.datetime:
    """When the account's password was last set (its joining time if no record is kept)."""
    from shared_apps.security.models import PasswordRecord

    latest = PasswordRecord.objects.filter(user=user).values_list("created_at", flat=True).first()
    return latest or user.date_joined


def holds_staff_role(user) -> bool:
    return Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def password_expired(user) -> bool:
    """Whether a staff account's password is older than PASSWORD_MAX_AGE_DAYS (0: never)."""
    days = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 90)
    if not days or not user.has_usable_password():
        return False
    old = timezone.now() - password_set_at(user) > datetime.timedelta(days=days)
    return old and holds_staff_role(user)
