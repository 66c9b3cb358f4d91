"""A worker killed in the middle of a delivery loses nothing and duplicates nothing — with a REAL worker.

The province's office sends notices down to every congress below it (1,500 transfers, through the real
service and outbox). A real `manage.py procrastinate worker` starts delivering them and is SIGKILLed while
deliveries are in flight. Production's recovery then runs — the stalled-job retry (once the dead worker's
heartbeat is old enough) and the exchange sweep — and a restarted worker finishes the batch. In the end every
transfer is delivered and every receiving congress holds exactly one received notice per transfer to it.

pytest runs each test inside a transaction that another process cannot see, so this test writes through
`manage.py shell` subprocesses (which commit), watches through its own autocommit connection to the test
database, and deletes in `finally` everything the subprocesses and workers committed: the other tests assume
an empty outbox and no committed notices or jobs.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from shared_apps.exchange.models import Transfer
from shared_apps.exchange.outbox import transfer_send
from shared_apps.exchange.tasks import requeue_stuck
from tenant_apps.notices.models import Notice
from tenants.models import Congress

ROOT = Path(__file__).resolve().parents[3]
NOTICES = 300  # each goes to the five congresses below the province: 1,500 transfers
RECEIVERS = ("guiyang", "huaxi", "qingyan", "zunyi", "honghuagang")
TOTAL = NOTICES * len(RECEIVERS)
KILL_AFTER = TOTAL // 6  # deliveries done when the worker is killed: well under way, far from finished
CONCURRENCY = 4  # several deliveries in flight at the moment of the kill
DELIVER = "exchange.deliver_transfer"
TRANSFERS, CONGRESSES = sql.Identifier(Transfer._meta.db_table), sql.Identifier(Congress._meta.db_table)

SEND_NOTICES = """
from django.db import transaction
from django_tenants.utils import schema_context
from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access
from tenant_apps.notices.models import Scope
from tenant_apps.notices.services import notice_send
from tenants.models import Congress

province = Congress.objects.get(subdomain="guizhou")
office = Access(user=None, congress=province, roles=frozenset([Role.OFFICE_STAFF]))
with schema_context(province.schema_name), transaction.atomic():
    for n in range({count}):
        notice_send(access=office, title="关于代表建议办理的通知（第%d号）" % n, body="请按时办理。", scope=Scope.ALL)
"""

# What the two periodic jobs do every minute in production (the sweep's own cut-off is two minutes ago).
RECOVER = """
import asyncio, datetime
from django.utils import timezone
from shared_apps.exchange.tasks import requeue_stuck, retry_stalled_jobs

retried = asyncio.run(retry_stalled_jobs(timestamp=0))
swept = requeue_stuck(timezone.now() + datetime.timedelta(minutes=5))
print("recovered", retried, swept)
"""


@dataclass
class Marks:
    """What the test database held before the test: everything past these marks is the test's to delete."""

    jobs: int
    defers: int
    workers: int
    transfers: list
    notices: dict[str, int]


class Worker:
    """A real `manage.py procrastinate worker` on the exchange queue, in its own process group; its database
    connections carry `name` as their application_name."""

    def __init__(self, env: dict, name: str, log: Path):
        self.name, self.log = name, log
        command = ["procrastinate", "worker", "--queues", "exchange", "--concurrency", str(CONCURRENCY)]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env={**env, "PGAPPNAME": name},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, grace: float = 20) -> None:
        """SIGTERM (the worker finishes the jobs in hand), then SIGKILL if it takes too long."""
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self) -> str:
        return f"--- {self.log.name}\n{self.log.read_text(errors='replace')[-3000:]}"


