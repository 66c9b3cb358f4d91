"""The provisioning of a congress: a workflow on the platform's workflow core (tenants.workflow), whose steps the
system takes (the worker, or a command run by an operator): queued → running → succeeded or failed.

`provisioning_execute` carries a request out: "start" commits "running" first, so the console shows progress;
"succeed" then makes the schema (a clone of the template), the congress row, its domain, its first
administrator and the record of success in ONE transaction, so a failure half-way leaves no orphan schema or
domain; "fail" then records the error in a transaction of its own. Each step writes a ProvisioningEvent.

Whoever carries a request out holds a claim on it (`Claim`) from before "start" until after "succeed" or "fail":
a session advisory lock on a connection of its own, which PostgreSQL drops the moment the claimant's process dies
(its socket closes), and a lease row (owner, expiry) renewed while it works. A pending request whose lock is free
has no live claimant: a rerun or the worker's sweep takes it over at once ("resume"); one whose lock is held is
left alone.
"""

import datetime
import logging
import os
import socket
import threading
import time

import psycopg
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg import sql

from console import batches, bulk
from console.specs import PROVISIONING_REQUESTED, CongressSpec, congress_spec_errors, schema_name_for
from shared_apps.accounts.invitations import send_invitation
from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import SYSTEM, Access, can_provision_congress
from shared_apps.memberships.services import membership_grant
from shared_apps.notifications.services import notify_users
from tenants import schemas
from tenants.hosts import root_url
from tenants.language import platform_text
from tenants.models import (
    Congress,
    CongressEvent,
    Domain,
    ProvisioningClaim,
    ProvisioningEvent,
    ProvisioningRequest,
    ProvisioningStatus,
)
from tenants.selectors import platform_defaults
from tenants.workflow import NO_ONE, Notify, Refusals, Step, Transition, Workflow, WrongStatus, apply_transition
from tenants.workflow.history import record_event

logger = logging.getLogger(__name__)


# Who claims a request: the procrastinate worker, or a management command run by an operator.
WORKER, COMMAND = "worker", "command"
# The advisory locks of claims: key 1 names them among the database's advisory locks ("prov"), key 2 is the id.
CLAIM_LOCKS = 0x70726F76
LEASE_SECONDS = 30  # renewed every third of it while the claimant works


def _elapsed_ms(step: Step) -> int:
    return int((time.monotonic() - step.data.get("started", time.monotonic())) * 1000)


def _start(step: Step) -> str:
    step.set(started_at=step.now)
    _write_lease(step)
    return ProvisioningStatus.RUNNING


def _resume(step: Step) -> str:
    """A running request whose claimant died, taken over by a run that holds its claim now."""
    previous = ProvisioningClaim.objects.filter(request=step.obj).values_list("owner", flat=True).first()
    step.event_data["previous_owner"] = previous or ""
    step.set(started_at=step.now)
    _write_lease(step)
    return ProvisioningStatus.RUNNING


def _write_lease(step: Step) -> None:
    owner = str(step.data.get("owner") or "")
    if not owner:
        return  # a step taken by hand (tests, a shell): no claimant to show
    expires_at = step.now + datetime.timedelta(seconds=LEASE_SECONDS)
    ProvisioningClaim.objects.update_or_create(
        request=step.obj, defaults={"owner": owner, "claimed_at": step.now, "expires_at": expires_at}
    )
    step.event_data["owner"] = owner


def _succeed(step: Step) -> str:
    congress, used_spare = _create_congress(step, step.obj)
    # In this transaction: a batch's rows waiting for this congress get it as parent (and their jobs) with it.
    bulk.release_children(step.obj, congress)
    ProvisioningClaim.objects.filter(request=step.obj).delete()
    _finish_batch_after_commit(step)
    step.set(congress=congress, used_spare=used_spare, finished_at=step.now, duration_ms=_elapsed_ms(step))
    step.event_data.update(congress=congress.pk, used_spare=used_spare)
    return ProvisioningStatus.SUCCEEDED


def _fail(step: Step) -> str:
    error = str(step.data.get("error") or "")[:2000]
    ProvisioningClaim.objects.filter(request=step.obj).delete()
    _finish_batch_after_commit(step)
    step.set(error=error, finished_at=step.now, duration_ms=_elapsed_ms(step))
    step.event_data["error"] = error
    return ProvisioningStatus.FAILED


