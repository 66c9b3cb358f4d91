"""One congress backed up on its own and restored into a fresh database (manage.py backup_congress and
restore_congress, console.congress_backup), run for real in separate processes: the source is a copy of the test
database's committed state with a file and a profile added to Qingyan; the target holds only what `migrate`
makes."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.support import pg

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db
SCHEMAS = "SELECT nspname FROM pg_namespace WHERE nspname ~ '^c[0-9]{12}$'"  # congresses' (tenants.schemas)

ADD_TO_QINGYAN = """
from django.core.files.base import ContentFile
from django_tenants.utils import schema_context
from django.contrib.auth import get_user_model
User = get_user_model()
from django.utils import timezone
from tenant_apps.about.models import Profile
from tenant_apps.duty.models import Activity, DutyFile
from tenants.models import Congress
ma, li = User.objects.get(email="ma@example.org"), User.objects.get(email="li@example.org")
now = timezone.now()
with schema_context("{schema}"):
    activity = Activity.objects.create(kind="视察", kind_label="视察", title="调研", place="青岩", starts_at=now,
                                       ends_at=now + timezone.timedelta(hours=2), organiser="遵义市人大",
                                       origin_congress=Congress.objects.get(subdomain="zunyi"), created_by=li)
    DutyFile.objects.create(activity=activity, file=ContentFile(b"%PDF-1.7 minutes", name="会议纪要.pdf"),
                            name="会议纪要.pdf", uploaded_by=ma)
    Profile.objects.update_or_create(pk=1, defaults={{"address": "青岩镇政府", "updated_by": li}})
