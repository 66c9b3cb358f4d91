"""What a provisioning asks for (CongressSpec) and every problem with it, checked when it is requested and again
when it is carried out (a rival may have taken the code or the subdomain meanwhile)."""

import dataclasses
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.models import PENDING_STATUSES, Congress, CongressStatus, Domain, ProvisioningRequest
from tenants.validators import PARENT_TIER, validate_division_code, validate_subdomain

PROVISIONING_REQUESTED = "request"  # a provisioning history's first step, written when the request is made

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

    def fields(self) -> dict:
        """The spec as a provisioning request's fields of the same names (the parent as it is, not copied)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


def schema_name_for(division_code: str) -> str:
    # A letter first: an unquoted PostgreSQL identifier may not begin with a digit (the code is 12 checked digits).
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
        # Every later check depends on the tier.
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
    # Pending requests count as taken: the partial unique constraints (provisioning_pending_*) would refuse the
    # insert anyway; checking here gives the field's message first.
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
    # Lower case: host names are case-insensitive, and the uniqueness checks compare exactly.
    return CongressSpec(
        tier=(spec.tier or "").strip().lower(),
        parent=spec.parent,
        division_code=(spec.division_code or "").strip(),
        name=(spec.name or "").strip(),
        subdomain=(spec.subdomain or "").strip().lower(),
        admin_email=(spec.admin_email or "").strip().lower(),
    )
