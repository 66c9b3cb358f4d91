"""The browser suite: the demo province served as `python3 dev.py up` serves it — a real server and the
background worker on a database of its own, seeded by `seed_demo` — walked in Debian's Chromium through
Playwright at phone (390×844) and desktop (1280×900) width, as the personas would.

Every page a journey opens is held to the same rules (`Walk.check`): no console error, no failed request, no
5xx, nothing wider than the viewport, no axe-core violation of WCAG 2.1 A/AA; each step leaves a screenshot in
SCREENSHOTS (kept by CI as an artefact). These tests use no pytest-django database: the server owns its own.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".local" / "browser-screenshots"
CHROMIUM = os.environ.get("CONGRESS_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Demo@2026"  # platform/demo/data.py
DOMAIN = "congress.localhost"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(name: str) -> tuple[str, str]:
    """(the server's maintenance URL, the URL of database `name` on it), from the test settings' database."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    base = f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"{base}/postgres", f"{base}/{name}"


@dataclass
class DemoSite:
    port: int
    sms_dir: Path
    processes: list = field(default_factory=list)

    def url(self, subdomain: str | None = None, path: str = "/") -> str:
        host = f"{subdomain}.{DOMAIN}" if subdomain else DOMAIN
        return f"http://{host}:{self.port}{path}"

    def sms_texts(self) -> list[str]:
        return [p.read_text(encoding="utf-8") for p in sorted(self.sms_dir.glob("*.txt"))]


def _wait_for(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the demo server exited with {server.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the demo server did not start")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The demo province on a fresh database `<test database>_browser`, served with its worker."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `python3 dev.py test` installs Debian's chromium.")
    name = f"{settings.DATABASES['default']['NAME']}_browser"
    admin_url, url = _database_url(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    port = _free_port()
    work = tmp_path_factory.mktemp("demo")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "ROOT_DOMAIN": DOMAIN,
        "SITE_PORT": str(port),
        "USE_HTTPS": "0",
        "SMS_BACKEND": "shared_apps.accounts.sms.FileSmsSender",
        "SMS_FILE_PATH": str(work / "sms"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PRIVATE_STORAGE_ROOT": str(work / "private"),
        "MEDIA_ROOT": str(work / "media"),
        # As in `dev.py up`: the demo's staff sign in with the printed passwords only. The second factor has a
        # journey of its own (a congress asking it of its deputies: test_security.py).
        "MFA_REQUIRED_ROLES": "none",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for step in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True, capture_output=True)
    site = DemoSite(port=port, sms_dir=work / "sms")
    logs = (work / "server.log").open("w"), (work / "worker.log").open("w")
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        env=env,
        cwd=ROOT,
        stdout=logs[0],
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen([*manage, "worker"], env=env, cwd=ROOT, stdout=logs[1], stderr=subprocess.STDOUT)
    site.processes = [server, worker]
    try:
        _wait_for(port, server)
        yield site
    finally:
        for process in site.processes:
            process.terminate()
        for process in site.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


@pytest.fixture(autouse=True)
def _public_schema():
    """Overrides the suite's autouse fixture of that name: these tests use no test database (and Playwright's
    event loop would make Django refuse database calls in this thread)."""
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded one; the flags this machine's closed network needs."""
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": flags}


@pytest.fixture(scope="session", autouse=True)
def _screenshots():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


class Walk:
    """One persona's walk in one browser context at one width: records every console error, failed request
    and 5xx answer; `check` holds the current page to the suite's rules and saves its screenshot."""

    def __init__(self, context, site: DemoSite, journey: str, size: str):
        self.context, self.site, self.journey, self.size = context, site, journey, size
        self.page = context.new_page()
        self.problems: list[str] = []
        self.step = 0
        self.page.on("console", self._console)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        # A refused form comes back as its page with status 400 (what was typed kept): Chromium logs that
        # answer as an error, which is the journey going as planned; every other console error counts.
        if message.type == "error" and "status of 400" not in message.text:
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _failed(self, request) -> None:
        # ERR_ABORTED is the browser dropping a request because the page moved on (a form posted while the
        # favicon was still loading): not a fault of the site. Every other failure counts.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed request {request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} from {response.url}")

    def open_menu(self) -> None:
        """On a phone the menu folds behind ☰: open it (as a finger, or Space on the focused box, would)."""
        if self.size == "phone":
            self.page.click("label.nav-toggle-label")

    def go(self, subdomain: str | None, path: str = "/"):
        self.page.goto(self.site.url(subdomain, path))
        return self.page

    def sign_in(self, email: str, subdomain: str | None = None) -> None:
        self.go(subdomain, "/accounts/login/")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state()

    def check(self, name: str) -> None:
        """The page as it stands: no problem recorded so far, nothing wider than the viewport, no axe
        violation; then its screenshot."""
        page = self.page
        page.wait_for_load_state()
        self.step += 1
        page.screenshot(
            path=str(SCREENSHOTS / f"{self.journey}-{self.size}-{self.step:02d}-{name}.png"), full_page=True
        )
        assert not self.problems, self.problems
        wide = page.evaluate(OVERFLOW_JS)
        assert not wide, f"{name}: wider than the viewport: {wide}"
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = [
            f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response.get("violations", [])
        ]
        assert not violations, f"{name} at {page.url}: {violations}"


# Elements sticking out past the viewport's right edge, unless a scrolling box (a wide table's wrapper) holds them.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  if (document.documentElement.scrollWidth > width + 1) out.push('page scrolls sideways');
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !clipped(el)) out.push(el.tagName + '.' + el.className);
    if (out.length > 5) break;
  }
  return out;
}"""


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture
def walk_as(browser, demo_site, size, request):
    """walk_as(journey) → a new Walk (own cookies) at this test's width; closed at the end of the test."""
    contexts = []

    def make(journey: str) -> Walk:
        context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
        contexts.append(context)
        return Walk(context, demo_site, journey, size)

    yield make
    for context in contexts:
        context.close()
