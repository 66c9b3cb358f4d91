"""A provisioning run holds a claim on its request (an advisory lock PostgreSQL drops when the process dies, and
a lease renewed while it works): a rerun takes over a request whose run died at once, and leaves a live run's
request alone; so does the worker's sweep.

A run that died is simulated in-process (a request left "running" by a "start" no one continues, holding no
lock), and made for real: a `provision_townships` subprocess SIGKILLed in the middle of its clone, while a lock
of the test holds it there. A live run is another connection holding the request's claim lock."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_exists

from console import provisioning
from console.provisioning import CLAIM_LOCKS, PROVISIONING, SYSTEM, Claim, held_claims, stalled_provisioning_ids
from console.services import provision_now, provisioning_request, provisioning_resume
from console.specs import CongressSpec
from console.tasks import resume_provisioning
from tenants.models import Congress, ProvisioningClaim, ProvisioningRequest, ProvisioningStatus
from tenants.workflow import apply_transition

ROOT = Path(__file__).resolve().parents[3]
CODE, NAME, SUBDOMAIN = "520111106000", "花溪区黔陶布依族苗族乡人民代表大会", "qiantao"
DEAD_OWNER = "command@gone:4242"


def _spec(congresses, code=CODE, name=NAME, subdomain=SUBDOMAIN) -> CongressSpec:
    return CongressSpec(tier="township", parent=congresses["huaxi"], division_code=code, name=name, subdomain=subdomain)


def _left_running(congresses, **row) -> ProvisioningRequest:
    """A request as a killed command leaves it: "start" taken (lease written), nothing after, no lock held."""
    request = provisioning_request(access=None, spec=_spec(congresses, **row), source="bulk", defer=False)
    return apply_transition(PROVISIONING, access=SYSTEM, obj=request, action="start", data={"owner": DEAD_OWNER})


def _csv(tmp_path, *rows) -> str:
    path = tmp_path / "townships.csv"
    path.write_text("".join(f"{code},{name},{sub}\n" for code, name, sub in rows), encoding="utf-8")
    return str(path)


@pytest.fixture
def other_session():
    """A live run elsewhere: another database session, which holds claim locks given to `hold`."""
    with psycopg.connect(_test_database_url(), autocommit=True) as conn:

        def hold(request_id: int) -> None:
            conn.execute("SELECT pg_advisory_lock(%s, %s)", (CLAIM_LOCKS, request_id))

        yield hold


def _steps(request: ProvisioningRequest) -> list[str]:
    return list(request.events.order_by("pk").values_list("action", flat=True))


def test_a_rerun_resumes_a_request_whose_run_died_at_once(congresses, tmp_path, capsys):
    request = _left_running(congresses)
    assert request.status == ProvisioningStatus.RUNNING and request.pk not in held_claims()
    call_command("provision_townships", "--county", "huaxi", _csv(tmp_path, (CODE, NAME, SUBDOMAIN)), verbosity=0)
    assert "Created 0, resumed 1, already there 0, rejected 0." in capsys.readouterr().out
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.SUCCEEDED and request.congress.subdomain == SUBDOMAIN
    assert Congress.objects.filter(division_code=CODE).count() == 1 and schema_exists(f"c{CODE}")
    assert ProvisioningRequest.objects.filter(division_code=CODE).count() == 1  # the same row, no second request
    assert _steps(request) == ["request", "start", "resume", "succeed"]
    resume = request.events.get(action="resume")
    assert resume.data["previous_owner"] == DEAD_OWNER and resume.data["owner"].startswith("command@")
    assert not ProvisioningClaim.objects.filter(request=request).exists()  # the lease ends with the run


def test_provision_congress_rerun_resumes_too(congresses, capsys):
    request = _left_running(congresses)
    args = ["--tier", "township", "--parent", "huaxi", "--code", CODE, "--name", NAME, "--subdomain", SUBDOMAIN]
    call_command("provision_congress", *args)
    assert f"Resumed request #{request.pk} and created" in capsys.readouterr().out
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.SUCCEEDED and _steps(request)[-2:] == ["resume", "succeed"]


def test_a_rerun_rejects_a_row_whose_run_is_alive_and_changes_nothing(
    congresses, tmp_path, capsys, other_session, client_for
):
    request = _left_running(congresses)
    other_session(request.pk)
    # The console shows who holds the request, and until when their lease runs.
    assert DEAD_OWNER in client_for("wang").get(f"/console/provisioning/{request.pk}/").content.decode()
    assert request.pk in held_claims() and request.pk not in stalled_provisioning_ids()
    with pytest.raises(CommandError, match="1 row"):
        call_command("provision_townships", "--county", "huaxi", _csv(tmp_path, (CODE, NAME, SUBDOMAIN)), verbosity=0)
    out = capsys.readouterr().out
    assert "Created 0, resumed 0, already there 0, rejected 1." in out and "正在创建中" in out
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.RUNNING and _steps(request) == ["request", "start"]
    assert request.claim.owner == DEAD_OWNER
    assert not Congress.objects.filter(division_code=CODE).exists() and not schema_exists(f"c{CODE}")


def test_the_sweep_retries_a_dead_claim_at_once_but_not_a_live_one(congresses, other_session):
    dead = _left_running(congresses)
    live = _left_running(congresses, code="520111107000", name="花溪区马铃布依族苗族乡人民代表大会", subdomain="maling")
    other_session(live.pk)
    # No age for a running request: its claimant is known dead the moment its lock is free.
    assert stalled_provisioning_ids() == [dead.pk]
    resume_provisioning(timestamp=0)
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == ProvisioningStatus.SUCCEEDED and _steps(dead)[-2:] == ["resume", "succeed"]
    assert dead.events.get(action="resume").data["owner"].startswith("worker@")
    assert live.status == ProvisioningStatus.RUNNING and _steps(live) == ["request", "start"]
    assert not Congress.objects.filter(subdomain="maling").exists()


def test_a_run_holds_its_claim_from_before_its_request_is_seen_until_it_ends(congresses, monkeypatch):
    """No window for a rerun: the claim is taken in the transaction that makes the request, and held through
    "start" and the clone (each checked from another session, as a rerun would)."""
    seen = []

    def check(stage: str) -> None:
        request = ProvisioningRequest.objects.get(division_code=CODE, status__in=["queued", "running"])
        taken = Claim.take(request.pk, "command")
        if taken is not None:
            taken.release()
        seen.append((stage, request.status, request.pk in held_claims(), taken is None))
        assert provisioning_resume(spec=_spec(congresses)) is None

    execute, clone = provisioning.provisioning_execute, provisioning.schemas.create_congress_schema

    def execute_checked(*args, **kwargs):
        check("made")
        return execute(*args, **kwargs)

    def clone_checked(name: str) -> bool:
        check("clone")
        return clone(name)

    monkeypatch.setattr("console.services.provisioning_execute", execute_checked)
    monkeypatch.setattr(provisioning.schemas, "create_congress_schema", clone_checked)
    record = provision_now(access=None, spec=_spec(congresses), source="cli")
    assert record.status == ProvisioningStatus.SUCCEEDED
    assert seen == [("made", "queued", True, True), ("clone", "running", True, True)]
    assert record.pk not in held_claims()  # released once done


# -- for real: a command SIGKILLed during its clone ------------------------------------------------------------

RUN = """
from django.core.management import call_command
from console import provisioning

