"""A PostgreSQL cluster of a test's own, made by initdb in a temporary directory, for fault tests that stop and
restart the server: never the suite's cluster and never a system one. It runs the binaries the suite's server
came from (CONGRESS_PG_BINDIR, which dev.py sets), else the newest system ones; as root, as the unprivileged user
dev.py runs its cluster as (PostgreSQL refuses root)."""

import contextlib
import os
import runpy
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from tests.support import pg

ROOT = Path(__file__).resolve().parents[2]
DEV = runpy.run_path(str(ROOT / "dev.py"), run_name="congress_dev")
FIRST_PORT = 56432
OPTIONS = "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=100"


def binaries() -> Path:
    named = os.environ.get("CONGRESS_PG_BINDIR")
    found = Path(named) if named else DEV["system_bindir"]()
    if found is None or not (found / "initdb").exists():
        pytest.skip("no initdb: set CONGRESS_PG_BINDIR to a PostgreSQL bin directory")
    return found


class Throwaway:
    """One cluster with one database, `congress`; `stop()`/`start()` are a restart as an operator makes one."""

    database = "congress"

    def __init__(self, home: Path):
        owner = DEV["cluster_owner"]()
        self.cluster = DEV["Cluster"](bindir=binaries(), home=DEV["owned_dir"](home, owner), owner=owner)
        # From a random place (not `random`: pytest-randomly seeds it alike in every xdist worker).
        self.cluster.port_file.write_text(f"{DEV['free_port'](FIRST_PORT + secrets.randbelow(2000))}\n")
        base = ["-D", str(self.cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
        code, output = self.cluster.tool("initdb", *base, "--no-locale")
        assert code == 0, output
        self.start()
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')

    @property
    def port(self) -> int:
        return self.cluster.port

    def url(self, database: str | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database or self.database}"

    def start(self) -> None:
        log = str(self.cluster.home / "log")
        data = str(self.cluster.data)
        code, output = self.cluster.tool(
            "pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", log, "-o", f"-p {self.port} {OPTIONS}"
        )
        assert code == 0, output + self.cluster.log_tail()

    def stop(self, mode: str = "fast") -> None:
        code, output = self.cluster.tool("pg_ctl", "stop", "-D", str(self.cluster.data), "-m", mode, "-w")
        assert code == 0, output

    def answers(self) -> bool:
        try:
            with psycopg.connect(self.url(), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def load_committed_test_database(self) -> None:
        """What the suite's test database holds committed (its congresses and personas), copied in."""
        tools = pg.bindir()
        dump = subprocess.run(
            [tools / "pg_dump", "--format=custom", "--dbname", pg.test_database_url()], capture_output=True, check=True
        )
        subprocess.run(
            [self.cluster.bindir / "pg_restore", "--no-owner", "--exit-on-error", "--dbname", self.url()],
            input=dump.stdout,
            capture_output=True,
            check=True,
        )

    def destroy(self) -> None:
        with contextlib.suppress(AssertionError):
            self.stop("immediate")
        shutil.rmtree(self.cluster.home, ignore_errors=True)


@contextlib.contextmanager
def throwaway_cluster():
    home = Path(tempfile.mkdtemp(prefix="congress-fault-pg-", dir="/var/tmp"))  # its owner must reach it
    cluster = None
    try:
        cluster = Throwaway(home)
        yield cluster
    finally:
        if cluster is not None:
            cluster.destroy()
        shutil.rmtree(home, ignore_errors=True)


def wait_until(predicate, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until `predicate()` held, or None if it did not within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(step)
    return None
