"""`provision_townships` SIGKILLed in the middle of its clone, on a throwaway cluster of the test's own, then run
again at once: the rerun resumes the dead run's request (its claim lock went with its connection) and finishes it,
with one congress and one schema; it does not wait for the worker's sweep, and there is no worker at all."""

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from console.provisioning import CLAIM_LOCKS
from tests.support import faults
from tests.support.throwaway_pg import wait_until

CODE, NAME, SUBDOMAIN = "520111106000", "花溪区黔陶布依族苗族乡人民代表大会", "qiantao"

RUN = """
from django.core.management import call_command
from console import provisioning

provisioning.LEASE_SECONDS = 1.5  # renewed every half second, for the test to see it renewed
call_command("provision_townships", "--county", "huaxi", {path!r}, verbosity=0)
"""


@pytest.fixture
def cluster(django_db_setup, django_db_blocker):
    with faults.loaded_cluster(django_db_blocker) as made:
        yield made


def _one(db: psycopg.Connection, query: str, *args):
    row = db.execute(query, args).fetchone()
    return row[0] if row else None


def _held(db: psycopg.Connection) -> set[int]:
    rows = db.execute(
        "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = %s AND granted",
        (CLAIM_LOCKS,),
    ).fetchall()
    return {row[0] for row in rows}


def test_a_command_killed_during_its_clone_is_resumed_by_a_rerun_at_once(cluster, tmp_path):
    url = cluster.url()
    env = faults.platform_env(url, tmp_path)
    path = tmp_path / "townships.csv"
    path.write_text(f"{CODE},{NAME},{SUBDOMAIN}\n", encoding="utf-8")
    running = "SELECT id FROM tenants_provisioningrequest WHERE division_code = %s AND status = 'running'"
    with psycopg.connect(url, autocommit=True) as watch, psycopg.connect(url) as gate:
        # The run's "succeed" makes the schema and the congress, then waits here to add its domain.
        gate.execute("LOCK TABLE tenants_domain IN EXCLUSIVE MODE")
        run = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", RUN.format(path=str(path))],
            cwd=faults.ROOT,
            env={**env, "PGAPPNAME": "killed-run"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            waiting = (
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = 'killed-run' AND wait_event_type = 'Lock'"
            )
            assert wait_until(lambda: _one(watch, running, CODE) and _one(watch, waiting), 120, 0.1) is not None
            request_id = _one(watch, running, CODE)
            assert request_id in _held(watch)
            lease = "SELECT expires_at FROM tenants_provisioningclaim WHERE request_id = %s"
            first = _one(watch, lease, request_id)
            assert wait_until(lambda: _one(watch, lease, request_id) > first, 10, 0.1) is not None  # renewed

            os.killpg(run.pid, signal.SIGKILL)
            run.wait(timeout=10)
            # The claim's connection was idle: PostgreSQL drops its lock as soon as the socket closes.
            assert wait_until(lambda: request_id not in _held(watch), 5, 0.1) is not None
            gate.commit()  # the dead run's clone backend finds its client gone and rolls back
            killed_at = time.monotonic()
            rerun = subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "provision_townships",
                    "--county",
                    "huaxi",
                    str(path),
                    "--verbosity",
                    "0",
                ],
                cwd=faults.ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait(timeout=10)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr[-3000:]
        assert "Created 0, resumed 1, already there 0, rejected 0." in rerun.stdout
        assert time.monotonic() - killed_at < 60  # not the sweep's two minutes
        assert _one(watch, "SELECT status FROM tenants_provisioningrequest WHERE id = %s", request_id) == "succeeded"
        assert _one(watch, "SELECT count(*) FROM tenants_congress WHERE division_code = %s", CODE) == 1
        assert _one(watch, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", f"c{CODE}") == 1
        steps = watch.execute(
            "SELECT action FROM tenants_provisioningevent WHERE request_id = %s ORDER BY id", (request_id,)
        ).fetchall()
        assert [step for (step,) in steps] == ["request", "start", "resume", "succeed"]
