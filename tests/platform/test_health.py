"""The load balancer's probe and the deploy checks of the storage folders."""

from pathlib import Path

from django.db import OperationalError
from django.test import Client

from console.checks import check_storage


def test_the_probe_answers_on_any_host_without_a_redirect(db):
    for host in ("10.0.0.7", "congress.localhost", "huaxi.congress.localhost", "nowhere.example"):
        response = Client(HTTP_HOST=host).get("/healthz")
        assert response.status_code == 200, host
        assert response.json() == {"status": "ok", "database": "ok"}
        assert response["Cache-Control"] == "no-store"
        assert "sessionid" not in response.cookies


def test_the_probe_says_503_with_retry_after_when_the_database_does_not_answer(db, monkeypatch):
    from config import health

    class Down:
        def cursor(self):
            raise OperationalError("the connection is lost")

    monkeypatch.setattr(health, "connection", Down())
    response = Client(HTTP_HOST="10.0.0.7").get("/healthz")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["status"] == "unavailable"


def test_other_paths_and_methods_go_on_as_before(client):
    assert Client(HTTP_HOST="congress.localhost").post("/healthz").status_code != 200


def test_the_deploy_check_refuses_unwritable_or_public_private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    assert check_storage() == []
    # A folder that cannot be made (under a file): refused whoever runs it, root included.
    (tmp_path / "a-file").write_text("x")
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "a-file" / "private"
    assert [e.id for e in check_storage()] == ["congress.E001"]
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "media" / "private"
    assert [e.id for e in check_storage()] == ["congress.E002"]


def test_the_units_may_write_exactly_the_folders_env_example_names():
    import re

    root = Path(__file__).resolve().parents[2]
    env = (root / "deploy" / "env.example").read_text(encoding="utf-8")
    folders = {
        name: re.search(rf"^{name}=(\S+)$", env, re.M).group(1) for name in ("MEDIA_ROOT", "PRIVATE_STORAGE_ROOT")
    }
    for unit in ("congress-web.service", "congress-worker.service"):
        text = (root / "deploy" / "systemd" / unit).read_text(encoding="utf-8")
        writable = set(re.search(r"^ReadWritePaths=(.+)$", text, re.M).group(1).split())
        assert writable == set(folders.values()), unit
    assert not folders["PRIVATE_STORAGE_ROOT"].startswith(folders["MEDIA_ROOT"].rstrip("/") + "/")
