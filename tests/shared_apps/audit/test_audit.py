"""The audit log (issue 12): every sign-in, failure, lockout, role change, export and workflow action is
recorded with time, actor, address, congress, object and outcome; append-only and hash-chained; archived
after its retention; read only by audit administrators."""

import gzip
import io
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from shared_apps.audit import chain, retention
from shared_apps.audit.models import AuditArchive, AuditEntry
from shared_apps.audit.services import record
from shared_apps.memberships.models import Role
from shared_apps.memberships.services import membership_grant
from tests.support.personas import PASSWORD


@pytest.fixture
def log(django_capture_on_commit_callbacks):
    """record(), written at once (a test's transaction never commits, and records wait for the commit)."""

    def write(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            record(*args, **kwargs)

    return write


def sign_in(email: str, password: str, address: str = "10.8.0.1", host: str = "huaxi.congress.localhost"):
    client = Client(HTTP_HOST=host, REMOTE_ADDR=address)
    client.post("/accounts/login/", {"login": email, "password": password})
    return client


def test_sign_in_failure_lockout_and_sign_out_are_recorded(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.LOCKOUT_FAILURES):
            sign_in("li@example.org", "wrong", address="10.8.1.1")
        good = sign_in("yang@example.org", PASSWORD, address="10.8.1.2")
        good.post("/accounts/logout/")
    rows = list(AuditEntry.objects.order_by("id").values_list("action", "outcome", "actor_label", "address"))
    assert rows.count(("auth.login", "failure", "li@example.org", "10.8.1.1")) == settings.LOCKOUT_FAILURES
    assert ("auth.lockout", "refused", "li@example.org", "10.8.1.1") in rows
    assert ("auth.login", "success", "yang@example.org", "10.8.1.2") in rows
    assert ("auth.logout", "success", "yang@example.org", "10.8.1.2") in rows


def test_a_role_grant_is_recorded_with_the_congress(db, congresses, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership_grant(actor=users["li"], user=users["wu"], congress=congresses["huaxi"], role=Role.OFFICE_STAFF)
    row = AuditEntry.objects.filter(action="membership.granted").latest("id")
    expected = ("li@example.org", congresses["huaxi"].schema_name, "office_staff")
    assert (row.actor_label, row.congress, row.data["role"]) == expected


def test_a_workflow_action_is_recorded_in_its_congress(db, congresses, users, django_capture_on_commit_callbacks):
    from shared_apps.memberships.permissions import Access
    from tenant_apps.groups.services import group_create

    with django_capture_on_commit_callbacks(execute=True), congresses["huaxi"]:
        access = Access(user=users["li"], congress=congresses["huaxi"], roles=frozenset({Role.CONGRESS_ADMIN}))
        group = group_create(access=access, data={"name": "审计测试小组"})
    row = AuditEntry.objects.filter(congress=congresses["huaxi"].schema_name, object_id=str(group.pk)).get()
    assert row.actor_label == "li@example.org" and row.action.startswith("group.")


def test_what_rolls_back_is_not_recorded_as_done(db, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        record("test.rolled_back", actor=users["li"])
        raise RuntimeError
    assert not AuditEntry.objects.filter(action="test.rolled_back").exists()


def test_rows_can_be_neither_changed_nor_removed(db, log):
    log("test.kept", actor_label="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.update(action="test.changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(action="test.kept").count() == 1


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


def test_the_chain_shows_a_changed_row_and_a_removed_one(db, log):
    for n in range(5):
        log(f"test.row{n}", actor_label="a@example.org", data={"n": n})
    assert chain.verify().ok
    call_command("audit_verify", stdout=io.StringIO())
    ids = list(AuditEntry.objects.filter(action__startswith="test.row").order_by("id").values_list("id", flat=True))
    _tamper("UPDATE audit_auditentry SET actor_label = 'b@example.org' WHERE id = %s", [ids[2]])
    verdict = chain.verify()
    assert verdict.broken_at == ids[2] and "changed" in verdict.reason
    with pytest.raises(CommandError, match=f"row {ids[2]}"):
        call_command("audit_verify", stdout=io.StringIO())
    _tamper("UPDATE audit_auditentry SET actor_label = 'a@example.org' WHERE id = %s", [ids[2]])
    assert chain.verify().ok
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [ids[1]])
    verdict = chain.verify()
    assert verdict.broken_at == ids[2] and "removed" in verdict.reason


def test_rows_past_the_retention_are_archived_and_the_chain_still_holds(
    db, log, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_RETENTION_DAYS = 180
    for n in range(3):
        log(f"test.old{n}", actor_label="old@example.org")
    before = AuditEntry.objects.count()
    # 181 days on, every row so far is past the retention.
    with django_capture_on_commit_callbacks(execute=True):
        archive = retention.archive_expired(now=timezone.now() + timedelta(days=181))
    assert archive is not None and archive.rows == before
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["audit.archived"]
    log("test.recent", actor_label="new@example.org")
    assert chain.verify().ok and chain.verify().checked == 2
    with storages["private"].open(archive.file) as handle:
        lines = [json.loads(line) for line in gzip.decompress(handle.read()).decode().splitlines()]
    assert [line["action"] for line in lines[-3:]] == ["test.old0", "test.old1", "test.old2"]
    assert lines[-1]["hash"] == AuditArchive.objects.get().last_hash
    assert retention.archive_expired() is None
    storages["private"].delete(archive.file)


def test_the_retention_is_never_below_180_days(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    chain.append(AuditEntry(action="test.young", at=timezone.now() - timedelta(days=100)))
    assert retention.archive_expired() is None


def _rows_for(client: Client, path: str = "/audit/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_congress_auditor_reads_only_its_congress_and_the_platform_auditor_reads_all(client_for, congresses, log):
    qingyan = congresses["qingyan"].schema_name
    log("test.in_huaxi", congress=congresses["huaxi"].schema_name, actor_label="h@example.org")
    log("test.in_qingyan", congress=qingyan, actor_label="q@example.org")
    log("test.on_platform", congress="", actor_label="p@example.org")
    huaxi = _rows_for(client_for("han", "huaxi"))
    assert "test.in_huaxi" in huaxi and "test.in_qingyan" not in huaxi and "test.on_platform" not in huaxi
    platform = _rows_for(client_for("shen"))
    assert all(name in platform for name in ("test.in_huaxi", "test.in_qingyan", "test.on_platform"))
    only = _rows_for(client_for("shen"), f"/audit/?congress={qingyan}")
    assert "test.in_qingyan" in only and "test.in_huaxi" not in only


@pytest.mark.parametrize("persona", ["wang", "li", "tang", "pan", "zhang"])
def test_administrators_who_are_not_auditors_cannot_read_it(client_for, persona, db):
    assert client_for(persona, "huaxi").get("/audit/").status_code == 403
    assert client_for(persona).get("/audit/").status_code == 403


def test_filters_and_the_api(api_for, db, log):
    log("auth.login", outcome="failure", congress="", actor_label="x@example.org", address="10.8.2.2")
    log("auth.login", outcome="success", congress="", actor_label="y@example.org", address="10.8.2.3")
    api = api_for("shen")
    body = api.get("/api/v1/audit/", {"action": "auth.", "outcome": "failure", "address": "10.8.2."}).json()
    assert [r["actor_label"] for r in body["results"]] == ["x@example.org"]
    assert api.get("/api/v1/audit/", {"address": "10.8.2.3"}).json()["count"] == 1
    # Hostile filters are no filter, never an error.
    for hostile in ({"since": "²⁰²⁶-01-01"}, {"until": "9" * 5000}, {"outcome": "nope"}, {"page": "²"}):
        assert api.get("/api/v1/audit/", hostile).status_code in (200, 404)


def test_the_export_is_an_xlsx_of_the_filtered_rows_and_is_recorded(
    client_for, congresses, django_capture_on_commit_callbacks, log
):
    log("test.exported_row", congress=congresses["huaxi"].schema_name, actor_label="h@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("han", "huaxi").get("/audit/export.xlsx", {"action": "test."})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["test.exported_row"]
    assert AuditEntry.objects.filter(action="audit.exported", actor_label="han@example.org").exists()


def test_the_three_officers_are_different_people(db, congresses, users):
    from django.core.exceptions import ValidationError

    huaxi = congresses["huaxi"]
    with pytest.raises(ValidationError, match="不同的人"):
        membership_grant(actor=users["tang"], user=users["li"], congress=huaxi, role=Role.AUDIT_ADMIN)
    with pytest.raises(ValidationError, match="不能给自己"):
        membership_grant(actor=users["tang"], user=users["tang"], congress=huaxi, role=Role.SECURITY_ADMIN)
    membership_grant(actor=users["tang"], user=users["wu"], congress=huaxi, role=Role.AUDIT_ADMIN)
