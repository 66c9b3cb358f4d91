"""Provisioning: one service behind the console, the CLI and the API."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from tenants import schemas
from tenants.hosts import absolute_url
from tenants.models import Congress, Domain, ProvisioningRequest, SpareSchema
from tests.support.jobs import queued_jobs, run_queued_jobs

GOOD = {
    "tier": "township",
    "division_code": "520111106000",
    "name": "花溪区黔陶布依族苗族乡人民代表大会",
    "subdomain": "qiantao",
    "admin_email": "qiantao.admin@example.org",
}


def nothing_created(code="520111106000", subdomain="qiantao"):
    return (
        not Congress.objects.filter(division_code=code).exists()
        and not Domain.objects.filter(domain__startswith=f"{subdomain}.").exists()
        and not schema_exists(f"c{code}")
    )


def test_console_form_queues_then_the_worker_builds_the_congress(
    client_for, congresses, django_capture_on_commit_callbacks
):
    client = client_for("wang")
    response = client.post("/console/provision/", {**GOOD, "parent": congresses["huaxi"].pk})
    record = ProvisioningRequest.objects.get(subdomain="qiantao")
    assert response.status_code == 302 and response["Location"] == f"/console/provisioning/{record.pk}/"
    # The request returned before any schema existed; the job was queued in the same transaction.
    assert record.status == "queued" and nothing_created()
    assert [name for _pk, name, _args in queued_jobs()] == ["tenants.provision_congress"]
    page = client.get(response["Location"]).content.decode()
    # The page follows the request by reloading itself (site.js), never by a meta refresh (WCAG 2.2.1).
    assert "data-reload-seconds" in page and 'http-equiv="refresh"' not in page and "排队中" in page

    with django_capture_on_commit_callbacks(execute=True):
        run_queued_jobs("tenants.provision_congress")
    record.refresh_from_db()
    assert record.status == "succeeded" and record.requested_by.email == "wang@example.org"
    assert client_for(None, "qiantao").get("/").status_code == 200
    assert "data-reload-seconds" not in client.get(response["Location"]).content.decode()
    # The first administrator got a set-password link on the new congress's own host.
    assert mail.outbox[-1].to == ["qiantao.admin@example.org"]
    assert "//qiantao.congress.localhost" in mail.outbox[-1].body
    assert GOOD["name"] in client.get("/console/provisioning/").content.decode()


def test_management_command_provisions_a_township(congresses, capsys):
    call_command(
        "provision_congress",
        "--tier",
        "township",
        "--parent",
        "huaxi",
        "--code",
        GOOD["division_code"],
        "--name",
        GOOD["name"],
        "--subdomain",
        "qiantao",
    )
    record = ProvisioningRequest.objects.get(subdomain="qiantao")
    assert record.status == "succeeded" and record.source == "cli" and record.actor_label.startswith("cli:")
    assert "qiantao.congress.localhost" in capsys.readouterr().out


def test_management_command_reports_bad_input_by_field(congresses):
    with pytest.raises(CommandError, match="parent"):
        call_command(
            "provision_congress",
            "--tier",
            "township",
            "--parent",
            "guiyang",
            "--code",
            GOOD["division_code"],
            "--name",
            GOOD["name"],
            "--subdomain",
            "qiantao",
        )
    assert nothing_created() and not ProvisioningRequest.objects.filter(subdomain="qiantao").exists()


def test_api_answers_202_at_once_and_the_record_shows_progress(api_for, congresses):
    client = api_for("wang")
    response = client.post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run_queued_jobs()
    detail = client.get(f"/api/v1/provisioning/{response.json()['id']}/").json()
    assert detail["status"] == "succeeded"
    assert detail["congress_url"] == absolute_url("qiantao.congress.localhost", "/")
    assert api_for(None, "qiantao").get("/api/v1/congress/").json()["congress"]["name"] == GOOD["name"]


BAD = [
    ({"parent_code": "520100000000"}, "parent"),  # a township under a city
    ({"division_code": "52011110600"}, "division_code"),  # 11 digits
    ({"division_code": "5201111060ab"}, "division_code"),
    ({"division_code": "520102106000"}, "division_code"),  # another county's prefix
    ({"division_code": "520111101000"}, "division_code"),  # Qingyan's code, taken
    ({"division_code": "520111106001"}, "division_code"),  # village digits must be 000
    ({"subdomain": "qingyan"}, "subdomain"),  # taken
    ({"subdomain": "Bad_Sub"}, "subdomain"),
    ({"subdomain": "www"}, "subdomain"),  # reserved
    ({"name": "  "}, "name"),
    ({"tier": "county"}, "parent"),  # a county under a county
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_api_refuses_bad_input_naming_the_field_and_creates_nothing(api_for, congresses, change, field):
    payload = {**GOOD, "parent_code": "520111000000", **change}
    response = api_for("wang").post("/api/v1/provisioning/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not ProvisioningRequest.objects.filter(
        subdomain=payload["subdomain"].strip().lower(), status="queued"
    ).exists()
    assert queued_jobs() == [] and nothing_created()


def test_console_form_shows_field_errors(client_for, congresses):
    before = ProvisioningRequest.objects.count()
    response = client_for("wang").post(
        "/console/provision/", {**GOOD, "parent": congresses["huaxi"].pk, "subdomain": "qingyan"}
    )
    assert response.status_code == 200
    assert "子域名 qingyan 已被使用" in response.content.decode()
    assert ProvisioningRequest.objects.count() == before


def test_a_second_request_for_a_pending_subdomain_is_refused(api_for):
    client = api_for("wang")
    first = client.post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")
    assert first.status_code == 202
    second = client.post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")
    assert second.status_code == 400 and "subdomain" in second.json() and "division_code" in second.json()


def test_failure_half_way_leaves_no_orphan_schema_or_domain(api_for, monkeypatch):
    response = api_for("wang").post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("console.provisioning.record_event", explode)  # the congress's first history row
    run_queued_jobs("tenants.provision_congress")
    record = ProvisioningRequest.objects.get(pk=response.json()["id"])
    assert record.status == "failed" and "disk full" in record.error
    assert nothing_created()


def test_running_a_job_twice_creates_the_congress_once(api_for):
    response = api_for("wang").post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")
    from console.tasks import provision_congress

    provision_congress(request_id=response.json()["id"])
    provision_congress(request_id=response.json()["id"])
    assert Congress.objects.filter(subdomain="qiantao").count() == 1


def test_stale_template_is_refused_with_a_clear_error(api_for):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM congress_template.django_migrations WHERE app = 'about'")
    response = api_for("wang").post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")
    SpareSchema.objects.all().delete()  # no ready clone to fall back on
    run_queued_jobs("tenants.provision_congress")
    record = ProvisioningRequest.objects.get(pk=response.json()["id"])
    assert record.status == "failed"
    assert "落后于代码" in record.error and "about." in record.error and "migrate" in record.error
    assert nothing_created()


def test_migrate_brings_the_template_back_and_drops_stale_spares(db):
    schemas.refill_spares(1)
    spare = SpareSchema.objects.get()
    SpareSchema.objects.filter(pk=spare.pk).update(fingerprint="older")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM congress_template.django_migrations WHERE app = 'about'")
        cursor.execute("DROP TABLE congress_template.about_contact")
    with pytest.raises(schemas.StaleTemplateError):
        schemas.check_template()
    # A real migrate re-applies what is missing; faking it would have hidden the dropped table.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA congress_template CASCADE")
    call_command("migrate", verbosity=0, interactive=False)
    schemas.check_template()
    assert not schema_exists(spare.schema_name) and not SpareSchema.objects.exists()
    with schema_context("congress_template"), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM about_contact")


def test_a_spare_clone_is_claimed_by_renaming(congresses):
    from console.services import provision_now
    from console.specs import CongressSpec

    schemas.refill_spares(2)
    spare_names = set(SpareSchema.objects.values_list("schema_name", flat=True))
    record = provision_now(access=None, spec=CongressSpec(parent=congresses["huaxi"], **GOOD), source="cli")
    assert record.status == "succeeded" and record.used_spare
    assert SpareSchema.objects.count() == 1
    assert len(spare_names & {s for s in spare_names if schema_exists(s)}) == 1
    with schema_context(record.congress.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM about_profile")
        assert cursor.fetchone() == (0,)


def test_every_provisioning_is_recorded_and_shown_in_the_console(client_for, api_for):
    api_for("wang").post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")
    run_queued_jobs()
    body = client_for("wang").get("/console/").content.decode()
    assert GOOD["name"] in body and "wang" in body and "接口" in body


def test_a_request_whose_job_was_lost_is_resumed_by_the_periodic_task(api_for):
    from datetime import timedelta

    from django.utils import timezone

    from console.tasks import resume_provisioning

    response = api_for("wang").post("/api/v1/provisioning/", {**GOOD, "parent_code": "520111000000"}, format="json")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")  # the job is gone: a worker died, retries ran out
    resume_provisioning(timestamp=0)
    assert ProvisioningRequest.objects.get(pk=response.json()["id"]).status == "queued"  # too young to call lost
    ProvisioningRequest.objects.filter(pk=response.json()["id"]).update(
        requested_at=timezone.now() - timedelta(minutes=5)
    )
    resume_provisioning(timestamp=0)
    assert ProvisioningRequest.objects.get(pk=response.json()["id"]).status == "succeeded"
