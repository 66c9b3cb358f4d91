"""A provisioning run holds a claim on its request (an advisory lock PostgreSQL drops when the process dies, and
a lease renewed while it works): a rerun takes over a request whose run died at once, and leaves a live run's
request alone; so does the worker's sweep.

A run that died is simulated here (a request left "running" by a "start" no one continues, holding no lock); one
made for real, a command SIGKILLed during its clone, is tests/test_faults_provisioning.py. A live run is another
connection holding the request's claim lock."""

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_exists

from console import provisioning
from console.provisioning import CLAIM_LOCKS, PROVISIONING, SYSTEM, Claim, held_claims, stalled_provisioning_ids
from console.services import provision_now, provisioning_request, provisioning_resume
from console.specs import CongressSpec
from console.tasks import resume_provisioning
from tenants.models import Congress, ProvisioningClaim, ProvisioningRequest, ProvisioningStatus
from tenants.workflow import apply_transition
from tests.support import pg

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
    with psycopg.connect(pg.test_database_url(), autocommit=True) as conn:

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
    # The console shows who holds the request, and until when their lease runs; the page follows the run by
    # reloading itself through site.js (saying so, with a link), never by a meta refresh (WCAG 2.2.1).
    page = client_for("wang").get(f"/console/provisioning/{request.pk}/").content.decode()
    assert DEAD_OWNER in page and "data-reload-seconds" in page and 'http-equiv="refresh"' not in page
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


def _held(db: psycopg.Connection) -> set[int]:
    rows = db.execute(
        "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = %s AND granted",
        (CLAIM_LOCKS,),
    ).fetchall()
    return {row[0] for row in rows}
