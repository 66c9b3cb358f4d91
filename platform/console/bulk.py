"""Provisioning a province's tree from one CSV file (tier, parent, code, name, subdomain[, admin_email]).

The whole file is checked first and nothing is made unless every row is right. Rows whose congress already
exists just so are skipped (so a file can be given again after a crash: what was made is not made twice); the
rest become one batch of provisioning requests. A row whose parent the same batch makes waits with the parent's
code; the parent's success releases it (in the same transaction) and its failure fails it, so parents are always
made before children, while siblings run in parallel: on the worker (console, API) or on the command's own
processes (`provision_townships --tree`).
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app

from console.specs import PROVISIONING_REQUESTED, CongressSpec, congress_spec_errors, normalise_spec
from shared_apps.memberships.permissions import Access, can_provision_congress
from tenants.models import (
    Congress,
    CongressStatus,
    ProvisioningBatch,
    ProvisioningEvent,
    ProvisioningRequest,
    ProvisioningStatus,
)
from tenants.validators import TIER_ORDER

COLUMNS = ("tier", "parent", "code", "name", "subdomain", "admin_email")
REQUIRED = 5
MAX_ROWS = 5000
MAX_ERRORS = 50


@dataclass(frozen=True)
class TreeRow:
    line: int
    tier: str
    parent: str  # the parent's division code (or, for a congress that exists, its subdomain); "" for the province
    code: str
    name: str
    subdomain: str
    admin_email: str = ""


@dataclass(frozen=True)
class TreePlan:
    rows: list[TreeRow]  # every row of the file
    to_make: list[TreeRow]  # parents before children
    already_there: list[TreeRow]


MAX_FILE_BYTES = 2 * 1024 * 1024


def read_upload(upload) -> tuple[str, str]:
    """An uploaded tree file's name and text (the console's form and the API both take it so). Raises
    ValidationError for a file over 2 MB or not UTF-8."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(_("文件不能超过 2 MB。"))
    try:
        return upload.name, upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("文件不是 UTF-8 编码的 CSV：请在 Excel 中另存为“CSV UTF-8”。")) from None


def read_tree(text: str) -> list[TreeRow]:
    """The file's rows. A header row is optional; blank lines are ignored. Raises ValidationError({"file": …})."""
    rows = []
    problems = []
    for line, values in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [value.strip() for value in values]
        if not any(cells) or (line == 1 and [c.lower() for c in cells[:REQUIRED]] == list(COLUMNS[:REQUIRED])):
            continue
        if len(cells) < REQUIRED:
            problems.append(
                _("第%(line)d行：应有 %(columns)s 五列，只有 %(count)d 列。")
                % {"line": line, "columns": ",".join(COLUMNS[:REQUIRED]), "count": len(cells)}
            )
            continue
        parent, code, name, subdomain = cells[1:5]
        email = cells[5] if len(cells) > 5 else ""
        rows.append(TreeRow(line, cells[0].lower(), parent, code, name, subdomain, email))
    if not rows and not problems:
        problems.append(_("文件中没有任何一行人大。"))
    if len(rows) > MAX_ROWS:
        problems.append(_("一个文件最多 %(max)d 行。") % {"max": MAX_ROWS})
    if problems:
        raise ValidationError({"file": problems[:MAX_ERRORS]})
    return rows


def plan_tree(rows: list[TreeRow]) -> TreePlan:
    """Check every row against the file and the database; raise ValidationError({"file": [...]}) naming each
    problem by line, or return what to make (parents first) and what already exists."""
    problems: list[str] = []
    by_code = {row.code: row for row in rows}
    _check_repeats(rows, problems)
    existing = {c.division_code: c for c in Congress.objects.filter(division_code__in=[r.code for r in rows])}
    parents = _existing_parents(rows, by_code)
    to_make, already = [], []
    for row in rows:
        congress = existing.get(row.code)
        if congress is not None and _same(congress, row):
            already.append(row)
            continue
        parent = _parent_of(row, by_code, parents, existing)
        if isinstance(parent, str):
            problems.append(_row_problem(row, parent))
            continue
        spec = _spec(row, parent)
        for field, messages in congress_spec_errors(spec).items():
            problems.append(_row_problem(row, f"{field}: {' '.join(messages)}"))
        to_make.append(row)
    if problems:
        raise ValidationError({"file": problems[:MAX_ERRORS]})
    to_make.sort(key=lambda row: (TIER_ORDER.index(row.tier), row.line))
    return TreePlan(rows=rows, to_make=to_make, already_there=already)