def test_a_worker_killed_mid_delivery_loses_nothing_and_duplicates_nothing(tmp_path):
    """1,500 transfers; a real worker SIGKILLed after a sixth of them with deliveries in flight; the stalled-job
    retry, the sweep and a second worker finish: all delivered once, one received notice per transfer."""
    url = _test_database_url()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    workers: list[Worker] = []
    with psycopg.connect(url, autocommit=True) as db:
        schemas = dict(db.execute(sql.SQL("SELECT subdomain, schema_name FROM {}").format(CONGRESSES)).fetchall())
        marks = _marks(db, schemas.values())
        assert not marks.transfers, "the outbox must be empty when this test starts"
        try:
            _manage(env, "shell", "-c", SEND_NOTICES.format(count=NOTICES))
            assert _statuses(db) == {"sent": TOTAL}
            assert _jobs(db, marks, DELIVER, "todo") == TOTAL  # the outbox wrote one delivery job per transfer

            # 1. A worker delivers part of the batch and is killed without warning, deliveries in flight.
            first = Worker(env, "exchange-worker-kill-1", tmp_path / "worker-1.log")
            workers.append(first)
            _wait_for(f"{KILL_AFTER} deliveries", lambda: _statuses(db).get("delivered", 0) >= KILL_AFTER, 60, first)
            assert _backends(db, first.name), "the worker's connections should carry its name"
            # Between two jobs nothing is in flight (a slow machine widens that gap): kill while one is.
            _wait_for("a delivery in flight", lambda: bool(_in_flight(db, marks)), 30, first)
            first.kill()
            assert first.process.returncode == -signal.SIGKILL
            # Once the server has dropped the dead worker's connections, nothing it sent can still land.
            _wait_for("the dead worker's connections to close", lambda: not _backends(db, first.name), 10)
            statuses = _statuses(db)
            assert statuses.get("delivered", 0) >= KILL_AFTER and statuses.get("sent", 0) > 0, statuses
            assert sum(statuses.values()) == TOTAL, statuses
            in_flight = _in_flight(db, marks)
            assert in_flight, "the kill landed with no delivery in flight"
            # Nothing half done: a receiving copy exists exactly for the transfers marked delivered.
            delivered, received = _snapshot(db, schemas, marks)
            for schema, ids in delivered.items():
                assert sorted(received[schema]) == sorted(ids), schema

            # 2. Recovery as in production. The dead worker's jobs count as stalled once its heartbeat is 30 s
            # old: age it instead of waiting, then run the stalled-job retry and the sweep.
            db.execute(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '5 minutes' WHERE id > %s",
                [marks.workers],
            )
            stalled = _jobs(db, marks, None, "doing")
            retried, swept = _recover(env)
            assert retried == stalled >= len(in_flight)
            assert _job_states(db, in_flight) == {("todo", 1)}  # back in the queue, the lost run counted
            assert swept == 0  # every transfer still "sent" has its job: the sweep doubles nothing

            second = Worker(env, "exchange-worker-kill-2", tmp_path / "worker-2.log")
            workers.append(second)
            _wait_for("every delivery", lambda: _statuses(db) == {"delivered": TOTAL}, 90, second)
            _wait_for("the last delivery jobs to finish", lambda: not _jobs(db, marks, DELIVER, "todo", "doing"), 30)
            second.stop()

            # 3. Nothing lost, nothing duplicated.
            delivered, received = _snapshot(db, schemas, marks)
            assert {schema: len(ids) for schema, ids in delivered.items()} == {
                schemas[subdomain]: NOTICES for subdomain in RECEIVERS
            }
            for schema, ids in delivered.items():
                assert len(received[schema]) == len(ids) and set(received[schema]) == ids, schema
            assert _sent_notices(db, schemas["guizhou"], marks) == NOTICES
            attempts = sql.SQL("SELECT count(*) FROM {} WHERE attempts <> 1").format(TRANSFERS)
            assert db.execute(attempts).fetchone()[0] == 0  # each delivered by exactly one successful run
            assert _jobs(db, marks, DELIVER, "failed", "cancelled", "aborted") == 0
            # The killed deliveries ran again (some had committed before the kill) and added nothing.
            ran_again = {tid for tid, runs in _runs_per_transfer(db, marks).items() if runs > 1}
            assert {tid for _job, tid in in_flight} <= ran_again
            copies = [tid for ids in received.values() for tid in ids]
            assert all(copies.count(tid) == 1 for tid in ran_again)
        except AssertionError as failure:
            raise AssertionError("\n".join([str(failure), *(w.tail() for w in workers)])) from failure
        finally:
            for worker in workers:
                worker.kill()
            _clean_up(db, marks)


def test_the_sweep_leaves_a_transfer_alone_while_its_job_waits_or_runs(congresses):
    """The sweep re-queues only transfers whose delivery job is gone; the outbox's own job carries no queueing
    lock, so the sweep must look for it (else every backlog older than two minutes would be queued twice)."""
    with transaction.atomic():
        transfer_send(kind="notice", source=congresses["huaxi"], target=congresses["qingyan"], payload={})
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert requeue_stuck(later) == 0  # its job waits
    for status, queued in (("doing", 0), ("failed", 1)):  # a worker holds it; then it gave up
        with connection.cursor() as cursor:
            cursor.execute("UPDATE public.procrastinate_jobs SET status = %s WHERE task_name = %s", [status, DELIVER])
        assert requeue_stuck(later) == queued


# --- the test database, seen from outside the test's transaction -------------------------------------------


