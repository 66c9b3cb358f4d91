"""The whole-province backup and restore procedure (deploy/backup/*.sh), run for real: the test database and two
file folders backed up, restored into a fresh database and empty folders, and compared."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tenants.models import Congress
from tests.support import pg

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "deploy" / "backup"

pytestmark = pytest.mark.django_db


_url = pg.url


def _run(script: str, arg: Path, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PATH": f"{pg.bindir()}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run([SCRIPTS / script, arg], env=environment, capture_output=True, text=True, timeout=300)


def _catalog(url: str) -> dict:
    with psycopg.connect(url) as db:
        congresses = sorted(db.execute("SELECT division_code, schema_name FROM tenants_congress").fetchall())
        tables = dict(
            db.execute(
                "SELECT n.nspname, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'i', 'S') AND n.nspname NOT LIKE 'pg\\_%%'"
                " AND n.nspname <> 'information_schema' GROUP BY 1"
            ).fetchall()
        )
        users = db.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
        migrations = {
            schema: db.execute(f'SELECT count(*) FROM "{schema}".django_migrations').fetchone()[0]
            for _code, schema in congresses
        }
    return {"congresses": congresses, "tables": tables, "users": users, "migrations": migrations}


@pytest.fixture
def fresh_database():
    with pg.fresh_database() as name:
        yield name


def test_a_province_backed_up_is_restored_whole_into_a_fresh_database(congresses, tmp_path, fresh_database):
    source = {"MEDIA_ROOT": tmp_path / "media", "PRIVATE_STORAGE_ROOT": tmp_path / "private"}
    (source["MEDIA_ROOT"] / "photos").mkdir(parents=True)
    (source["MEDIA_ROOT"] / "photos" / "deputy.jpg").write_bytes(b"\xff\xd8photo")
    (source["PRIVATE_STORAGE_ROOT"] / "attachments").mkdir(parents=True)
    (source["PRIVATE_STORAGE_ROOT"] / "attachments" / "建议附件.pdf").write_bytes(b"%PDF-1.7 attachment")
    database = connection.settings_dict["NAME"]

    made = _run(
        "backup-province.sh", tmp_path / "backup", DATABASE_URL=_url(database), **{k: str(v) for k, v in source.items()}
    )
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
        "private.tar.gz",
    ]

    target = {"MEDIA_ROOT": tmp_path / "media2", "PRIVATE_STORAGE_ROOT": tmp_path / "private2"}
    restored = _run(
        "restore-province.sh",
        tmp_path / "backup",
        DATABASE_URL=_url(fresh_database),
        **{k: str(v) for k, v in target.items()},
    )
    assert restored.returncode == 0, restored.stderr
    before, after = _catalog(_url(database)), _catalog(_url(fresh_database))
    assert after == before
    assert {code for code, _schema in after["congresses"]} >= {c.division_code for c in congresses.values()}
    assert after["tables"][settings.CONGRESS_TEMPLATE_SCHEMA] == after["tables"][congresses["huaxi"].schema_name]
    assert (target["PRIVATE_STORAGE_ROOT"] / "attachments" / "建议附件.pdf").read_bytes() == b"%PDF-1.7 attachment"
    assert (target["MEDIA_ROOT"] / "photos" / "deputy.jpg").read_bytes() == b"\xff\xd8photo"
    assert Congress.objects.count() == len(after["congresses"])


def test_a_damaged_backup_is_refused_before_anything_is_written(congresses, tmp_path, fresh_database):
    folders = {"MEDIA_ROOT": str(tmp_path / "m"), "PRIVATE_STORAGE_ROOT": str(tmp_path / "p")}
    for folder in folders.values():
        Path(folder).mkdir()
    made = _run("backup-province.sh", tmp_path / "b", DATABASE_URL=_url(connection.settings_dict["NAME"]), **folders)
    assert made.returncode == 0, made.stderr
    with open(tmp_path / "b" / "private.tar.gz", "ab") as damaged:
        damaged.write(b"x")
    restored = _run("restore-province.sh", tmp_path / "b", DATABASE_URL=_url(fresh_database), **folders)
    assert restored.returncode != 0 and "private.tar.gz: FAILED" in restored.stdout + restored.stderr
    with psycopg.connect(_url(fresh_database)) as db:
        assert db.execute("SELECT to_regclass('public.tenants_congress')").fetchone()[0] is None
    # A backup never overwrites another.
    again = _run("backup-province.sh", tmp_path / "b", DATABASE_URL=_url(connection.settings_dict["NAME"]), **folders)
    assert again.returncode == 2 and "exists" in again.stderr