def _check_repeats(rows: list[TreeRow], problems: list[str]) -> None:
    for column in ("code", "subdomain"):
        counts = Counter(getattr(row, column).lower() for row in rows)
        for row in rows:
            if counts[getattr(row, column).lower()] > 1:
                problems.append(_row_problem(row, _("%(column)s 在文件中重复。") % {"column": column}))


def _existing_parents(rows: list[TreeRow], by_code: dict[str, TreeRow]) -> dict[str, Congress]:
    """Congresses named as parents that the file does not make, by the reference used (code or subdomain)."""
    wanted = {row.parent for row in rows if row.parent and row.parent not in by_code}
    found = {}
    for congress in Congress.objects.filter(division_code__in=wanted) | Congress.objects.filter(subdomain__in=wanted):
        found[congress.division_code] = congress
        found[congress.subdomain] = congress
    return found


def _same(congress: Congress, row: TreeRow) -> bool:
    parent_refs = {"", None} if congress.parent is None else {congress.parent.division_code, congress.parent.subdomain}
    return (
        congress.name == row.name
        and congress.subdomain == row.subdomain.lower()
        and congress.tier == row.tier
        and row.parent in parent_refs
    )


def _parent_of(row, by_code, parents, existing) -> Congress | str | None:
    """The parent as a Congress (a stand-in for one the file makes), None for none, or the problem as text."""
    if not row.parent:
        return None
    if row.parent in parents:
        return parents[row.parent]
    if row.parent in existing:
        return existing[row.parent]
    if row.parent in by_code:
        parent_row = by_code[row.parent]
        if parent_row.code == row.code:
            return _("上级不能是自己。")
        # Not saved: what congress_spec_errors checks of a parent (tier, code, status, name).
        return Congress(
            tier=parent_row.tier,
            division_code=parent_row.code,
            name=parent_row.name,
            status=CongressStatus.ACTIVE,
        )
    return _("上级 %(parent)s 既不在文件中，也不是已有的人大。") % {"parent": row.parent}


def _spec(row: TreeRow, parent: Congress | None) -> CongressSpec:
    return normalise_spec(
        CongressSpec(
            tier=row.tier,
            parent=parent,
            division_code=row.code,
            name=row.name,
            subdomain=row.subdomain,
            admin_email=row.admin_email,
        )
    )


def _row_problem(row: TreeRow, text: str) -> str:
    return _("第%(line)d行（%(code)s %(name)s）：%(problem)s") % {
        "line": row.line,
        "code": row.code,
        "name": row.name,
        "problem": text,
    }


def batch_create(
    *,
    access: Access | None,
    text: str,
    file_name: str,
    source: str,
    actor_label: str = "",
    by_worker: bool = True,
) -> ProvisioningBatch:
    """Check a tree file and queue its provisioning as one batch. `access` None is a trusted caller (a command).

    Raises PermissionDenied, or ValidationError({"file": [...]}) naming every problem, in which case nothing is
    made. With `by_worker`, the jobs of rows whose parent exists are queued in this transaction; the others are
    queued as their parents succeed.
    """
    if access is not None and not can_provision_congress(access):
        raise PermissionDenied(_("只有省级平台管理员可以创建人大。"))
    plan = plan_tree(read_tree(text))
    user = access.user if access is not None and access.is_authenticated else None
    try:
        with transaction.atomic():
            batch = ProvisioningBatch.objects.create(
                requested_by=user,
                actor_label=actor_label[:100],
                source=source,
                file_name=file_name[:200],
                rows=len(plan.rows),
                already_there=len(plan.already_there),
                by_worker=by_worker,
            )
            requests = _make_requests(batch, plan, user)
            if by_worker:
                _queue([r.pk for r in requests if r.parent_id is not None or r.tier == "province"])
    except IntegrityError:
        # A concurrent request took a code or subdomain between the check and the insert.
        raise ValidationError({"file": [_("文件中的区划代码或子域名正在由另一个请求创建，请稍后再试。")]}) from None
    return batch