def _test_database_url() -> str:
    """DATABASE_URL (what the suite was started with) pointed at pytest's test database."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _recover(env: dict) -> tuple[int, int]:
    lines = [line for line in _manage(env, "shell", "-c", RECOVER).splitlines() if line.startswith("recovered")]
    _word, retried, swept = lines[-1].split()
    return int(retried), int(swept)


def _wait_for(what: str, check, timeout: float, worker: Worker | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert worker is None or worker.alive(), f"the worker exited ({worker.process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"no {what} within {timeout}s"
        time.sleep(0.05)


def _backends(db, application_name: str) -> int:
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s"
    return db.execute(query, [application_name]).fetchone()[0]


def _statuses(db) -> dict[str, int]:
    return dict(db.execute(sql.SQL("SELECT status, count(*) FROM {} GROUP BY status").format(TRANSFERS)).fetchall())


def _jobs(db, marks: Marks, task_name: str | None, *statuses: str) -> int:
    """How many of the test's jobs (of one task, or any) are in one of `statuses`."""
    return db.execute(
        "SELECT count(*) FROM procrastinate_jobs WHERE id > %s AND status::text = ANY(%s) "
        "AND (%s::text IS NULL OR task_name = %s)",
        [marks.jobs, list(statuses), task_name, task_name],
    ).fetchone()[0]


def _in_flight(db, marks: Marks) -> list[tuple[int, str]]:
    """(job id, transfer id) of the delivery jobs the dead worker left "doing"."""
    return db.execute(
        "SELECT id, args->>'transfer_id' FROM procrastinate_jobs WHERE id > %s AND task_name = %s "
        "AND status = 'doing' ORDER BY id",
        [marks.jobs, DELIVER],
    ).fetchall()


def _job_states(db, jobs: list[tuple[int, str]]) -> set[tuple[str, int]]:
    query = "SELECT status::text, attempts FROM procrastinate_jobs WHERE id = ANY(%s)"
    return set(db.execute(query, [[pk for pk, _tid in jobs]]).fetchall())


def _runs_per_transfer(db, marks: Marks) -> dict[str, int]:
    """How many times each transfer's delivery ran (procrastinate counts a run in `attempts` when the job is
    retried and when it finishes)."""
    rows = db.execute(
        "SELECT args->>'transfer_id', sum(attempts) FROM procrastinate_jobs "
        "WHERE id > %s AND task_name = %s AND status = 'succeeded' GROUP BY 1",
        [marks.jobs, DELIVER],
    )
    return {tid: int(runs) for tid, runs in rows.fetchall()}


def _notices(schema: str) -> sql.Identifier:
    return sql.Identifier(schema, Notice._meta.db_table)


def _snapshot(db, schemas: dict[str, str], marks: Marks) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """In one statement, hence one snapshot: the delivered transfers and the received notices' transfer ids,
    by receiving schema."""
    parts = [
        sql.SQL(
            "SELECT c.schema_name, t.id::text, 'transfer' FROM {} t JOIN {} c ON c.id = t.target_id "
            "WHERE t.status = 'delivered'"
        ).format(TRANSFERS, CONGRESSES)
    ]
    for schema in schemas.values():
        parts.append(
            sql.SQL("SELECT {}, transfer_id::text, 'notice' FROM {} WHERE direction = 'received' AND id > {}").format(
                sql.Literal(schema), _notices(schema), sql.Literal(marks.notices[schema])
            )
        )
    delivered: dict[str, set[str]] = {}
    received: dict[str, list[str]] = {schema: [] for schema in schemas.values()}
    for schema, tid, what in db.execute(sql.SQL(" UNION ALL ").join(parts)).fetchall():
        if what == "transfer":
            delivered.setdefault(schema, set()).add(tid)
        else:
            received[schema].append(tid)
    return delivered, received


def _sent_notices(db, schema: str, marks: Marks) -> int:
    query = sql.SQL("SELECT count(*) FROM {} WHERE direction = 'sent' AND id > %s").format(_notices(schema))
    return db.execute(query, [marks.notices[schema]]).fetchone()[0]


def _marks(db, schemas) -> Marks:
    def top(table: sql.Identifier) -> int:
        return db.execute(sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(table)).fetchone()[0]

    return Marks(
        jobs=top(sql.Identifier("procrastinate_jobs")),
        defers=top(sql.Identifier("procrastinate_periodic_defers")),
        workers=top(sql.Identifier("procrastinate_workers")),
        transfers=[row[0] for row in db.execute(sql.SQL("SELECT id FROM {}").format(TRANSFERS)).fetchall()],
        notices={schema: top(_notices(schema)) for schema in schemas},
    )


def _clean_up(db, marks: Marks) -> None:
    """Delete what the test committed: the transfers, the notices sent and received, the jobs (deliveries and
    the workers' periodic deferrals, in every queue) with their events and periodic-defer rows, the workers."""
    db.execute("DELETE FROM procrastinate_periodic_defers WHERE id > %s OR job_id > %s", [marks.defers, marks.jobs])
    db.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [marks.jobs])  # their events go with them
    db.execute("DELETE FROM procrastinate_workers WHERE id > %s", [marks.workers])
    db.execute(sql.SQL("DELETE FROM {} WHERE NOT (id = ANY(%s))").format(TRANSFERS), [marks.transfers])
    for schema, top in marks.notices.items():
        db.execute(sql.SQL("DELETE FROM {} WHERE id > %s").format(_notices(schema)), [top])