def _finish_batch_after_commit(step: Step) -> None:
    """A batch's row has its outcome: once that is committed, the batch ends if it was its last (console.batches)."""
    batch_id = step.obj.batch_id
    if batch_id is not None:

        def finish() -> None:
            batches.finish_if_done(batch_id)

        step.after_commit(finish)


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
    # Taken by a run that got the claim of a running request: its claimant died (its advisory lock is free).
    "resume": Transition(
        gettext_lazy("接手创建"), frozenset({S.RUNNING}), (S.RUNNING,), _by_the_system, _resume, notify=NO_ONE
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


def provisioning_execute(request_id: int, *, by: str = WORKER, claim: "Claim | None" = None) -> ProvisioningRequest:
    """Create the congress a request asks for, as `by` (WORKER or COMMAND), holding its claim (`claim` if the
    caller took it already). Idempotent: a finished request is returned untouched, and so is one that a live run
    holds (that run finishes it); a running request whose claimant died is taken over ("resume")."""
    if claim is None:
        claim = Claim.take(request_id, by)
    if claim is None:
        return ProvisioningRequest.objects.get(pk=request_id)
    with claim:
        _carry_out(ProvisioningRequest.objects.get(pk=request_id), claim)
    # Read again: the steps saved other instances.
    return ProvisioningRequest.objects.get(pk=request_id)


def _carry_out(request: ProvisioningRequest, claim: "Claim") -> None:
    # Read after the claim was taken: a claimant that finished before it released is seen finished.
    if not request.is_pending or request.is_waiting:
        return
    try:
        action = "start" if request.status == ProvisioningStatus.QUEUED else "resume"
        request = apply_transition(PROVISIONING, access=SYSTEM, obj=request, action=action, data={"owner": claim.owner})
        started = time.monotonic()
        try:
            apply_transition(PROVISIONING, access=SYSTEM, obj=request, action="succeed", data={"started": started})
        except WrongStatus:
            raise  # finished by a claimant that lost its claim connection but not its transaction: not our failure
        except Exception as exc:
            logger.exception("provisioning request %s failed", request.pk)
            data = {"error": _error_text(exc), "started": started}
            # A transaction of its own: "succeed"'s rolled back, taking the schema, the congress row and its domain.
            apply_transition(PROVISIONING, access=SYSTEM, obj=request, action="fail", data=data)
            _fail_waiting(request)
    except WrongStatus:
        pass


class Claim:
    """A run's hold on a provisioning request, from before "start" until after "succeed" or "fail".

    A session advisory lock (CLAIM_LOCKS, id) on a connection of the claim's own, outside Django's pool: a pooled
    connection could outlive the work with the lock still held, and PostgreSQL drops this one's lock as soon as
    the process dies and its socket closes. The same connection renews the lease row (ProvisioningClaim) every
    third of LEASE_SECONDS from a thread, so the console shows who works on a request and that they still do.
    """

    def __init__(self, request_id: int, owner: str, conn: psycopg.Connection):
        self.request_id, self.owner, self._conn = request_id, owner, conn
        self._stop = threading.Event()
        self._heartbeat = threading.Thread(target=self._renew, name=f"claim-{request_id}", daemon=True)
        self._heartbeat.start()

    @classmethod
    def take(cls, request_id: int, by: str) -> "Claim | None":
        """The claim of request `request_id` for `by`, or None when a live run holds it. Never waits."""
        conn = _claim_connection()
        try:
            taken = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (CLAIM_LOCKS, request_id)).fetchone()
        except Exception:
            conn.close()
            raise
        if not (taken and taken[0]):
            conn.close()
            return None
        return cls(request_id, f"{by}@{socket.gethostname()}:{os.getpid()}", conn)

    def _renew(self) -> None:
        query = sql.SQL(
            "UPDATE {} SET expires_at = now() + make_interval(secs => %s) WHERE request_id = %s AND owner = %s"
        ).format(sql.Identifier(ProvisioningClaim._meta.db_table))
        while not self._stop.wait(LEASE_SECONDS / 3):
            try:
                self._conn.execute(query, (LEASE_SECONDS, self.request_id, self.owner))
            except psycopg.Error:
                # The lease lapses and the console shows it; the lock went with the connection, but the work's own
                # transaction still holds the request's row, so a taker waits for it and finds it finished.
                logger.warning("provisioning request %s: the claim's connection was lost", self.request_id)
                return

    def release(self) -> None:
        """Stop renewing and drop the lock (closing the connection drops it)."""
        self._stop.set()
        self._heartbeat.join()
        self._conn.close()

    def __enter__(self) -> "Claim":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _claim_connection() -> psycopg.Connection:
    """A connection to Django's database that is not Django's (nor its pool's), in autocommit."""
    db = connection.settings_dict
    options = {
        key: value
        for key, value in (db.get("OPTIONS") or {}).items()
        if key not in {"pool", "isolation_level", "server_side_binding", "assume_role"}
    }
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"]}
    return psycopg.connect(
        **{key: value for key, value in params.items() if value},
        port=db["PORT"] or None,
        autocommit=True,
        application_name="provisioning-claim",
        **options,
    )


def held_claims() -> set[int]:
    """The ids of provisioning requests a live run holds now (their claim's lock is granted to a session)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = %s AND objsubid = 2"
            " AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [CLAIM_LOCKS],
        )
        return {row[0] for row in cursor.fetchall()}


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
    """Pending requests that no live run holds: running ones at once (their claimant died), queued ones older than
    the given age (their job is presumed lost; a younger one's job is still on its way)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    candidates = (
        ProvisioningRequest.objects.filter(
            Q(status=ProvisioningStatus.RUNNING) | Q(status=ProvisioningStatus.QUEUED, requested_at__lt=cutoff)
        )
        .exclude(parent__isnull=True, parent_code__gt="")  # a batch's row waiting for its parent: not lost
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    held = held_claims()
    return [pk for pk in candidates if pk not in held]