def _make_requests(batch: ProvisioningBatch, plan: TreePlan, user) -> list[ProvisioningRequest]:
    existing = {c.division_code: c for c in Congress.objects.filter(division_code__in={r.parent for r in plan.rows})}
    existing |= {c.subdomain: c for c in Congress.objects.filter(subdomain__in={r.parent for r in plan.rows})}
    made = {row.code for row in plan.to_make}
    requests = []
    for row in plan.to_make:
        spec = _spec(row, None)
        waits = row.parent in made
        requests.append(
            ProvisioningRequest(
                requested_by=user,
                actor_label=batch.actor_label,
                source=batch.source,
                batch=batch,
                parent=None if waits or not row.parent else existing[row.parent],
                parent_code=row.parent if waits else "",
                tier=spec.tier,
                division_code=spec.division_code,
                name=spec.name,
                subdomain=spec.subdomain,
                admin_email=spec.admin_email,
            )
        )
    requests = ProvisioningRequest.objects.bulk_create(requests)
    ProvisioningEvent.objects.bulk_create(
        ProvisioningEvent(
            request=request,
            actor=user,
            action=PROVISIONING_REQUESTED,
            from_status="",
            to_status=ProvisioningStatus.QUEUED,
            data={"source": batch.source, "batch": batch.pk, "actor_label": batch.actor_label},
        )
        for request in requests
    )
    return requests


def _queue(request_ids: list[int]) -> None:
    # By name (console.tasks imports the provisioning workflow, which imports this module).
    task = app.configure_task("tenants.provision_congress")
    for request_id in request_ids:
        task.defer(request_id=request_id)


def _waiting_for(request: ProvisioningRequest):
    """The queued rows of `request`'s batch that wait for the congress it makes."""
    return ProvisioningRequest.objects.filter(
        batch_id=request.batch_id,
        parent_code=request.division_code,
        parent__isnull=True,
        status=ProvisioningStatus.QUEUED,
    )


def release_children(request: ProvisioningRequest, congress: Congress) -> list[int]:
    """Called in the parent's success: its waiting rows get their parent and, on the worker, their jobs."""
    if request.batch_id is None:
        return []
    waiting = _waiting_for(request)
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(parent=congress)
    if ids and request.batch is not None and request.batch.by_worker:
        _queue(ids)
    return ids


def waiting_children(request: ProvisioningRequest) -> list[int]:
    """The rows of the batch that wait for `request`'s congress (to be failed with it)."""
    if request.batch_id is None:
        return []
    return list(_waiting_for(request).values_list("pk", flat=True))


def ready_requests(batch: ProvisioningBatch) -> list[int]:
    """Queued rows of the batch whose parent exists (or that need none): what can run now, in file order."""
    return list(
        batch.requests.filter(status=ProvisioningStatus.QUEUED)
        .exclude(parent__isnull=True, parent_code__gt="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class BatchProgress:
    total: int  # rows in the file
    already_there: int
    queued: int
    running: int
    succeeded: int
    failed: int

    @property
    def done(self) -> int:
        return self.already_there + self.succeeded + self.failed

    @property
    def is_finished(self) -> bool:
        return self.queued == 0 and self.running == 0

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)


def batch_progress(batch: ProvisioningBatch) -> BatchProgress:
    """Where a batch stands: one query."""
    counts = dict(batch.requests.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return BatchProgress(
        total=batch.rows,
        already_there=batch.already_there,
        queued=counts.get(ProvisioningStatus.QUEUED, 0),
        running=counts.get(ProvisioningStatus.RUNNING, 0),
        succeeded=counts.get(ProvisioningStatus.SUCCEEDED, 0),
        failed=counts.get(ProvisioningStatus.FAILED, 0),
    )
