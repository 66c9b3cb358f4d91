"""The provisioning of a congress: a workflow on the platform's workflow core (tenants.workflow), whose steps the
system takes (the worker, or a command run by an operator): queued → running → succeeded or failed.

`provisioning_execute` carries a request out: "start" commits "running" first, so the console shows progress;
"succeed" then makes the schema (a clone of the template), the congress row, its domain, its first
administrator and the record of success in ONE transaction, so a failure half-way leaves no orphan schema or
domain; "fail" then records the error in a transaction of its own. Each step writes a ProvisioningEvent.
"""

import datetime
import logging
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console import bulk
from console.specs import PROVISIONING_REQUESTED, CongressSpec, congress_spec_errors, schema_name_for
from shared_apps.accounts.invitations import send_invitation
from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access, can_provision_congress
from shared_apps.memberships.services import membership_grant
from shared_apps.notifications.services import notify_users
from tenants import schemas
from tenants.hosts import root_url
from tenants.language import platform_text
from tenants.models import (
    PENDING_STATUSES,
    Congress,
    CongressEvent,
    Domain,
    ProvisioningEvent,
    ProvisioningRequest,
    ProvisioningStatus,
)
from tenants.selectors import platform_defaults
from tenants.workflow import NO_ONE, Notify, Refusals, Step, Transition, Workflow, WrongStatus, apply_transition
from tenants.workflow.history import record_event

logger = logging.getLogger(__name__)

# The system carries provisioning out: the worker, or a command's operator, acting for the province.
SYSTEM = Access(user=None, congress=None, is_platform_admin=True)


def _elapsed_ms(step: Step) -> int:
    return int((time.monotonic() - step.data.get("started", time.monotonic())) * 1000)


def _start(step: Step) -> str:
    step.set(started_at=step.now)
    return ProvisioningStatus.RUNNING


def _succeed(step: Step) -> str:
    congress, used_spare = _create_congress(step, step.obj)
    # In this transaction: a batch's rows waiting for this congress get it as parent (and their jobs) with it.
    bulk.release_children(step.obj, congress)
    step.set(congress=congress, used_spare=used_spare, finished_at=step.now, duration_ms=_elapsed_ms(step))
    step.event_data.update(congress=congress.pk, used_spare=used_spare)
    return ProvisioningStatus.SUCCEEDED


def _fail(step: Step) -> str:
    error = str(step.data.get("error") or "")[:2000]
    step.set(error=error, finished_at=step.now, duration_ms=_elapsed_ms(step))
    step.event_data["error"] = error
    return ProvisioningStatus.FAILED


def _by_the_system(access: Access, request: ProvisioningRequest) -> bool:
    return can_provision_congress(access)


def _requester(step: Step) -> set[int]:
    """Whoever asked for the congress on the console or the API (a command's operator has no account). A row of
    a batch tells no one: a province's file would send its uploader 1,600 notices; the batch's page shows them."""
    if step.obj.batch_id is not None:
        return set()
    return {step.obj.requested_by_id} if step.obj.requested_by_id else set()


def _deliver(step: Step, notice: Notify, user_ids: set[int]) -> None:
    """In-app, from the central platform, linking to the request's page on the console."""
    request = step.obj
    url = root_url(reverse("console:provisioning_detail", urlconf="config.urls_public", kwargs={"pk": request.pk}))
    notify_users(
        user_ids=user_ids,
        congress=None,
        kind=notice.kind,
        title=platform_text(notice.title_for(step), name=request.name),
        body=request.error or request.subdomain,
        url=url,
        immediate=notice.immediate,
    )


S = ProvisioningStatus
TRANSITIONS: dict[str, Transition] = {
    # The console shows the progress to whoever waits on the request's page; the outcome is told to them.
    "start": Transition(
        gettext_lazy("开始创建"), frozenset({S.QUEUED}), (S.RUNNING,), _by_the_system, _start, notify=NO_ONE
    ),
    "succeed": Transition(
        gettext_lazy("创建完成"),
        frozenset({S.RUNNING}),
        (S.SUCCEEDED,),
        _by_the_system,
        _succeed,
        notify=Notify(_requester, "congress_created", gettext_lazy("%(name)s已创建")),
    ),
    "fail": Transition(
        gettext_lazy("创建失败"),
        frozenset({S.QUEUED, S.RUNNING}),
        (S.FAILED,),
        _by_the_system,
        _fail,
        notify=Notify(_requester, "congress_failed", gettext_lazy("%(name)s创建失败")),
    ),
}

PROVISIONING = Workflow(
    name="console.provisioning",
    model=ProvisioningRequest,
    event_model=ProvisioningEvent,
    transitions=TRANSITIONS,
    # Refused only to code, never to a person: these texts end up in logs.
    refusals=Refusals(
        elsewhere="provisioning runs on the root domain",
        wrong_status="a provisioning request that is %(status)s cannot %(action)s",
        forbidden="only the province's platform may %(action)s",
        not_applicable="%(action)s does not apply",
    ),
    # No require_here: a request is a public-schema row, handled on the root domain, in no congress's schema.
    in_congress=False,
    deliver=_deliver,
    event_labels={PROVISIONING_REQUESTED: gettext_lazy("提交申请")},
)


