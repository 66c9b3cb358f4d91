"""What the audit log listens to: every history row (each workflow action, role grant and withdrawal,
identity reveal, export, provisioning step and setting change writes one, tenants.workflow.history), and the
sign-in events of Django, allauth and the platform's own identity controls."""

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa import signals as mfa
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.dispatch import receiver

from shared_apps.audit.models import Outcome
from shared_apps.audit.services import record
from shared_apps.security import signals as security
from tenants.workflow.history import event_recorded


def _scalar_fields(event: models.Model) -> dict:
    """The event's own columns, foreign keys as ids: what the audit row keeps beside the event's data."""
    kept = {}
    for field in event._meta.concrete_fields:
        if field.name in {"id", "actor", "data", "created_at", "note"}:
            continue
        value = getattr(event, field.attname)
        if value not in (None, ""):
            kept[field.name] = value
    return kept


@receiver(event_recorded)
def _event(sender, event, actor, subject, **kwargs) -> None:
    kind = str(getattr(event, "action", "") or getattr(event, "kind", "") or "recorded")
    name = sender._meta.model_name.removesuffix("event") or sender._meta.model_name
    congress = getattr(event, "congress", None)
    subject_field = str(getattr(sender, "subject_field", "") or "")
    if subject is None and subject_field:
        subject = getattr(event, subject_field, None)
    record(
        f"{name}.{kind}",
        actor=actor,
        # What the step was about; an event without a subject (a role granted) is its own object.
        obj=subject if subject is not None else event,
        # Public-schema events about one congress (a role granted in it, its provisioning) name that congress.
        congress=getattr(congress, "schema_name", None),
        data={**_scalar_fields(event), **(event.data or {})},
    )


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    record("auth.login", actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record("auth.logout", actor=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password; the account tried is kept as typed.
    tried = str(credentials.get("email") or credentials.get("username") or "")
    record("auth.login", outcome=Outcome.FAILURE, actor_label=tried)


@receiver(security.locked_out)
def _locked_out(sender, request, account, until, **kwargs) -> None:
    record("auth.lockout", outcome=Outcome.REFUSED, actor_label=account, data={"until": until})


@receiver(security.login_refused)
def _refused(sender, request, account, until, **kwargs) -> None:
    record("auth.login", outcome=Outcome.REFUSED, actor_label=account, data={"locked_until": until})


@receiver(security.token_issued)
def _token_issued(sender, request, token, **kwargs) -> None:
    record("auth.token_issued", actor=token.user, obj=token, data={"device": token.device})


@receiver(security.token_revoked)
def _token_revoked(sender, request, token, **kwargs) -> None:
    actor = getattr(request, "user", None) if request is not None else None
    record("auth.token_revoked", actor=actor, obj=token, data={"device": token.device, "owner": token.user.email})


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs) -> None:
    record("auth.password_changed", actor=user)


@receiver(password_set)
def _password_set(sender, request, user, **kwargs) -> None:
    record("auth.password_set", actor=user)


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs) -> None:
    record("auth.password_reset", actor=user)


@receiver(mfa.authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    record("mfa.added", actor=user, data={"type": authenticator.type})


@receiver(mfa.authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    record("mfa.removed", actor=user, data={"type": authenticator.type})


@receiver(mfa.authenticator_reset)
def _mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    record("mfa.reset", actor=user, data={"type": authenticator.type})


@receiver(mfa.authentication_failed)
def _mfa_failed(sender, request, user, authenticator, **kwargs) -> None:
    record("mfa.code", outcome=Outcome.FAILURE, actor_label=user.email, data={"type": authenticator.type})
