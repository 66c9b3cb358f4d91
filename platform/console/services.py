"""Every write to congresses goes through here: provisioning, status, modules and settings."""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import (
    Access,
    can_change_congress_status,
    can_configure_congress,
    can_provision_congress,
)
from shared_apps.memberships.services import membership_grant
from tenants import schemas
from tenants.models import (
    PENDING_STATUSES,
    Congress,
    CongressEvent,
    CongressStatus,
    Domain,
    PlatformDefaults,
    ProvisioningRequest,
    ProvisioningStatus,
)
from tenants.modules import module_keys
from tenants.preferences import clean_preferences
from tenants.validators import PARENT_TIER, validate_division_code, validate_subdomain

logger = logging.getLogger(__name__)

TIER_LABELS = {
    "province": gettext_lazy("省级"),
    "city": gettext_lazy("市级"),
    "county": gettext_lazy("县级"),
    "township": gettext_lazy("乡镇级"),
}


@dataclass(frozen=True)
class CongressSpec:
    """What a provisioning asks for. `parent` is None only for the province."""

    tier: str
    parent: Congress | None
    division_code: str
    name: str
    subdomain: str
    admin_email: str = ""


def schema_name_for(division_code: str) -> str:
    return f"c{division_code}"


def congress_spec_errors(spec: CongressSpec, *, request_id: int | None = None) -> dict[str, list[str]]:
    """Every problem with `spec`, keyed by field name. Empty when it can be provisioned.

    `request_id` names the provisioning request being executed, which must not count as a rival.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if spec.tier not in TIER_LABELS:
        add("tier", _("层级必须是 province、city、county 或 township。"))
        return errors
    expected_parent = PARENT_TIER.get(spec.tier)
    if expected_parent is None and spec.parent is not None:
        add("parent", _("省级人大没有上级人大。"))
    elif expected_parent is not None and spec.parent is None:
        add("parent", _("%(tier)s人大必须指定上级人大。") % {"tier": TIER_LABELS[spec.tier]})
    elif spec.parent is not None and expected_parent is not None and spec.parent.tier != expected_parent:
        add(
            "parent",
            _("%(tier)s人大的上级必须是%(parent)s人大，而“%(name)s”是%(actual)s人大。")
            % {
                "tier": TIER_LABELS[spec.tier],
                "parent": TIER_LABELS[expected_parent],
                "name": spec.parent.name,
                "actual": TIER_LABELS[spec.parent.tier],
            },
        )
    elif spec.parent is not None and spec.parent.status != CongressStatus.ACTIVE:
        add("parent", _("上级人大“%(name)s”不是正常状态。") % {"name": spec.parent.name})
    _check(
        add,
        "division_code",
        lambda: validate_division_code(
            spec.division_code,
            spec.tier,
            spec.parent.division_code if spec.parent and "parent" not in errors else None,
        ),
    )
    _check(add, "subdomain", lambda: validate_subdomain(spec.subdomain))
    if not spec.name.strip():
        add("name", _("名称不能为空。"))
    elif len(spec.name) > 100:
        add("name", _("名称不能超过100个字。"))
    if spec.admin_email:
        _check(add, "admin_email", lambda: validate_email(spec.admin_email))
    _add_uniqueness_errors(add, spec, errors, request_id)
    return errors


def _check(add, field: str, validate) -> None:
    try:
        validate()
    except ValidationError as exc:
        for message in exc.messages:
            add(field, message)


def _add_uniqueness_errors(add, spec: CongressSpec, errors: dict, request_id: int | None) -> None:
    pending = ProvisioningRequest.objects.filter(status__in=PENDING_STATUSES)
    if request_id is not None:
        pending = pending.exclude(pk=request_id)
    if "division_code" not in errors:
        if Congress.objects.filter(division_code=spec.division_code).exists():
            add("division_code", _("区划代码 %(code)s 已被使用。") % {"code": spec.division_code})
        elif pending.filter(division_code=spec.division_code).exists():
            add("division_code", _("区划代码 %(code)s 正在创建中。") % {"code": spec.division_code})
    if "subdomain" not in errors:
        host = f"{spec.subdomain}.{settings.ROOT_DOMAIN}"
        if Congress.objects.filter(subdomain=spec.subdomain).exists() or Domain.objects.filter(domain=host).exists():
            add("subdomain", _("子域名 %(sub)s 已被使用。") % {"sub": spec.subdomain})
        elif pending.filter(subdomain=spec.subdomain).exists():
            add("subdomain", _("子域名 %(sub)s 正在创建中。") % {"sub": spec.subdomain})


def normalise_spec(spec: CongressSpec) -> CongressSpec:
    return CongressSpec(
        tier=(spec.tier or "").strip().lower(),
        parent=spec.parent,
        division_code=(spec.division_code or "").strip(),
        name=(spec.name or "").strip(),
        subdomain=(spec.subdomain or "").strip().lower(),
        admin_email=(spec.admin_email or "").strip().lower(),
    )


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
                requested_by=user,
                source=source,
                parent=spec.parent,
                tier=spec.tier,
                division_code=spec.division_code,
                name=spec.name,
                subdomain=spec.subdomain,
                admin_email=spec.admin_email,
                actor_label=actor_label[:100],
            )
            if defer:
                from tenants.tasks import provision_congress

                # The job row is written in this transaction: no request without its job, no job without it.
                provision_congress.defer(request_id=request.pk)
    except IntegrityError:
        # A concurrent request took the code or subdomain between our check and our insert.
        raise ValidationError({"subdomain": [_("该区划代码或子域名正在创建中。")]}) from None
    return request


def provisioning_execute(request_id: int) -> ProvisioningRequest:
    """Create the congress a request asks for. Idempotent: a finished request is returned untouched.

    The schema, the congress row, its domain, its first administrator and the record of success are made in
    one transaction, so a failure half-way leaves no orphan schema or domain; the request is then marked failed.
    """
    with transaction.atomic():
        request = ProvisioningRequest.objects.select_for_update().get(pk=request_id)
        if not request.is_pending:
            return request
        request.status = ProvisioningStatus.RUNNING
        request.started_at = timezone.now()
        request.save(update_fields=["status", "started_at"])
    started = time.monotonic()
    try:
        with transaction.atomic():
            request = ProvisioningRequest.objects.select_for_update().get(pk=request_id)
            if not request.is_pending:
                return request
            congress, used_spare = _create_congress(request)
            request.status = ProvisioningStatus.SUCCEEDED
            request.congress = congress
            request.used_spare = used_spare
            _finish(request, started)
    except Exception as exc:
        logger.exception("provisioning request %s failed", request_id)
        _mark_failed(request_id, exc, started)
    request.refresh_from_db()
    return request


def _create_congress(request: ProvisioningRequest) -> tuple[Congress, bool]:
    spec = CongressSpec(
        tier=request.tier,
        parent=request.parent,
        division_code=request.division_code,
        name=request.name,
        subdomain=request.subdomain,
        admin_email=request.admin_email,
    )
    errors = congress_spec_errors(spec, request_id=request.pk)
    if errors:
        raise ValidationError(errors)
    defaults = platform_defaults()
    schema_name = schema_name_for(spec.division_code)
    used_spare = schemas.create_congress_schema(schema_name)
    congress = Congress(
        schema_name=schema_name,
        tier=spec.tier,
        parent=spec.parent,
        division_code=spec.division_code,
        name=spec.name,
        subdomain=spec.subdomain,
        enabled_modules=list(defaults.default_modules),
    )
    congress.save()
    Domain.objects.create(domain=congress.host(), tenant=congress, is_primary=True)
    CongressEvent.objects.create(
        congress=congress,
        actor=request.requested_by,
        kind=CongressEvent.Kind.CREATED,
        data={"request": request.pk, "source": request.source, "used_spare": used_spare},
    )
    if spec.admin_email:
        _invite_first_admin(congress, spec.admin_email, request.requested_by)
    return congress, used_spare


def _invite_first_admin(congress: Congress, email: str, actor) -> None:
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_model.objects.create_user(email=email)
    membership_grant(actor=actor, user=user, congress=congress, role=Role.CONGRESS_ADMIN)
    from shared_apps.accounts.invitations import send_invitation

    transaction.on_commit(lambda: send_invitation(user=user, congress=congress))


def _finish(request: ProvisioningRequest, started: float) -> None:
    request.finished_at = timezone.now()
    request.duration_ms = int((time.monotonic() - started) * 1000)
    request.save(update_fields=["status", "congress", "used_spare", "finished_at", "duration_ms", "error"])


def _mark_failed(request_id: int, exc: Exception, started: float) -> None:
    if isinstance(exc, ValidationError):
        message = (
            "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            if hasattr(exc, "error_dict")
            else " ".join(exc.messages)
        )
    else:
        message = f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        request = ProvisioningRequest.objects.select_for_update().get(pk=request_id)
        request.status = ProvisioningStatus.FAILED
        request.error = message[:2000]
        _finish(request, started)


def stalled_provisioning_ids(older_than_seconds: int = 120) -> list[int]:
    """Pending requests older than the given age: their job is presumed lost."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        ProvisioningRequest.objects.filter(status__in=PENDING_STATUSES, requested_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def provision_now(
    *, access: Access | None, spec: CongressSpec, source: str, actor_label: str = ""
) -> ProvisioningRequest:
    """Record and immediately run a provisioning in this process (management commands, demo seed, tests)."""
    request = provisioning_request(access=access, spec=spec, source=source, actor_label=actor_label, defer=False)
    return provisioning_execute(request.pk)


