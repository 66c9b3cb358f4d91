"""A production smoke test: gunicorn from deploy/gunicorn.conf.py with production settings (DEBUG off, HTTPS behind
the proxy's header) serving a copy of the test database, as the systemd unit runs it — an unprivileged user
that may write exactly what `congress-web.service` allows (ReadWritePaths: MEDIA_ROOT and PRIVATE_STORAGE_ROOT;
its own /tmp, /dev/shm and runtime directory) on an otherwise read-only system (ProtectSystem=strict). An office
uploads a roster, a photo and a document, and reads them back.

As root (CI, this machine) the unit's confinement is rebuilt in a private mount namespace and the server runs as
`nobody`; as another user it runs as that user without the read-only system (the settings are still production's).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests

from tests.support import pg
from tests.support.duty import activity_data
from tests.support.images import image_bytes
from tests.support.personas import PASSWORD
from tests.support.registry import XLSX, people, xlsx

ROOT = Path(__file__).resolve().parent.parent
HOST = "huaxi.congress.localhost"
SRV = "/srv/congress-cloud"

pytestmark = pytest.mark.django_db

# The unit's confinement, rebuilt by root in a private mount namespace before dropping to `nobody`.
CONFINE = f"""
set -eu
mount -t tmpfs -o mode=0755 tmpfs /srv
mkdir -p {SRV}/app {SRV}/media {SRV}/private {SRV}/run
mount --bind "$SMOKE_APP" {SRV}/app && mount -o remount,bind,ro {SRV}/app
for name in media private run; do mount --bind "$SMOKE_BASE/$name" {SRV}/$name; done
mount -o remount,ro /srv
mount -o remount,bind,ro /
for dir in /tmp /var/tmp /dev/shm; do mount -t tmpfs -o mode=1777 tmpfs "$dir"; done
cd {SRV}/app
exec setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs \\
    {SRV}/app/.venv/bin/python -m gunicorn --config {SRV}/app/deploy/gunicorn.conf.py
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _confined() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None and shutil.which("setpriv") is not None


class Server:
    """gunicorn as the unit runs it; `base` holds media/, private/ and run/ as seen from outside."""

    def __init__(self, database: str, base: Path):
        self.port = _free_port()
        self.base = base
        for name in ("media", "private", "run"):
            (base / name).mkdir(mode=0o750)
            if _confined():
                os.chown(base / name, 65534, 65534)
        inside = Path(SRV) if _confined() else base
        env = {
            **os.environ,
            "DATABASE_URL": pg.url(database),
            "DJANGO_DEBUG": "0",
            "USE_HTTPS": "1",
            "MFA_REQUIRED_ROLES": "none",  # the personas have no authenticator; the second factor is not tested here
            "MEDIA_ROOT": str(inside / "media"),
            "PRIVATE_STORAGE_ROOT": str(inside / "private"),
            "RUNTIME_DIRECTORY": str(inside / "run"),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
            "GUNICORN_ACCESS_LOG": "-",
            "SMOKE_APP": str(ROOT),
            "SMOKE_BASE": str(base),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if _confined():
            command = ["unshare", "--mount", "--propagation", "private", "sh", "-c", CONFINE]
        else:
            command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
        self.log = base / "gunicorn.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer: " + self.log.read_text()[-3000:])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Office:
    """An office worker's browser behind the HTTPS proxy: secure cookies kept by hand (the hop is plain HTTP)."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.session = requests.Session()

    def call(self, method: str, path: str, *, token: str = "", session: bool = True, **kwargs) -> requests.Response:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Referer": f"https://{HOST}{path}"}
        headers["Origin"] = f"https://{HOST}"
        if token:
            headers["Authorization"] = f"Token {token}"
        elif self.cookies and session:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.session.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        self.session.cookies.clear()
        return response

    def csrf(self) -> str:
        return next(v for k, v in self.cookies.items() if k.endswith("csrftoken"))

    def post_form(self, path: str, data: dict, files: dict | None = None) -> requests.Response:
        return self.call("POST", path, data={"csrfmiddlewaretoken": self.csrf(), **data}, files=files)


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_the_platform_runs_as_its_unit_and_keeps_what_an_office_uploads(congresses, tmp_path):
    (tmp_path / "srv").mkdir(mode=0o755)
    with pg.fresh_database() as database:
        pg.copy_committed_test_database(database)
        server = Server(database, tmp_path / "srv")
        try:
            _office_uploads_and_reads_back(server, database)
        finally:
            server.stop()
    log = server.log.read_text()
    assert "Traceback" not in log, log[-3000:]
    assert '" 500 ' not in log


def _office_uploads_and_reads_back(server: Server, database: str) -> None:
    office = Office(server.port)
    # Production settings: no debug page, cookies only over HTTPS (nginx sends plain HTTP to HTTPS).
    missing = office.call("GET", "/no-such-page/")
    assert missing.status_code == 404 and "Traceback" not in missing.text and "DEBUG" not in missing.text
    login_page = office.call("GET", "/accounts/login/")
    assert login_page.status_code == 200 and "Secure" in login_page.headers["Set-Cookie"]
    signed_in = office.post_form("/accounts/login/", {"login": "zhang@example.org", "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.text[:2000]

    # A roster: previewed (the file waits in private storage), then committed from there.
    assert office.call("GET", "/registry/roster/").status_code == 200
    roster = xlsx(people(9100, 3))
    preview = office.post_form(
        "/registry/roster/preview/",
        {"allow_new_constituencies": "on"},
        files={"file": ("名册.xlsx", roster, XLSX)},
    )
    assert preview.status_code == 200, preview.text[:2000]
    waiting = _files_under(server.base / "private")
    assert [p.read_bytes() for p in waiting] == [roster]
    if _confined():
        assert {p.stat().st_uid for p in waiting} == {65534}  # written by the unprivileged server
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    committed = office.post_form("/registry/roster/commit/", {"token": token})
    assert committed.status_code in (200, 302), committed.text[:2000]
    with psycopg.connect(pg.url(database)) as db:
        names = {n for (n,) in db.execute("SELECT name FROM registry_deputy WHERE name LIKE '代表91%%'")}
    assert names == {"代表9100", "代表9101", "代表9102"}

    # A photo and a document of an activity, through the API; read back through the page that serves them.
    credentials = {"email": "zhang@example.org", "password": PASSWORD}
    issued = office.call("POST", "/api/v1/auth/token/", session=False, json=credentials)
    assert issued.status_code == 201, issued.text[:2000]
    api_token = issued.json()["token"]
    activity = office.call("POST", "/api/v1/duty/activities/", token=api_token, json=activity_data()).json()
    photo, document = image_bytes("png"), b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    stored = []
    for name, content, kind in (("现场.png", photo, "image/png"), ("纪要.pdf", document, "application/pdf")):
        uploaded = office.call(
            "POST",
            f"/api/v1/duty/activities/{activity['id']}/files/",
            token=api_token,
            files={"file": (name, content, kind)},
        )
        assert uploaded.status_code == 201, uploaded.text[:2000]
        stored.append(uploaded.json()["id"])
    read_back = [office.call("GET", f"/duty/files/{pk}/") for pk in stored]
    assert [r.status_code for r in read_back] == [200, 200]
    assert read_back[1].content == document and read_back[0].headers["Content-Type"].startswith("image/")
    # Where they landed: the private folder, nowhere the web server serves.
    assert len(_files_under(server.base / "private" / "duty")) == 2
    assert _files_under(server.base / "media") == []