"""


def _manage(database: str, files: Path, *args) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": pg.url(database),
        "CONGRESS_PG_BINDIR": str(pg.bindir()),
        "MEDIA_ROOT": str(files / "media"),
        "PRIVATE_STORAGE_ROOT": str(files / "private"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def _rows(database: str, sql: str) -> list:
    with psycopg.connect(pg.url(database)) as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def databases():
    with pg.fresh_database() as source, pg.fresh_database() as target:
        pg.copy_committed_test_database(source)
        pg.copy_migrated_structure(target, settings.CONGRESS_TEMPLATE_SCHEMA)
        yield source, target


def test_one_congress_is_restored_alone_into_a_fresh_database(congresses, tmp_path, databases):
    source, target = databases
    qingyan = congresses["qingyan"].schema_name
    added = _manage(source, tmp_path / "a", "shell", "-c", ADD_TO_QINGYAN.format(schema=qingyan))
    assert added.returncode == 0, added.stderr
    made = _manage(source, tmp_path / "a", "backup_congress", "qingyan", str(tmp_path / "qingyan"))
    assert made.returncode == 0, made.stderr
    assert {p.name for p in (tmp_path / "qingyan").iterdir()} == {
        "SHA256SUMS",
        "manifest.json",
        "public.json",
        "schema.dump",
        "files",
    }

    restored = _manage(target, tmp_path / "b", "restore_congress", str(tmp_path / "qingyan"))
    assert restored.returncode == 0, restored.stderr
    # The congress answers as before; those above it, and Zunyi (the activity's origin), stand as archived
    # placeholders with no schema.
    assert _rows(target, "SELECT subdomain, status FROM tenants_congress ORDER BY division_code") == [
        ("guizhou", "archived"),
        ("guiyang", "archived"),
        ("huaxi", "archived"),
        ("qingyan", "active"),
        ("zunyi", "archived"),
    ]
    assert _rows(target, "SELECT domain FROM tenants_domain") == [("qingyan.congress.localhost",)]
    assert _rows(target, SCHEMAS) == [(qingyan,)]
    # Its schema whole: the file and the profile added, every table of the template.
    assert _rows(target, f'SELECT name, uploaded_by_id FROM "{qingyan}".duty_dutyfile') == _rows(
        source, f'SELECT name, uploaded_by_id FROM "{qingyan}".duty_dutyfile'
    )
    assert _rows(target, f'SELECT address FROM "{qingyan}".about_profile') == [("青岩镇政府",)]
    file_name = _rows(target, f'SELECT file FROM "{qingyan}".duty_dutyfile')[0][0]
    assert (tmp_path / "b" / "private" / file_name).read_bytes() == b"%PDF-1.7 minutes"
    # Its members, and the accounts its tables name (Ma uploaded the file, Li made the activity), with the same
    # ids and passwords; no one else's, and no membership of another congress.
    accounts = "SELECT id, email, password FROM accounts_user ORDER BY id"
    assert {row[1] for row in _rows(target, accounts)} == {
        "yang@example.org",
        "zhou@example.org",
        "ma@example.org",
        "li@example.org",
    }
    assert set(_rows(target, accounts)) <= set(_rows(source, accounts))
    memberships = (
        "SELECT u.email, c.subdomain, m.role FROM memberships_membership m JOIN accounts_user u ON u.id = m.user_id"
        " JOIN tenants_congress c ON c.id = m.congress_id ORDER BY 1"
    )
    assert _rows(target, memberships) == [
        ("yang@example.org", "qingyan", "deputy"),
        ("zhou@example.org", "qingyan", "congress_admin"),
    ]
    seats = (
        "SELECT d.name, c.subdomain FROM registry_seat s JOIN registry_deputy d ON d.id = s.deputy_id"
        " JOIN tenants_congress c ON c.id = s.congress_id"
    )
    assert _rows(target, seats) == [("杨秀英", "qingyan")]
    # New rows do not collide with the ids restored.
    assert _rows(
        target, "SELECT nextval(pg_get_serial_sequence('accounts_user', 'id')) > max(id) FROM accounts_user"
    ) == [(True,)]

    # Given again, it is refused and nothing changes.
    before = _rows(target, "SELECT count(*) FROM accounts_user UNION ALL SELECT count(*) FROM memberships_membership")
    again = _manage(target, tmp_path / "b", "restore_congress", str(tmp_path / "qingyan"))
    assert again.returncode != 0 and "Nothing was restored" in again.stderr
    assert (
        _rows(target, "SELECT count(*) FROM accounts_user UNION ALL SELECT count(*) FROM memberships_membership")
        == before
    )

    # The county above it, restored next, takes its placeholder's place; the accounts they share are kept.
    made = _manage(source, tmp_path / "a", "backup_congress", "520111000000", str(tmp_path / "huaxi"))
    assert made.returncode == 0, made.stderr
    restored = _manage(target, tmp_path / "b", "restore_congress", str(tmp_path / "huaxi"))
    assert restored.returncode == 0, restored.stderr
    assert _rows(target, "SELECT status FROM tenants_congress WHERE subdomain = 'huaxi'") == [("active",)]
    assert ("yang@example.org", "huaxi", "deputy") in _rows(target, memberships)
    assert len(_rows(target, "SELECT 1 FROM accounts_user WHERE email = 'yang@example.org'")) == 1


def test_a_damaged_or_unfit_backup_is_refused_before_anything_is_written(congresses, tmp_path, databases):
    source, target = databases
    made = _manage(source, tmp_path / "a", "backup_congress", "qingyan", str(tmp_path / "qingyan"))
    assert made.returncode == 0, made.stderr
    again = _manage(source, tmp_path / "a", "backup_congress", "qingyan", str(tmp_path / "qingyan"))
    assert again.returncode != 0 and "exists" in again.stderr
    # Into the database it came from: the congress exists there.
    refused = _manage(source, tmp_path / "a", "restore_congress", str(tmp_path / "qingyan"))
    assert refused.returncode != 0 and "exists already" in refused.stderr
    # Made by newer code (a migration this code does not know): refused, checksums and all in order.
    import hashlib
    import json

    newer = tmp_path / "newer"
    shutil.copytree(tmp_path / "qingyan", newer)
    manifest = json.loads((newer / "manifest.json").read_text())
    manifest["migrations"].append("about.9999_from_the_future")
    (newer / "manifest.json").write_text(json.dumps(manifest))
    sums = (newer / "SHA256SUMS").read_text().splitlines()
    digest = hashlib.sha256((newer / "manifest.json").read_bytes()).hexdigest()
    fixed = [f"{digest}  manifest.json" if line.endswith("  manifest.json") else line for line in sums]
    (newer / "SHA256SUMS").write_text("\n".join(fixed) + "\n")
    refused = _manage(target, tmp_path / "b", "restore_congress", str(newer))
    assert refused.returncode != 0 and "newer code" in refused.stderr and "about.9999_from_the_future" in refused.stderr
    with open(tmp_path / "qingyan" / "public.json", "ab") as damaged:
        damaged.write(b" ")
    refused = _manage(target, tmp_path / "b", "restore_congress", str(tmp_path / "qingyan"))
    assert refused.returncode != 0 and "public.json is damaged" in refused.stderr
    assert _rows(target, "SELECT count(*) FROM tenants_congress UNION ALL SELECT count(*) FROM accounts_user") == [
        (0,),
        (0,),
    ]
    assert _rows(target, SCHEMAS) == []
