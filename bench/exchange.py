"""Delivery throughput and latency of the exchange (10,000 transfers across 100 congresses). A measurement
script, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ .venv/bin/python bench/exchange.py [--transfers 10000]
        [--congresses 100] [--workers 2] [--concurrency 4] [--drain N] [--rate N] [--quick] [--json] [--keep]

The script works in its OWN database (`--database`, default congress_bench_exchange) on the server DATABASE_URL
names (default postgres://postgres@127.0.0.1:5432/); the database DATABASE_URL itself names is never touched.
It creates that database, migrates it, provisions a bench province (division code 990000000000) with one city,
up to three counties and townships below them, `--congresses` receivers in all, and drops the database at the
end, even on error, unless --keep. A database of that name that exists already is refused.

Provisioning is the real `provision_now`, claiming spare schemas from the pool. The spares are made by replaying
ONE pg_dump of the migrated template (~0.4 s each), written when the project's clone still took 1.5-3 s a schema;
its clone is now a DDL replay of ~0.2 s that does not grow (docs/province.md). `--clone` uses the project's
clone, and so does a machine without a working pg_dump. Every provisioned
schema is checked to hold every migration the code defines.

Every transfer is a real one: the province's office sends notices with `notices.services.notice_send(scope
"all")`, i.e. one sender transaction per notice writes the sender's Notice, one Transfer per receiving congress
and their delivery jobs (`outbox.transfers_send`). Phases, in this order:

in-process   the baseline: `--transfers` transfers are sent, their queued jobs deleted, and the bench process
             calls `delivery.transfer_deliver(id)` for each in turn: no queue, no worker, one connection.
drain 1x1    `--drain` transfers committed in one transaction while ONE worker (`manage.py procrastinate
             worker --queues exchange --concurrency 1`) idles; timed from the commit to the last delivered_at.
             Its cost per transfer minus the in-process one is the queue's overhead per transfer (fetching and
             finishing the job, the connection hand-back around every job, the thread hop).
drain WxC    the same with `--workers` W processes of `--concurrency` C each: the scale-out ratio.
drain WxC 1 target   the same, but every transfer goes to ONE township (`outbox.transfers_send` per item), as
             a burst of escalations to one county would: how far deliveries to one congress run in parallel.
end-to-end   W x C workers running while the office sends `--transfers` as fast as it can (one notice, i.e.
             one transaction, after another): throughput is transfers / (first send -> last delivered_at), and
             each transfer's latency is its delivered_at - created_at (both stored on Transfer): p50, p95, max.
             When the office sends faster than the workers deliver, a backlog builds and latency measures it;
             the table prints both rates. `--rate N` paces the office at N transfers/s instead.

The table also prints, for the worker phases, the delivery jobs that ran beyond one per transfer (duplicates)
and the mean number of backends waiting on a lock, sampled at every poll (0.2 s).

Checks (a failure prints `[bench] FAILED: ...` and exits 1): every provisioning succeeds the expected way, every
transfer of every phase ends `delivered`, no delivery job ends other than succeeded, and every receiving schema
holds exactly one received notice per transfer delivered to it. Worker logs go to a temporary directory, named
in the error when a worker dies. Workers are stopped (SIGINT, then SIGKILL to their process group) at the end of
each phase and on any error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
worker_env: dict[str, str] = {}  # the workers' environment, set by setup_django

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
DEFAULT_DATABASE = "congress_bench_exchange"
PROVINCE_CODE = "990000000000"
CITY_CODE = "990100000000"
MAX_COUNTIES = 3
TASK = "exchange.deliver_transfer"
POLL_SECONDS = 0.2


class BenchError(RuntimeError):
    """Something did not end the way it must; the numbers would be meaningless."""


@dataclass
class Phase:
    """One measured phase: what was sent (the notices' source_refs) and what was measured."""

    name: str
    label: str
    refs: list[str] = field(default_factory=list)
    transfers: int = 0
    seconds: float = 0.0
    send_seconds: float | None = None
    latencies_ms: list[float] = field(default_factory=list)
    jobs: int | None = None  # delivery jobs that ran for this phase's transfers (worker phases)
    lock_samples: list[int] = field(default_factory=list)  # backends waiting on a lock, at each poll

    @property
    def per_second(self) -> float:
        return self.transfers / self.seconds if self.seconds else 0.0

    @property
    def ms_per_transfer(self) -> float:
        return self.seconds * 1000 / self.transfers if self.transfers else 0.0


@dataclass
class Bench:
    province: object = None
    receivers: list = field(default_factory=list)
    office: object = None  # the Access of the province's office
    workers: list = field(default_factory=list)  # (Popen, log path)
    log_dir: Path | None = None
    tiers: dict[str, int] = field(default_factory=dict)


# --- the database -------------------------------------------------------------------------------------------


def server_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_SERVER


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_connection():
    """An autocommit connection to the server's `postgres` database, to create and drop the bench's."""
    import psycopg

    return psycopg.connect(with_database(server_url(), "postgres"), autocommit=True)


def create_database(name: str) -> None:
    from psycopg import sql

    with admin_connection() as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise BenchError(
                f"database {name} exists already (left by a --keep run?). Drop it "
                f"(psql -h <host> -U postgres -c 'drop database {name}') or pass --database another_name"
            )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str) -> None:
    from psycopg import sql

    with admin_connection() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def setup_django(url: str, *, pool_max: int) -> None:
    for path in (ROOT, ROOT / "platform"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    # Nothing may clone spares behind the bench's back (the workers only listen to "exchange" anyway).
    os.environ["CONGRESS_SPARE_POOL_SIZE"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DATABASE_POOL_MAX"] = str(max(int(os.environ.get("DATABASE_POOL_MAX", "10")), pool_max))
    # The workers run as in production (with the environment as it is now); this process opens a new
    # connection for every congress it provisions, which needs close() to really close (no pool): cloning on
    # a connection that has cloned many schemas slows down roughly linearly (20 s a clone by the 85th).
    worker_env.update(os.environ, PYTHONUNBUFFERED="1")
    os.environ["DATABASE_POOL"] = "0"
    import django

    django.setup()
    import logging

    logging.getLogger("tenants.schemas").setLevel(logging.WARNING)


def close_django_connections() -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.close()
        close_pool = getattr(conn, "close_pool", None)
        if close_pool is not None:
            close_pool()


def migrate() -> None:
    from django.core.management import call_command

    print("[bench] migrate (public schema, template)...", file=sys.stderr)
    call_command("migrate", interactive=False, verbosity=0)


# --- congresses ---------------------------------------------------------------------------------------------


def layout(receivers: int) -> list[tuple[str, str, str | None]]:
    """(tier, division code, parent's code) of the province and `receivers` congresses below it: one city, up
    to three counties, the rest townships spread over the counties. Top-down."""
    counties = max(1, min(MAX_COUNTIES, (receivers - 1) // 10))
    townships = receivers - 1 - counties
    rows = [("province", PROVINCE_CODE, None), ("city", CITY_CODE, PROVINCE_CODE)]
    county_codes = [f"9901{n + 1:02d}000000" for n in range(counties)]
    rows += [("county", code, CITY_CODE) for code in county_codes]
    for n in range(townships):
        county = county_codes[n % counties]
        rows.append(("township", f"{county[:6]}{n // counties + 1:03d}000", county))
    return rows


def make_spares(url: str, count: int) -> bool:
    """Put `count` spare schemas in the pool, made from ONE pg_dump of the template (DDL and rows, the schema
    renamed), for provision_now to claim. Returns False, having made none, when pg_dump is missing or fails.

    This predates the project's own clone replaying the template's DDL (tenants/ddl.py, ~0.2 s a schema and
    flat: docs/province.md); django-tenants' clone_schema it replaced took 1.5-3 s a schema and more with each
    one. The dump still saves a little per schema; `--clone` shows the project's path. The spares carry the
    template's migration records; each provisioned schema is checked against the code's."""
    import uuid

    import psycopg

    from tenants.models import SpareSchema
    from tenants.schemas import check_template, code_fingerprint, template_schema

    check_template()
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        print("[bench] pg_dump not found: cloning every congress instead (slow)", file=sys.stderr)
        return False
    template = template_schema()
    dumped = subprocess.run(
        [pg_dump, "--no-owner", "--inserts", "--schema", template, "--dbname", url], capture_output=True, text=True
    )
    if dumped.returncode:
        print(f"[bench] pg_dump failed, cloning instead (slow): {dumped.stderr.strip()[:300]}", file=sys.stderr)
        return False
    # psql meta-commands (\restrict, \unrestrict) are not SQL; everything else is qualified by the schema.
    script = "\n".join(line for line in dumped.stdout.splitlines() if not line.startswith("\\"))
    pattern = re.compile(rf"\b{re.escape(template)}\b")
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(count):
            name = f"spare_{uuid.uuid4().hex[:16]}"
            with conn.transaction():
                conn.execute(pattern.sub(name, script))
            SpareSchema.objects.create(schema_name=name, fingerprint=code_fingerprint())
    print(f"[bench] {count} spare schemas made from a dump in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return True


def provision(bench: Bench, receivers: int, *, url: str, clone: bool) -> None:
    """Provision the bench congresses with `provision_now` (claiming the spares made by make_spares, or each a
    clone of the template), and the province's office user."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from console.services import provision_now
    from console.specs import CongressSpec
    from shared_apps.memberships.models import Role
    from shared_apps.memberships.permissions import Access
    from shared_apps.memberships.services import membership_grant
    from tenants import schemas

    rows = layout(receivers)
    spares = not clone and make_spares(url, len(rows))
    made: dict[str, object] = {}
    started = time.perf_counter()
    for done, (tier, code, parent_code) in enumerate(rows, start=1):
        if not spares:
            connection.close()  # a new backend for every clone (see setup_django)
        spec = CongressSpec(
            tier=tier,
            parent=made.get(parent_code),
            division_code=code,
            name=f"Bench {tier} {code}",
            subdomain=f"bench-x-{code}",
        )
        request = provision_now(access=None, spec=spec, source="cli", actor_label="bench")
        if request.status != "succeeded":
            raise BenchError(f"could not provision {tier} {code}: {request.error}")
        if request.used_spare != spares:
            raise BenchError(f"provisioning {code}: used_spare={request.used_spare}, expected {spares}")
        missing = schemas.code_migrations() - schemas.applied_migrations(request.congress.schema_name)
        if missing:
            raise BenchError(f"schema of {code} lacks {len(missing)} migration(s), e.g. {sorted(missing)[0]}")
        made[code] = request.congress
        bench.tiers[tier] = bench.tiers.get(tier, 0) + 1
        if done % 25 == 0 or done == len(rows):
            elapsed = time.perf_counter() - started
            print(f"[bench] {done}/{len(rows)} congresses provisioned ({elapsed:.0f} s)", file=sys.stderr)
    print(f"[bench] provisioned in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    bench.province = made[PROVINCE_CODE]
    bench.receivers = [made[code] for _tier, code, _parent in rows[1:]]
    user = get_user_model().objects.create_user(email="bench-exchange@example.org", name="bench")
    membership_grant(actor=None, user=user, congress=bench.province, role=Role.OFFICE_STAFF)
    bench.office = Access(user=user, congress=bench.province, roles=frozenset({Role.OFFICE_STAFF.value}))


# --- sending ------------------------------------------------------------------------------------------------


def send_notice(bench: Bench, phase: Phase) -> None:
    """One notice from the province's office to every congress below it: one sender transaction."""
    from tenant_apps.notices.services import notice_send

    number = len(phase.refs) + 1
    with bench.province:
        notice = notice_send(
            access=bench.office,
            title=f"Bench {phase.name} notice {number}",
            body="Bench notice body. " * 20,
            scope="all",
        )
    phase.refs.append(f"notice:{notice.pk}")


def send(bench: Bench, phase: Phase, notices: int, *, rate: float | None = None) -> None:
    """`notices` notices, one transaction each, as fast as possible or paced at `rate` transfers/s."""
    per_notice = len(bench.receivers)
    started = time.perf_counter()
    for index in range(notices):
        if rate:
            due = started + index * per_notice / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        send_notice(bench, phase)
    phase.send_seconds = time.perf_counter() - started
    phase.transfers = notices * per_notice


def send_in_one_transaction(bench: Bench, phase: Phase, notices: int) -> float:
    """`notices` notices committed together (the workers see every job at once); returns time.time() of the
    commit."""
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        for _ in range(notices):
            send_notice(bench, phase)
    committed = time.time()
    phase.send_seconds = time.perf_counter() - started
    phase.transfers = notices * len(bench.receivers)
    return committed


def send_to_one_congress(bench: Bench, phase: Phase, count: int) -> float:
    """`count` transfers from the province to ONE township, through the outbox (`transfers_send`, one per
    notice-like item), committed together; returns time.time() of the commit."""
    from django.db import transaction

    from shared_apps.exchange.outbox import transfers_send

    target = bench.receivers[-1]
    started = time.perf_counter()
    with transaction.atomic():
        for number in range(1, count + 1):
            ref = f"bench-one:{number}"
            payload = {"title": f"Bench one-congress notice {number}", "body": "Bench notice body. " * 20}
            transfers_send(kind="notice", source=bench.province, targets=[target], payload=payload, source_ref=ref)
            phase.refs.append(ref)
    committed = time.time()
    phase.send_seconds = time.perf_counter() - started
    phase.transfers = count
    return committed


def transfers_of(bench: Bench, phase: Phase):
    from shared_apps.exchange.models import Transfer

    return Transfer.objects.filter(kind="notice", source=bench.province, source_ref__in=phase.refs)


def delete_queued_jobs() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE task_name = %s AND status = 'todo'", [TASK])
        return cursor.rowcount


# --- workers ------------------------------------------------------------------------------------------------


def worker_ids() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_workers")
        return cursor.fetchone()[0]


def start_workers(bench: Bench, count: int, concurrency: int, tag: str) -> None:
    """Start `count` worker processes on the "exchange" queue and wait until each has registered."""
    from django.db import connection

    before = worker_ids()
    for index in range(count):
        log = bench.log_dir / f"worker-{tag}-{index + 1}.log"
        cmd = [
            sys.executable,
            str(ROOT / "manage.py"),
            "procrastinate",
            "worker",
            "--queues",
            "exchange",
            "--concurrency",
            str(concurrency),
            "--name",
            f"bench-{tag}-{index + 1}",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                cmd, cwd=ROOT, env=worker_env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        bench.workers.append((process, log))
    deadline = time.monotonic() + 60
    while True:
        check_workers(bench)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM procrastinate_workers WHERE id > %s", [before])
            if cursor.fetchone()[0] >= count:
                break
        if time.monotonic() > deadline:
            raise BenchError(f"{count} worker(s) did not register within 60 s; see {bench.log_dir}")
        time.sleep(POLL_SECONDS)
    time.sleep(1.0)  # registered comes just before LISTEN: give it a moment


def check_workers(bench: Bench) -> None:
    for process, log in bench.workers:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise BenchError(f"worker {process.pid} exited with code {process.returncode}:\n{tail}")


def stop_workers(bench: Bench) -> None:
    """Stop the workers this run started (by process group id): SIGINT, then SIGKILL after 10 s."""
    for process, _log in bench.workers:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
    deadline = time.monotonic() + 10
    for process, _log in bench.workers:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    bench.workers.clear()


def wait_delivered(bench: Bench, phase: Phase, *, stall_seconds: float) -> None:
    """Until every transfer of the phase is delivered; fails on a failed transfer, a dead worker or no
    progress for `stall_seconds`."""
    from shared_apps.exchange.models import TransferStatus

    last, last_change = -1, time.monotonic()
    reported = time.monotonic()
    while True:
        check_workers(bench)
        phase.lock_samples.append(lock_waiters())
        counts = status_counts(transfers_of(bench, phase))
        delivered = counts.get(TransferStatus.DELIVERED, 0)
        if counts.get(TransferStatus.FAILED):
            raise BenchError(f"{phase.name}: {counts[TransferStatus.FAILED]} transfer(s) failed")
        if delivered >= phase.transfers:
            return
        now = time.monotonic()
        if delivered != last:
            last, last_change = delivered, now
        elif now - last_change > stall_seconds:
            raise BenchError(f"{phase.name}: no delivery for {stall_seconds:.0f} s ({delivered}/{phase.transfers})")
        if now - reported > 5:
            print(f"[bench] {phase.name}: {delivered}/{phase.transfers} delivered", file=sys.stderr)
            reported = now
        time.sleep(POLL_SECONDS)


def lock_waiters() -> int:
    """Backends of this database waiting on a lock (a row lock, another transaction) right now."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def status_counts(transfers) -> dict[str, int]:
    from django.db.models import Count

    return dict(transfers.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))


def count_jobs(bench: Bench, phase: Phase) -> dict[str, int]:
    """Delivery jobs by status for the phase's transfers (a replayed or re-queued transfer has several)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT j.status, count(*) FROM procrastinate_jobs j "
            "JOIN exchange_transfer t ON t.id::text = j.args->>'transfer_id' "
            "WHERE j.task_name = %s AND t.source_id = %s AND t.source_ref = ANY(%s) GROUP BY j.status",
            [TASK, bench.province.pk, phase.refs],
        )
        return dict(cursor.fetchall())


# --- the phases ---------------------------------------------------------------------------------------------


def phase_in_process(bench: Bench, notices: int) -> Phase:
    from django.db import connection

    from shared_apps.exchange.delivery import transfer_deliver

    phase = Phase("in-process", "in-process transfer_deliver loop")
    print(f"[bench] {phase.name}: sending {notices * len(bench.receivers)} transfers...", file=sys.stderr)
    send(bench, phase, notices)
    deleted = delete_queued_jobs()
    if deleted != phase.transfers:
        raise BenchError(f"{phase.name}: expected {phase.transfers} queued delivery jobs, found {deleted}")
    ids = [
        str(pk)
        for pk in transfers_of(bench, phase)
        .order_by("created_at", "target__division_code")
        .values_list("pk", flat=True)
    ]
    print(f"[bench] {phase.name}: delivering...", file=sys.stderr)
    connection.set_schema_to_public()
    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    for pk in ids:
        outcome = transfer_deliver(pk)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    phase.seconds = time.perf_counter() - started
    if outcomes != {"delivered": phase.transfers}:
        raise BenchError(f"{phase.name}: outcomes {outcomes}")
    return phase


def phase_drain(
    bench: Bench, transfers: int, workers: int, concurrency: int, *, stall_seconds: float, one_congress: bool = False
) -> Phase:
    from django.db.models import Max

    name = f"drain {workers}x{concurrency}" + (" 1 target" if one_congress else "")
    where = "all to one congress" if one_congress else f"spread over {len(bench.receivers)} congresses"
    phase = Phase(name, f"queue drain, {workers} worker(s) x {concurrency}, {where}")
    print(f"[bench] {name}: starting {workers} worker(s)...", file=sys.stderr)
    start_workers(bench, workers, concurrency, name.replace(" ", "-"))
    try:
        if one_congress:
            committed = send_to_one_congress(bench, phase, transfers)
        else:
            committed = send_in_one_transaction(bench, phase, transfers // len(bench.receivers))
        wait_delivered(bench, phase, stall_seconds=stall_seconds)
        last = transfers_of(bench, phase).aggregate(last=Max("delivered_at"))["last"]
        phase.seconds = last.timestamp() - committed
    finally:
        stop_workers(bench)
    phase.jobs = check_jobs(bench, phase)
    return phase


def phase_end_to_end(
    bench: Bench, notices: int, workers: int, concurrency: int, *, rate: float | None, stall_seconds: float
) -> Phase:
    from django.db.models import F, Max

    name = f"end-to-end {workers}x{concurrency}"
    phase = Phase(name, f"send + deliver, {workers} worker(s) x {concurrency}")
    print(f"[bench] {name}: starting {workers} worker(s)...", file=sys.stderr)
    start_workers(bench, workers, concurrency, "end-to-end")
    try:
        first_send = time.time()
        print(f"[bench] {name}: sending {notices * len(bench.receivers)} transfers...", file=sys.stderr)
        send(bench, phase, notices, rate=rate)
        wait_delivered(bench, phase, stall_seconds=stall_seconds)
        last = transfers_of(bench, phase).aggregate(last=Max("delivered_at"))["last"]
        phase.seconds = last.timestamp() - first_send
    finally:
        stop_workers(bench)
    latencies = transfers_of(bench, phase).annotate(latency=F("delivered_at") - F("created_at"))
    phase.latencies_ms = [delta.total_seconds() * 1000 for delta in latencies.values_list("latency", flat=True)]
    phase.jobs = check_jobs(bench, phase)
    return phase


def check_jobs(bench: Bench, phase: Phase) -> int:
    jobs = count_jobs(bench, phase)
    bad = {status: n for status, n in jobs.items() if status != "succeeded"}
    if bad:
        raise BenchError(f"{phase.name}: delivery jobs not succeeded: {bad}")
    return sum(jobs.values())


def check_received(bench: Bench) -> None:
    """Every receiving schema holds exactly one received notice per transfer delivered to it."""
    from django.db import connection
    from django.db.models import Count

    from shared_apps.exchange.models import Transfer, TransferStatus

    expected = dict(
        Transfer.objects.filter(kind="notice", source=bench.province, status=TransferStatus.DELIVERED)
        .order_by()
        .values_list("target__schema_name")
        .annotate(n=Count("pk"))
    )
    selects = [
        f"SELECT %s, count(*) FROM \"{c.schema_name}\".notices_notice WHERE direction = 'received'"
        for c in bench.receivers
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), [c.schema_name for c in bench.receivers])
        found = dict(cursor.fetchall())
    wrong = {name: (found.get(name, 0), n) for name, n in expected.items() if found.get(name, 0) != n}
    wrong |= {name: (n, 0) for name, n in found.items() if n and name not in expected}
    if wrong:
        sample = dict(list(wrong.items())[:3])
        raise BenchError(f"received notices differ from deliveries in {len(wrong)} schema(s), e.g. {sample}")


# --- report -------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def environment() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {"postgresql": version, "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def summarise(phases: dict[str, Phase], *, args: argparse.Namespace, bench: Bench, env: dict) -> dict:
    base, one, many, single, e2e = (
        phases[key] for key in ("in-process", "drain1", "drainN", "drainN-one", "end-to-end")
    )
    latency = {
        "p50_ms": percentile(e2e.latencies_ms, 50),
        "p95_ms": percentile(e2e.latencies_ms, 95),
        "max_ms": max(e2e.latencies_ms),
    }
    return {
        "environment": {**env, "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "setup": {
            "transfers": args.transfers,
            "receivers": len(bench.receivers),
            "tiers": bench.tiers,
            "notices": args.transfers // len(bench.receivers),
            "workers": args.workers,
            "concurrency": args.concurrency,
            "drain_transfers": one.transfers,
            "rate": args.rate,
        },
        "phases": {
            phase.name: {
                "label": phase.label,
                "transfers": phase.transfers,
                "seconds": phase.seconds,
                "per_second": phase.per_second,
                "ms_per_transfer": phase.ms_per_transfer,
                "send_seconds": phase.send_seconds,
                "send_per_second": phase.transfers / phase.send_seconds if phase.send_seconds else None,
                "extra_jobs": phase.jobs - phase.transfers if phase.jobs is not None else None,
                "lock_waiters_mean": (
                    sum(phase.lock_samples) / len(phase.lock_samples) if phase.lock_samples else None
                ),
            }
            for phase in (base, one, many, single, e2e)
        },
        "latency": latency,
        "ratios": {
            "end_to_end_over_in_process": e2e.per_second / base.per_second,
            "drainN_over_in_process": many.per_second / base.per_second,
            "drain1_over_in_process": one.per_second / base.per_second,
            "scale_out_drainN_over_drain1": many.per_second / one.per_second,
            "one_congress_over_spread": single.per_second / many.per_second,
            "queue_overhead_ms_per_transfer": one.ms_per_transfer - base.ms_per_transfer,
        },
    }


def render(summary: dict) -> str:
    env, setup, ratios, latency = summary["environment"], summary["setup"], summary["ratios"], summary["latency"]
    tiers = ", ".join(f"{n} {tier}" for tier, n in setup["tiers"].items() if tier != "province")
    w, c = setup["workers"], setup["concurrency"]
    lines = [
        f"PostgreSQL {env['postgresql']}; {env['cpus']} CPU(s); load average {env['load_average']} before, "
        f"{env['load_average_after']} after",
        f"{setup['transfers']} transfers: {setup['notices']} notices from the province to {setup['receivers']} "
        f"congresses ({tiers}); drains: {setup['drain_transfers']} transfers",
        "",
        f"{'phase':<20}{'transfers':>10}{'seconds':>9}{'transfers/s':>13}{'ms/transfer':>13}"
        f"{'sent/s':>9}{'extra jobs':>12}{'lock waits':>12}",
    ]
    for name, phase in summary["phases"].items():
        sent = "-" if phase["send_per_second"] is None else f"{phase['send_per_second']:.0f}"
        extra = "-" if phase["extra_jobs"] is None else str(phase["extra_jobs"])
        waits = "-" if phase["lock_waiters_mean"] is None else f"{phase['lock_waiters_mean']:.2f}"
        lines.append(
            f"{name:<20}{phase['transfers']:>10}{phase['seconds']:>9.1f}{phase['per_second']:>13.0f}"
            f"{phase['ms_per_transfer']:>13.2f}{sent:>9}{extra:>12}{waits:>12}"
        )
    pace = f"paced at {setup['rate']:.0f} transfers/s" if setup["rate"] else "the office sending flat out"
    rows = [
        (f"end-to-end {w}x{c} / in-process (throughput)", f"{ratios['end_to_end_over_in_process']:.2f}x"),
        (f"drain {w}x{c} / in-process (throughput)", f"{ratios['drainN_over_in_process']:.2f}x"),
        ("drain 1x1 / in-process (throughput)", f"{ratios['drain1_over_in_process']:.2f}x"),
        (f"drain {w}x{c} / drain 1x1 (scale-out)", f"{ratios['scale_out_drainN_over_drain1']:.2f}x"),
        (f"drain {w}x{c}: one congress / spread", f"{ratios['one_congress_over_spread']:.2f}x"),
        ("queue overhead per transfer (drain 1x1 - in-process)", f"{ratios['queue_overhead_ms_per_transfer']:+.2f} ms"),
    ]
    lines += [
        "",
        f"end-to-end latency (delivered_at - created_at, {pace}): p50 {latency['p50_ms']:.0f} ms, "
        f"p95 {latency['p95_ms']:.0f} ms, max {latency['max_ms']:.0f} ms",
        "",
        *(f"{label:<54}{value:>10}" for label, value in rows),
        "",
        "in-process: transfer_deliver(id) in a loop, no queue. drain: jobs committed at once, commit -> last",
        "delivery. end-to-end: first send -> last delivery while the office sends. sent/s: the sender's rate.",
        "extra jobs: delivery jobs beyond one per transfer. lock waits: backends waiting on a lock, mean of polls.",
    ]
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=None, help="transfers per phase (default 10000)")
    parser.add_argument("--congresses", type=int, default=None, help="receiving congresses (default 100)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=4, help="jobs at once per worker (default 4)")
    parser.add_argument("--drain", type=int, default=None, help="transfers per drain phase (default transfers/10)")
    parser.add_argument("--rate", type=float, default=None, help="pace the end-to-end sends (transfers/s)")
    parser.add_argument("--quick", action="store_true", help="a small run: 1000 transfers, 10 congresses")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help=f"bench database (default {DEFAULT_DATABASE})")
    parser.add_argument("--clone", action="store_true", help="provision by the project's clone, not spares from a dump")
    parser.add_argument("--stall", type=float, default=60.0, help="fail after this many seconds without delivery")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--keep", action="store_true", help="leave the bench database in place")
    args = parser.parse_args(argv)
    args.transfers = args.transfers or (1000 if args.quick else 10000)
    args.congresses = args.congresses or (10 if args.quick else 100)
    if args.congresses < 3:
        parser.error("--congresses must be at least 3 (a city, a county, a township)")
    if args.transfers < args.congresses or args.transfers % args.congresses:
        parser.error("--transfers must be a multiple of --congresses (every notice goes to each of them)")
    args.drain = args.drain or max(args.congresses, args.transfers // 10 // args.congresses * args.congresses)
    if args.drain % args.congresses:
        parser.error("--drain must be a multiple of --congresses")
    if args.workers < 1 or args.concurrency < 1:
        parser.error("--workers and --concurrency must be at least 1")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and underscores")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = with_database(server_url(), args.database)
    bench = Bench()
    created = django_ready = False
    try:
        create_database(args.database)
        created = True
        where = urlsplit(url)
        print(f"[bench] database {args.database} on {where.hostname}:{where.port or 5432}", file=sys.stderr)
        setup_django(url, pool_max=args.concurrency + 4)
        django_ready = True
        migrate()
        provision(bench, args.congresses, url=url, clone=args.clone)
        bench.log_dir = Path(tempfile.mkdtemp(prefix="bench-exchange-"))
        env = environment()
        per_notice = len(bench.receivers)
        phases = {
            "in-process": phase_in_process(bench, args.transfers // per_notice),
            "drain1": phase_drain(bench, args.drain, 1, 1, stall_seconds=args.stall),
            "drainN": phase_drain(bench, args.drain, args.workers, args.concurrency, stall_seconds=args.stall),
            "drainN-one": phase_drain(
                bench, args.drain, args.workers, args.concurrency, stall_seconds=args.stall, one_congress=True
            ),
            "end-to-end": phase_end_to_end(
                bench,
                args.transfers // per_notice,
                args.workers,
                args.concurrency,
                rate=args.rate,
                stall_seconds=args.stall,
            ),
        }
        check_received(bench)
        summary = summarise(phases, args=args, bench=bench, env=env)
    except BenchError as exc:
        logs = f" (worker logs: {bench.log_dir})" if bench.log_dir else ""
        print(f"[bench] FAILED: {exc}{logs}", file=sys.stderr)
        return 1
    finally:
        stop_workers(bench)
        if created:
            if django_ready:
                close_django_connections()
            if args.keep:
                print(f"[bench] --keep: database {args.database} left in place", file=sys.stderr)
            else:
                drop_database(args.database)
                print(f"[bench] dropped database {args.database}", file=sys.stderr)
    shutil.rmtree(bench.log_dir, ignore_errors=True)
    print(json.dumps(summary, indent=2) if args.json else render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