def provisioning_execute(request_id: int) -> ProvisioningRequest:
    """Create the congress a request asks for. Idempotent: a finished request is returned untouched; a request
    that another worker finishes meanwhile is returned as that worker left it."""
    request = ProvisioningRequest.objects.get(pk=request_id)
    if not request.is_pending or request.is_waiting:
        return request
    try:
        if request.status == ProvisioningStatus.QUEUED:
            request = apply_transition(PROVISIONING, access=SYSTEM, obj=request, action="start")
        started = time.monotonic()
        try:
            apply_transition(PROVISIONING, access=SYSTEM, obj=request, action="succeed", data={"started": started})
        except WrongStatus:
            raise  # another worker finished the request while we waited for its lock: no failure of ours
        except Exception as exc:
            logger.exception("provisioning request %s failed", request_id)
            data = {"error": _error_text(exc), "started": started}
            # A transaction of its own: "succeed"'s rolled back, taking the schema, the congress row and its domain.
            apply_transition(PROVISIONING, access=SYSTEM, obj=request, action="fail", data=data)
            _fail_waiting(request)
    except WrongStatus:
        pass  # race: another worker took the request from "queued" or finished it while we waited for its lock
    # Read again: the steps saved other instances, and a rival worker may have written the outcome.
    request.refresh_from_db()
    return request


def _fail_waiting(request: ProvisioningRequest) -> None:
    """A batch's rows waiting for a congress that failed fail too, and theirs in turn."""
    for child_id in bulk.waiting_children(request):
        child = ProvisioningRequest.objects.get(pk=child_id)
        data = {"error": str(_("上级人大 %(code)s 未能创建。") % {"code": request.division_code})}
        try:
            apply_transition(PROVISIONING, access=SYSTEM, obj=child, action="fail", data=data)
        except WrongStatus:
            continue
        _fail_waiting(child)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        return " ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"


def _create_congress(step: Step, request: ProvisioningRequest) -> tuple[Congress, bool]:
    spec = CongressSpec(
        tier=request.tier,
        parent=request.parent,
        division_code=request.division_code,
        name=request.name,
        subdomain=request.subdomain,
        admin_email=request.admin_email,
    )
    # Checked again: a rival may have taken the code or the subdomain since the request was accepted.
    errors = congress_spec_errors(spec, request_id=request.pk)
    if errors:
        raise ValidationError(errors)
    defaults = platform_defaults()
    schema_name = schema_name_for(spec.division_code)
    # In the step's transaction (PostgreSQL DDL is transactional): a rollback drops the clone or returns the spare.
    used_spare = schemas.create_congress_schema(schema_name)
    congress = Congress(
        schema_name=schema_name,
        tier=spec.tier,
        parent=spec.parent,
        division_code=spec.division_code,
        name=spec.name,
        subdomain=spec.subdomain,
        # Modules are copied now, so later changes to the defaults reach only new congresses. Settings are not:
        # a congress stores only where it differs from the province (effective_preferences).
        enabled_modules=list(defaults.default_modules),
        # A clone of the checked template, or a spare made from it: current with the code's migrations.
        migrated_fingerprint=schemas.code_fingerprint(),
    )
    congress.save()
    Domain.objects.create(domain=congress.host(), tenant=congress, is_primary=True)
    record_event(
        CongressEvent,
        congress,
        actor=request.requested_by,
        kind=CongressEvent.Kind.CREATED,
        data={"request": request.pk, "source": request.source, "used_spare": used_spare},
    )
    if spec.admin_email:
        _invite_first_admin(step, congress, spec.admin_email, request.requested_by)
    return congress, used_spare


def _invite_first_admin(step: Step, congress: Congress, email: str, actor) -> None:
    user_model = get_user_model()
    # Accounts are province-wide (public schema): someone who has one already gets a membership, not a new account.
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_model.objects.create_user(email=email)
    membership_grant(actor=actor, user=user, congress=congress, role=Role.CONGRESS_ADMIN)
    # After commit: no mail invites anyone into a congress that a rollback removed.
    step.after_commit(lambda: send_invitation(user=user, congress=congress))


def stalled_provisioning_ids(older_than_seconds: int = 120) -> list[int]:
    """Pending requests older than the given age: their job is presumed lost."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    return list(
        ProvisioningRequest.objects.filter(status__in=PENDING_STATUSES, requested_at__lt=cutoff)
        .exclude(parent__isnull=True, parent_code__gt="")  # a batch's row waiting for its parent: not lost
        .order_by("pk")
        .values_list("pk", flat=True)
    )