def platform_defaults() -> PlatformDefaults:
    """The single row of provincial defaults, created on first use with every module enabled."""
    defaults, _created = PlatformDefaults.objects.get_or_create(
        pk=1, defaults={"default_modules": sorted(module_keys())}
    )
    return defaults


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
    if not can_configure_congress(access) or access.congress is None or access.congress.pk != congress.pk:
        raise PermissionDenied(_("只有本级人大平台管理员可以修改本级设置。"))
    cleaned_modules = _clean_modules(modules)
    cleaned_preferences = _clean_prefs(preferences)
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    changes = []
    if cleaned_modules != sorted(congress.enabled_modules):
        CongressEvent.objects.create(
            congress=congress,
            actor=access.user,
            kind=CongressEvent.Kind.MODULES_CHANGED,
            data={"from": sorted(congress.enabled_modules), "to": cleaned_modules},
        )
        congress.enabled_modules = cleaned_modules
        changes.append("enabled_modules")
    if cleaned_preferences != congress.preferences:
        CongressEvent.objects.create(
            congress=congress,
            actor=access.user,
            kind=CongressEvent.Kind.PREFERENCES_CHANGED,
            data={"keys": sorted(set(cleaned_preferences) | set(congress.preferences))},
        )
        congress.preferences = cleaned_preferences
        changes.append("preferences")
    if changes:
        congress.save(update_fields=[*changes, "updated_at"])
    return congress


@transaction.atomic
def congress_set_status(*, access: Access, congress: Congress, status: str, note: str = "") -> Congress:
    """Suspend, archive or reactivate a congress. Provincial platform administrators only."""
    if not can_change_congress_status(access):
        raise PermissionDenied(_("只有省级平台管理员可以变更人大状态。"))
    if status not in CongressStatus.values:
        raise ValidationError({"status": [_("未知的状态。")]})
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    if congress.status == status:
        return congress
    CongressEvent.objects.create(
        congress=congress,
        actor=access.user,
        kind=CongressEvent.Kind.STATUS_CHANGED,
        data={"from": congress.status, "to": status, "note": note},
    )
    congress.status = status
    congress.save(update_fields=["status", "updated_at"])
    return congress


def effective_settings(congress: Congress) -> dict:
    """The settings in force for `congress`: statutory defaults ← province defaults ← its own."""
    from tenants.preferences import effective_preferences

    return effective_preferences(platform_defaults().preferences, congress.preferences)
