"""Every write to congresses goes through here: provisioning requests, status, modules and settings. The
provisioning itself is a workflow of its own (provisioning.py), carried out by the worker."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from console.provisioning import COMMAND, Claim, provisioning_execute
from console.specs import PROVISIONING_REQUESTED, CongressSpec, congress_spec_errors, normalise_spec
from console.tasks import provision_congress
from shared_apps.memberships.permissions import (
    Access,
    can_change_congress_status,
    can_configure_congress,
    can_provision_congress,
)
from tenants.middleware import forget_host
from tenants.models import (
    PENDING_STATUSES,
    Congress,
    CongressEvent,
    CongressStatus,
    PlatformDefaults,
    ProvisioningEvent,
    ProvisioningRequest,
)
from tenants.modules import module_keys
from tenants.preferences import clean_preferences
from tenants.selectors import platform_defaults
from tenants.workflow.history import record_event

logger = logging.getLogger(__name__)


def provisioning_request(
    *, access: Access | None, spec: CongressSpec, source: str, actor_label: str = "", defer: bool = True
) -> ProvisioningRequest:
    """Validate `spec` and queue its provisioning; the schema is made by the worker (or `provisioning_execute`).

    `access` None means a trusted caller (management command, demo seed). Raises PermissionDenied, or
    ValidationError keyed by field, in which case nothing is created.
    """
    if access is not None and not can_provision_congress(access):
        raise PermissionDenied(_("只有省级平台管理员可以创建人大。"))
    spec = normalise_spec(spec)
    errors = congress_spec_errors(spec)
    if errors:
        raise ValidationError(errors)
    user = access.user if access is not None and access.is_authenticated else None
    try:
        with transaction.atomic():
            request = ProvisioningRequest.objects.create(
                requested_by=user, source=source, actor_label=actor_label[:100], **spec.fields()
            )
            record_event(
                ProvisioningEvent,
                request,
                actor=user,
                action=PROVISIONING_REQUESTED,
                from_status="",
                data={"source": source, "actor_label": actor_label[:100]},
            )
            if defer:
                # The job row is written in this transaction: no request without its job, no job without it.
                provision_congress.defer(request_id=request.pk)
    except IntegrityError:
        # A concurrent request took the code or subdomain between our check and our insert.
        raise ValidationError({"subdomain": [_("该区划代码或子域名正在创建中。")]}) from None
    return request


def provision_now(
    *, access: Access | None, spec: CongressSpec, source: str, actor_label: str = ""
) -> ProvisioningRequest:
    """Record and immediately run a provisioning in this process (management commands, demo seed, tests)."""
    claim = None
    try:
        with transaction.atomic():
            request = provisioning_request(
                access=access, spec=spec, source=source, actor_label=actor_label, defer=False
            )
            # Claimed before the request is committed: no rerun ever sees it pending with no one holding it.
            claim = Claim.take(request.pk, COMMAND)
            if claim is None:
                raise RuntimeError(f"provisioning request {request.pk} is claimed already")
    except BaseException:
        if claim is not None:
            claim.release()
        raise
    return provisioning_execute(request.pk, claim=claim)


def provisioning_resume(*, spec: CongressSpec) -> ProvisioningRequest | None:
    """Carry on, in this process, the pending request for exactly `spec` that no live run holds: the row of a
    command that was killed half-way (or whose job was lost), rerun. Returns it as it ends (succeeded or failed),
    or None when there is no such request, or when a live run holds it (the spec is then refused as being made).
    Trusted callers only (management commands): the request was checked when it was made, and is again as it is
    carried out."""
    spec = normalise_spec(spec)
    request = ProvisioningRequest.objects.filter(status__in=PENDING_STATUSES, **spec.fields()).first()
    if request is None or request.is_waiting:
        return None
    claim = Claim.take(request.pk, COMMAND)
    if claim is None:
        return None
    return provisioning_execute(request.pk, claim=claim)


def _clean_modules(modules: list[str]) -> list[str]:
    unknown = set(modules) - module_keys()
    if unknown:
        raise ValidationError({"modules": [_("未知的模块：%(keys)s。") % {"keys": ", ".join(sorted(unknown))}]})
    return sorted(set(modules))


@transaction.atomic
def platform_defaults_update(*, access: Access, modules: list[str], preferences: dict) -> PlatformDefaults:
    """Set the modules and settings new congresses start with. Provincial platform administrators only."""
    if not can_provision_congress(access):
        raise PermissionDenied(_("只有省级平台管理员可以修改默认设置。"))
    cleaned_modules = _clean_modules(modules)
    cleaned_preferences = _clean_prefs(preferences)
    defaults = PlatformDefaults.objects.select_for_update().get(pk=platform_defaults().pk)
    defaults.default_modules = cleaned_modules
    defaults.preferences = cleaned_preferences
    defaults.updated_by = access.user
    defaults.save(update_fields=["default_modules", "preferences", "updated_by", "updated_at"])
    return defaults


def _clean_prefs(preferences: dict) -> dict:
    try:
        return clean_preferences(preferences)
    except ValidationError as exc:
        raise ValidationError({"preferences": [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]}) from None


@transaction.atomic
def congress_configure(*, access: Access, congress: Congress, modules: list[str], preferences: dict) -> Congress:
    """A congress administrator switches modules and sets the congress's own settings.

    `preferences` holds only the values that differ from the province's defaults. Writes a history row.
    """
    # SECURITY: an administrator configures only the congress they hold the role in, whichever one is passed.
    if not can_configure_congress(access) or access.congress is None or access.congress.pk != congress.pk:
        raise PermissionDenied(_("只有本级人大平台管理员可以修改本级设置。"))
    cleaned_modules = _clean_modules(modules)
    cleaned_preferences = _clean_prefs(preferences)
    # Locked and read again: each history row's "from" must be the value this save replaces, not a stale copy.
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    changes = []
    if cleaned_modules != sorted(congress.enabled_modules):
        record_event(
            CongressEvent,
            congress,
            actor=access.user,
            kind=CongressEvent.Kind.MODULES_CHANGED,
            data={"from": sorted(congress.enabled_modules), "to": cleaned_modules},
        )
        congress.enabled_modules = cleaned_modules
        changes.append("enabled_modules")
    if cleaned_preferences != congress.preferences:
        record_event(
            CongressEvent,
            congress,
            actor=access.user,
            kind=CongressEvent.Kind.PREFERENCES_CHANGED,
            data={"keys": sorted(set(cleaned_preferences) | set(congress.preferences))},
        )
        congress.preferences = cleaned_preferences
        changes.append("preferences")
    if changes:
        congress.save(update_fields=[*changes, "updated_at"])
        transaction.on_commit(lambda: forget_host(congress))
    return congress


@transaction.atomic
def congress_set_status(*, access: Access, congress: Congress, status: str, note: str = "") -> Congress:
    """Suspend, archive or reactivate a congress. Provincial platform administrators only."""
    if not can_change_congress_status(access):
        raise PermissionDenied(_("只有省级平台管理员可以变更人大状态。"))
    if status not in CongressStatus.values:
        raise ValidationError({"status": [_("未知的状态。")]})
    # Locked and read again: of two concurrent changes the second sees the first, so "from" stays true and a
    # repeated change writes nothing.
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    if congress.status == status:
        return congress
    record_event(
        CongressEvent,
        congress,
        actor=access.user,
        kind=CongressEvent.Kind.STATUS_CHANGED,
        data={"from": congress.status, "to": status, "note": note},
    )
    congress.status = status
    congress.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: forget_host(congress))
    return congress