provisioning.LEASE_SECONDS = 1.5  # renewed every half second, for the test to see it renewed
call_command("provision_townships", "--county", "huaxi", {path!r}, verbosity=0)
"""

CLEAN = """
from django.db import connection
from tenants.models import Congress, ProvisioningRequest

ProvisioningRequest.objects.filter(division_code={code!r}).delete()
for congress in Congress.objects.filter(division_code={code!r}):
    congress.delete()
with connection.cursor() as cursor:
    cursor.execute('DROP SCHEMA IF EXISTS "c{code}" CASCADE')
"""


def _test_database_url() -> str:
    """DATABASE_URL (what the suite was started with) pointed at pytest's test database."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _wait_for(what: str, condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


def _one(db: psycopg.Connection, query: str, *args):
    row = db.execute(query, args).fetchone()
    return row[0] if row else None


def test_a_command_killed_during_its_clone_is_resumed_by_a_rerun_at_once(db, tmp_path):
    url = _test_database_url()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    path = _csv(tmp_path, (CODE, NAME, SUBDOMAIN))
    request_query = "SELECT id FROM tenants_provisioningrequest WHERE division_code = %s AND status = 'running'"
    with psycopg.connect(url, autocommit=True) as watch, psycopg.connect(url) as gate:
        assert _one(watch, "SELECT count(*) FROM tenants_provisioningrequest WHERE division_code = %s", CODE) == 0
        # The run's "succeed" makes the schema and the congress, then waits here to add its domain.
        gate.execute("LOCK TABLE tenants_domain IN EXCLUSIVE MODE")
        run = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", RUN.format(path=path)],
            cwd=ROOT,
            env={**env, "PGAPPNAME": "claims-killed-run"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for(
                "the run to wait in its clone",
                lambda: (
                    _one(watch, request_query, CODE)
                    and _one(
                        watch,
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'claims-killed-run'"
                        " AND wait_event_type = 'Lock'",
                    )
                ),
                120,
            )
            request_id = _one(watch, request_query, CODE)
            assert request_id in _held(watch)
            lease = "SELECT expires_at FROM tenants_provisioningclaim WHERE request_id = %s"
            first = _one(watch, lease, request_id)
            _wait_for("the lease to be renewed", lambda: _one(watch, lease, request_id) > first, 10)

            os.killpg(run.pid, signal.SIGKILL)
            run.wait(timeout=10)
            # The claim's connection was idle: PostgreSQL drops its lock as soon as the socket closes.
            _wait_for("the dead run's claim to be released", lambda: request_id not in _held(watch), 5)
            gate.commit()  # the dead run's clone backend finds its client gone and rolls back
            killed_at = time.monotonic()
            rerun = subprocess.run(
                [sys.executable, "manage.py", "provision_townships", "--county", "huaxi", path, "--verbosity", "0"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert rerun.returncode == 0, rerun.stdout + rerun.stderr[-3000:]
            assert "Created 0, resumed 1, already there 0, rejected 0." in rerun.stdout
            assert time.monotonic() - killed_at < 60  # not the sweep's two minutes
            assert (
                _one(watch, "SELECT status FROM tenants_provisioningrequest WHERE id = %s", request_id) == "succeeded"
            )
            assert _one(watch, "SELECT count(*) FROM tenants_congress WHERE division_code = %s", CODE) == 1
            assert _one(watch, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", f"c{CODE}") == 1
            steps = watch.execute(
                "SELECT action FROM tenants_provisioningevent WHERE request_id = %s ORDER BY id", (request_id,)
            ).fetchall()
            assert [step for (step,) in steps] == ["request", "start", "resume", "succeed"]
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait(timeout=10)
            gate.rollback()
            # The runs committed: what they made is removed, for the other tests.
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", CLEAN.format(code=CODE)],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=120,
            )


def _held(db: psycopg.Connection) -> set[int]:
    rows = db.execute(
        "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = %s AND granted",
        (CLAIM_LOCKS,),
    ).fetchall()
    return {row[0] for row in rows}
