"""The platform as production runs it — gunicorn from deploy/gunicorn.conf.py (DEBUG off) and `manage.py worker` —
against a throwaway PostgreSQL cluster, for fault tests and the recovery benchmark: kill and restart things, then
look at what the clients saw and what the database holds."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from tests.support.throwaway_pg import Throwaway, throwaway_cluster

ROOT = Path(__file__).resolve().parents[2]
ROOT_DOMAIN = "congress.localhost"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def platform_env(database_url: str, base: Path, **extra: str) -> dict[str, str]:
    for name in ("media", "private", "run"):
        (base / name).mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "USE_HTTPS": "0",
        "ROOT_DOMAIN": ROOT_DOMAIN,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "fault-test-key"),
        "MFA_REQUIRED_ROLES": "none",
        "MEDIA_ROOT": str(base / "media"),
        "PRIVATE_STORAGE_ROOT": str(base / "private"),
        "RUNTIME_DIRECTORY": str(base / "run"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


class Process:
    """A child whose output goes to a file, read back for assertions and failure messages."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path):
        self.log = log
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 30) -> None:
        if self.alive():
            self.popen.terminate()
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


def start_web(env: dict[str, str], base: Path, workers: int = 2, threads: int = 2) -> tuple[Process, int]:
    port = free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_ACCESS_LOG": str(base / "access.log"),
    }
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
    web = Process(command, env, base / "gunicorn.log")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert web.alive(), web.output()[-3000:]
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return web, port
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer: " + web.output()[-3000:])


def start_worker(env: dict[str, str], base: Path) -> Process:
    return Process([sys.executable, "manage.py", "worker"], env, base / "worker.log")


@dataclass
class Answer:
    started: float
    ended: float
    host: str
    path: str
    status: int  # 0: no HTTP answer at all (connection refused or dropped)


@dataclass
class Load:
    """Clients asking for pages in a loop on their own threads, each answer recorded with the time it was asked."""

    port: int
    pages: list[tuple[str, str]]
    clients: int = 4
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(self.clients)]

    def _client(self, n: int) -> None:
        session = requests.Session()
        i = n
        while not self._stop.is_set():
            host, path = self.pages[i % len(self.pages)]
            i += 1
            started = time.monotonic()
            try:
                response = session.get(
                    f"http://127.0.0.1:{self.port}{path}", headers={"Host": host}, allow_redirects=False, timeout=30
                )
                status = response.status_code
            except requests.RequestException:
                status = 0
            with self._lock:
                self.answers.append(Answer(started, time.monotonic(), host, path, status))
            if status in (0, 503):
                time.sleep(0.05)  # as a browser would not hammer a page that said "come back shortly"

    def __enter__(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def since(self, moment: float) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.started >= moment]

    def until(self, moment: float) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.ended < moment]

    def between(self, start: float, end: float) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if start <= a.started < end]


def defer_job(database_url: str, task: str, args: dict, queue: str, in_seconds: float = 0) -> int:
    """Queue a job with procrastinate's own SQL function, from outside the platform (as any client of the queue)."""
    import json

    with psycopg.connect(database_url, autocommit=True) as db:
        row = db.execute(
            "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(%s, %s, 0, NULL, NULL, %s::jsonb,"
            " now() + make_interval(secs => %s))::procrastinate_job_to_defer_v1]))",
            (queue, task, json.dumps(args), in_seconds),
        ).fetchone()
        assert row is not None
        return row[0]


def job_status(database_url: str, job_id: int) -> str:
    try:
        with psycopg.connect(database_url, connect_timeout=2) as db:
            row = db.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", (job_id,)).fetchone()
    except psycopg.OperationalError:
        return "unknown"
    return row[0] if row else "missing"


@dataclass
class Stack:
    cluster: Throwaway
    web: Process
    port: int
    worker: Process | None


@contextlib.contextmanager
def loaded_cluster(django_db_blocker):
    """A throwaway cluster holding what the suite's test database holds committed."""
    with throwaway_cluster() as cluster:
        with django_db_blocker.unblock():
            cluster.load_committed_test_database()
        yield cluster


@contextlib.contextmanager
def platform_on_throwaway(base: Path, django_db_blocker, *, worker: bool):
    """gunicorn (2 workers × 2 threads), and the worker if asked, serving a loaded throwaway cluster."""
    with loaded_cluster(django_db_blocker) as cluster:
        env = platform_env(cluster.url(), base)
        web, port = start_web(env, base)
        background = start_worker(env, base) if worker else None
        try:
            yield Stack(cluster, web, port, background)
        finally:
            for process in (background, web):
                if process is not None:
                    process.stop()
