"""Provisioning a tree from one CSV file: the command, the console and the API; parents before children;
a file given again skips what exists; a parent's failure fails the rows below it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_exists

from console import bulk
from console.provisioning import stalled_provisioning_ids
from console.tasks import resume_provisioning
from shared_apps.notifications.models import Notification
from tenants import schemas
from tenants.models import Congress, ProvisioningBatch, ProvisioningRequest
from tests.support.jobs import queued_jobs, run_queued_jobs

# A city under the existing province, a county under it and two townships under that; a county under the
# existing Zunyi; and the province itself, which exists already just so.
TREE = """tier,parent,code,name,subdomain,admin_email
township,520402000000,520402101000,西秀区东关街道人民代表大会,dongguan,
township,520402000000,520402102000,西秀区南街街道人民代表大会,nanjie,
county,520400000000,520402000000,安顺市西秀区人民代表大会,xixiu,xixiu.admin@example.org
city,520000000000,520400000000,安顺市人民代表大会,anshun,
county,zunyi,520303000000,遵义市汇川区人民代表大会,huichuan,
province,,520000000000,贵州省人民代表大会,guizhou,
"""
NEW = ["520400000000", "520402000000", "520402101000", "520402102000", "520303000000"]


def write(tmp_path, text=TREE):
    path = tmp_path / "province.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_the_command_makes_a_tree_parents_first_and_a_second_run_skips_it(congresses, tmp_path, capsys):
    call_command("provision_townships", "--tree", "--workers", "1", str(write(tmp_path)))
    assert "created 5, already there 1, failed 0" in capsys.readouterr().out
    made = {c.division_code: c for c in Congress.objects.filter(division_code__in=NEW)}
    assert set(made) == set(NEW) and all(schema_exists(c.schema_name) for c in made.values())
    assert made["520402101000"].parent == made["520402000000"] and made["520402000000"].parent == made["520400000000"]
    assert made["520303000000"].parent == congresses["zunyi"]
    # Parents before children: each request finished after its parent's.
    finished = dict(
        ProvisioningRequest.objects.filter(division_code__in=NEW).values_list("division_code", "finished_at")
    )
    assert finished["520400000000"] < finished["520402000000"] < finished["520402101000"]
    assert ProvisioningRequest.objects.get(division_code="520402000000").actor_label.startswith("cli:")

    call_command("provision_townships", "--tree", "--workers", "1", str(write(tmp_path)))
    assert "created 0, already there 6, failed 0" in capsys.readouterr().out
    assert Congress.objects.filter(division_code__in=NEW).count() == 5


BAD_TREES = [
    ("township,520402000000,520402101000,东关,dongguan\n", "既不在文件中"),  # a parent nobody makes
    ("city,520000000000,520400000000,安顺,anshun\ncounty,520400000000,520402000000,西秀,anshun\n", "重复"),
    ("county,520000000000,520402000000,西秀,xixiu\n", "parent"),  # a county under the province
    ("city,520000000000,530400000000,安顺,anshun\n", "division_code"),  # another province's code
    ("city,520000000000,520100000000,另一个贵阳,other\n", "division_code"),  # Guiyang's code, another name
    ("city,520000000000,520400000000\n", "五列"),
]


@pytest.mark.parametrize(("text", "problem"), BAD_TREES)
def test_a_bad_file_is_refused_whole_naming_the_line(congresses, tmp_path, text, problem):
    good_row = "city,520000000000,520500000000,毕节市人民代表大会,bijie\n"
    with pytest.raises(CommandError, match=problem):
        call_command("provision_townships", "--tree", str(write(tmp_path, good_row + text)))
    assert not ProvisioningBatch.objects.exists() and not Congress.objects.filter(division_code="520500000000").exists()


def test_a_file_of_no_rows_is_refused(congresses, tmp_path):
    with pytest.raises(CommandError, match="没有任何一行"):
        call_command("provision_townships", "--tree", str(write(tmp_path, "tier,parent,code,name,subdomain\n\n")))
    assert not ProvisioningBatch.objects.exists()


def test_a_parent_that_fails_fails_the_rows_below_it(congresses, tmp_path, monkeypatch, capsys):
    real = schemas.create_congress_schema

    def failing(target):
        if target == "c520400000000":
            raise RuntimeError("disk full")
        return real(target)

    monkeypatch.setattr(schemas, "create_congress_schema", failing)
    with pytest.raises(CommandError, match="4 congress"):
        call_command("provision_townships", "--tree", "--workers", "1", str(write(tmp_path)))
    out = capsys.readouterr().out
    assert "created 1, already there 1, failed 4" in out and "520402101000" in out
    township = ProvisioningRequest.objects.get(division_code="520402101000")
    assert township.status == "failed" and "520402000000" in township.error
    assert Congress.objects.filter(division_code="520303000000").exists()  # the other branch went on
    assert not Congress.objects.filter(division_code__in=NEW[:4]).exists()

    # Mended, the same file again: what exists is skipped, the rest made.
    monkeypatch.setattr(schemas, "create_congress_schema", real)
    call_command("provision_townships", "--tree", "--workers", "1", str(write(tmp_path)))
    assert "created 4, already there 2, failed 0" in capsys.readouterr().out


def test_the_console_queues_only_rows_whose_parent_exists_and_the_worker_makes_the_rest(client_for, congresses):
    client = client_for("wang")
    upload = SimpleUploadedFile("tree.csv", TREE.encode("utf-8-sig"), content_type="text/csv")
    response = client.post("/console/batches/", {"file": upload})
    batch = ProvisioningBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/batches/{batch.pk}/"
    # The city and the Zunyi county can start; the rows below the city wait for it.
    assert len(queued_jobs("tenants.provision_congress")) == 2
    waiting = ProvisioningRequest.objects.get(division_code="520402000000")
    assert waiting.is_waiting and waiting.pk not in stalled_provisioning_ids(older_than_seconds=-1)
    page = client.get(response["Location"]).content.decode()
    assert 'data-reload-seconds="3"' in page and "已处理 1 / 6" in page

    run_queued_jobs("tenants.provision_congress")
    assert Congress.objects.filter(division_code__in=NEW).count() == 5
    # No notice a row: the uploader follows the batch on its page.
    assert not Notification.objects.filter(kind__in=["congress_created", "congress_failed"]).exists()
    progress = bulk.batch_progress(batch)
    assert (progress.succeeded, progress.failed, progress.is_finished, progress.percent) == (5, 0, True, 100)
    page = client.get(response["Location"]).content.decode()
    assert "data-reload-seconds" not in page and "全部完成" in page


def test_the_console_shows_every_bad_line_and_makes_nothing(client_for, congresses):
    text = "city,520000000000,520400000000,安顺,anshun\ntownship,520499000000,520499101000,无上级,nobody\n"
    upload = SimpleUploadedFile("tree.csv", text.encode(), content_type="text/csv")
    response = client_for("wang").post("/console/batches/", {"file": upload})
    assert response.status_code == 200
    assert "第2行（520499101000 无上级）" in response.content.decode()
    assert not ProvisioningBatch.objects.exists() and queued_jobs() == []


def test_the_console_refuses_a_file_that_is_not_utf8(client_for, congresses):
    upload = SimpleUploadedFile("tree.csv", "city,520000000000,520400000000,安顺,anshun".encode("gbk"))
    response = client_for("wang").post("/console/batches/", {"file": upload})
    assert response.status_code == 200 and "UTF-8" in response.content.decode()
    assert not ProvisioningBatch.objects.exists()


def test_the_api_takes_a_file_and_reports_progress(api_for, congresses):
    client = api_for("wang")
    upload = SimpleUploadedFile("tree.csv", TREE.encode(), content_type="text/csv")
    response = client.post("/api/v1/provisioning/batches/", {"file": upload}, format="multipart")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["rows"], body["already_there"], body["queued"], body["finished"]) == (6, 1, 5, False)
    run_queued_jobs("tenants.provision_congress")
    body = client.get(f"/api/v1/provisioning/batches/{body['id']}/").json()
    assert (body["succeeded"], body["failed"], body["percent"], body["finished"]) == (5, 0, 100, True)


def test_the_api_refuses_a_bad_file_with_every_line(api_for, congresses):
    upload = SimpleUploadedFile("tree.csv", b"city,520000000000,530400000000,x,anshun\n", content_type="text/csv")
    response = api_for("wang").post("/api/v1/provisioning/batches/", {"file": upload}, format="multipart")
    assert response.status_code == 400 and "第1行" in response.json()["file"][0]
    assert not ProvisioningBatch.objects.exists()


@pytest.mark.parametrize("persona", ["li", "zhang", None])
def test_only_the_province_administrator_provisions_a_tree(client_for, api_for, congresses, persona):
    upload = SimpleUploadedFile("tree.csv", TREE.encode(), content_type="text/csv")
    page = client_for(persona).post("/console/batches/", {"file": upload})
    assert page.status_code in (302, 403)
    if page.status_code == 302:
        assert "/accounts/login/" in page["Location"]
    upload.seek(0)
    api = api_for(persona).post("/api/v1/provisioning/batches/", {"file": upload}, format="multipart")
    assert api.status_code in (401, 403)
    assert not ProvisioningBatch.objects.exists()


@pytest.mark.parametrize("persona", ["li", None])
def test_a_batch_is_shown_only_to_the_province(client_for, api_for, congresses, tmp_path, persona):
    call_command("provision_townships", "--tree", "--workers", "1", str(write(tmp_path)))
    batch = ProvisioningBatch.objects.get()
    assert client_for(persona).get(f"/console/batches/{batch.pk}/").status_code in (302, 403)
    assert api_for(persona).get(f"/api/v1/provisioning/batches/{batch.pk}/").status_code in (401, 403)
    assert client_for("wang").get(f"/console/batches/{batch.pk}/").status_code == 200


def test_a_congress_host_has_no_batch_endpoint(api_for, congresses):
    upload = SimpleUploadedFile("tree.csv", TREE.encode(), content_type="text/csv")
    response = api_for("wang", "huaxi").post("/api/v1/provisioning/batches/", {"file": upload}, format="multipart")
    assert response.status_code == 404 and not ProvisioningBatch.objects.exists()


# -- the end of a batch: one notice for the whole file ---------------------------------------------------------


def _upload(client, text=TREE) -> ProvisioningBatch:
    upload = SimpleUploadedFile("tree.csv", text.encode("utf-8-sig"), content_type="text/csv")
    client.post("/console/batches/", {"file": upload})
    return ProvisioningBatch.objects.get()


def test_the_uploader_is_told_once_when_the_whole_batch_is_done(
    client_for, users, congresses, django_capture_on_commit_callbacks
):
    batch = _upload(client_for("wang"))
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_jobs("tenants.provision_congress")
    batch.refresh_from_db()
    assert batch.status == "finished" and batch.finished_at is not None
    assert list(batch.events.values_list("action", flat=True)) == ["finish"]
    notice = Notification.objects.get(kind="batch_finished")
    assert notice.user == users["wang"] and f"/console/batches/{batch.pk}/" in notice.url
    assert "全部完成" in notice.title and "已创建 5 个，已存在 1 个，失败 0 个。" in notice.body
    # Told once: a later sweep finds nothing to finish.
    resume_provisioning(timestamp=0)
    assert Notification.objects.filter(kind="batch_finished").count() == 1


def test_a_batch_with_failures_says_how_many_failed(
    client_for, congresses, monkeypatch, django_capture_on_commit_callbacks
):
    real = schemas.create_congress_schema
    monkeypatch.setattr(
        schemas, "create_congress_schema", lambda target: real(target) if target != "c520400000000" else 1 / 0
    )
    batch = _upload(client_for("wang"))
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_jobs("tenants.provision_congress")
    batch.refresh_from_db()
    notice = Notification.objects.get(kind="batch_finished")
    assert batch.status == "finished" and "4 个未能创建" in notice.title
    assert "已创建 1 个，已存在 1 个，失败 4 个。" in notice.body


def test_the_sweep_finishes_a_batch_whose_last_row_died_before_ending_it(client_for, congresses):
    batch = _upload(client_for("wang"))
    run_queued_jobs("tenants.provision_congress")  # outcomes committed; the after-commit step never ran
    batch.refresh_from_db()
    assert batch.status == "running" and not Notification.objects.filter(kind="batch_finished").exists()
    resume_provisioning(timestamp=0)
    batch.refresh_from_db()
    assert batch.status == "finished" and Notification.objects.filter(kind="batch_finished").count() == 1


def test_a_commands_batch_ends_without_a_notice(congresses, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("provision_townships", "--tree", "--workers", "1", str(write(tmp_path)))
    batch = ProvisioningBatch.objects.get()
    assert batch.status == "finished" and not Notification.objects.filter(kind="batch_finished").exists()
