"""Checks of the deployment files in deploy/: the nginx site parses, env.example documents every
variable the code reads, gunicorn.conf.py is a valid gunicorn configuration. No database needed."""

import datetime
import os
import re
import runpy
import shutil
import socket
import subprocess
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SETTINGS = REPO / "platform" / "config" / "settings.py"
ENV_EXAMPLE = DEPLOY / "env.example"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
NGINX_SITE = DEPLOY / "nginx" / "congress-cloud.conf"
SYSTEMD = DEPLOY / "systemd"

ROOT_DOMAIN = "congress.example.cn"
CERT_DIR = "/etc/ssl/congress-cloud/"
NGINX_LOG_DIR = "/var/log/nginx/"


# --- env.example ------------------------------------------------------------------------------------


def documented_variables() -> set[str]:
    """Names with a `NAME=value` or `#NAME=value` line in env.example."""
    pattern = re.compile(r"^#?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))


def test_env_example_documents_every_setting_variable():
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', SETTINGS.read_text("utf-8")))
    assert len(read) > 10, "the settings parser found suspiciously few variables"
    missing = sorted(read - documented_variables())
    assert not missing, f"deploy/env.example does not document: {', '.join(missing)}"


def test_env_example_documents_every_gunicorn_variable():
    source = GUNICORN_CONF.read_text(encoding="utf-8")
    read = set(re.findall(r'(?:environ\.get|_int)\(\s*"([A-Z0-9_]+)"', source))
    assert {"GUNICORN_BIND", "GUNICORN_WORKERS"} <= read
    missing = sorted(read - documented_variables())
    assert not missing, f"deploy/env.example does not document: {', '.join(missing)}"


def test_env_example_warns_about_transaction_pooling():
    text = ENV_EXAMPLE.read_text(encoding="utf-8").lower()
    assert "pgbouncer" in text
    assert "transaction" in text


# --- gunicorn.conf.py -----------------------------------------------------------------------------------


def load_gunicorn_conf() -> dict:
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_conf_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("RUNTIME_DIRECTORY", "/run/congress-web")
    conf = load_gunicorn_conf()
    assert conf["bind"] == ["127.0.0.1:9001"]
    assert conf["workers"] == 3
    assert conf["threads"] == 4
    assert conf["worker_class"] == "gthread"
    assert conf["wsgi_app"] == "config.wsgi:application"
    assert Path(conf["chdir"]) == REPO
    assert (Path(conf["pythonpath"]) / "config" / "wsgi.py").is_file()
    assert conf["control_socket"] == "/run/congress-web/gunicorn.ctl"


def test_gunicorn_conf_defaults(monkeypatch):
    for name in list(os.environ):
        if name.startswith("GUNICORN_") or name in ("CONGRESS_APP_DIR", "RUNTIME_DIRECTORY"):
            monkeypatch.delenv(name)
    conf = load_gunicorn_conf()
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] >= 3  # 2 × cores + 1
    assert conf["max_requests"] > 0
    assert conf["max_requests_jitter"] > 0
    assert conf["preload_app"] is False
    # No RuntimeDirectory, no path given: no control socket (gunicorn's default path is shared by all instances).
    assert conf["control_socket_disable"] is True and "control_socket" not in conf


def test_each_gunicorn_has_its_own_control_socket_or_none(monkeypatch):
    monkeypatch.delenv("RUNTIME_DIRECTORY", raising=False)
    monkeypatch.setenv("GUNICORN_CONTROL_SOCKET", "/run/congress-web-2/gunicorn.ctl")
    conf = load_gunicorn_conf()
    assert conf["control_socket"] == "/run/congress-web-2/gunicorn.ctl" and "control_socket_disable" not in conf


def test_gunicorn_conf_rejects_a_bad_integer(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "many")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS"):
        load_gunicorn_conf()


def test_gunicorn_accepts_every_setting(monkeypatch):
    """Gunicorn silently ignores unknown names in a config file, so check for typos and bad values."""
    gunicorn_config = pytest.importorskip("gunicorn.config")
    if "control_socket" in gunicorn_config.Config().settings:  # gunicorn >= 25.1
        monkeypatch.setenv("RUNTIME_DIRECTORY", "/run/congress-web")
    conf = load_gunicorn_conf()
    names = {
        name
        for name, value in conf.items()
        if name.islower()
        and not name.startswith("_")
        and not callable(value)
        and not isinstance(value, types.ModuleType)
    }
    cfg = gunicorn_config.Config()
    unknown = sorted(names - set(cfg.settings))
    assert not unknown, f"not gunicorn settings: {unknown}"
    for name in names:
        cfg.set(name, conf[name])  # runs gunicorn's own validators
    assert cfg.address  # the bind addresses parse


# --- systemd units --------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["congress-web.service", "congress-worker.service"])
def test_systemd_units_read_the_env_file(unit):
    text = (SYSTEMD / unit).read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/congress-cloud/env" in text
    assert "[Install]" in text


def test_worker_unit_runs_procrastinate():
    text = (SYSTEMD / "congress-worker.service").read_text(encoding="utf-8")
    assert re.search(r"^ExecStart=.*python manage\.py worker", text, re.MULTILINE)


# --- nginx ----------------------------------------------------------------------------------------------


def test_nginx_site_passes_host_through():
    text = NGINX_SITE.read_text(encoding="utf-8")
    assert "proxy_set_header Host $host;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert f"*.{ROOT_DOMAIN}" in text
    # nginx must let the largest legitimate upload through (with its form), so the platform answers it.
    from tenant_apps.liaison.services.submission import PHOTO_MAX_BYTES
    from tenant_apps.suggestions.attachments import MAX_BYTES

    limit_mb = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    assert limit_mb * 1024 * 1024 >= max(MAX_BYTES, 4 * PHOTO_MAX_BYTES) + 1024 * 1024


def find_nginx() -> str | None:
    return shutil.which("nginx")


def write_self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for ROOT_DOMAIN and *.ROOT_DOMAIN; skip if it can't be made."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    names = [ROOT_DOMAIN, f"*.{ROOT_DOMAIN}"]
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("need the cryptography package or the openssl CLI to make a test certificate")
        result = subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                f"/CN={ROOT_DOMAIN}",
                "-addext",
                "subjectAltName=" + ",".join(f"DNS:{name}" for name in names),
                "-keyout",
                str(key_path),
                "-out",
                str(cert_path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            pytest.skip(f"openssl could not make a test certificate: {result.stderr.strip()}")
        return cert_path, key_path

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ROOT_DOMAIN)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def nginx_main_conf(tmp_path: Path, nginx: str, site: Path) -> str:
    """A complete nginx.conf that keeps every file nginx touches inside tmp_path."""
    configure = subprocess.run([nginx, "-V"], capture_output=True, text=True, check=False).stderr
    temp_paths = [f"client_body_temp_path {tmp_path / 'temp' / 'client_body'};"]
    temp_paths.append(f"proxy_temp_path {tmp_path / 'temp' / 'proxy'};")
    for module in ("fastcgi", "uwsgi", "scgi"):
        if f"--without-http_{module}_module" not in configure:
            temp_paths.append(f"{module}_temp_path {tmp_path / 'temp' / module};")
    mime_types = next(
        (path for path in (Path("/etc/nginx/mime.types"), Path("/usr/local/etc/nginx/mime.types")) if path.is_file()),
        None,
    )
    types_block = (
        f"include {mime_types};" if mime_types else "types { text/html html; text/css css; application/javascript js; }"
    )
    newline = "\n    "
    return f"""
pid {tmp_path / "nginx.pid"};
error_log {tmp_path / "logs" / "error.log"};

events {{
    worker_connections 64;
}}

http {{
    {types_block}
    default_type application/octet-stream;
    access_log {tmp_path / "logs" / "access.log"};
    {newline.join(temp_paths)}

    include {site};
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ipv6_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


def movable_listen_ports(site_text: str) -> str:
    """`nginx -t` binds the listen addresses: move 80/443 to free high ports so the check works without
    root and next to a running web server, and drop IPv6 listeners where the machine has no IPv6."""
    ports = {"80": str(free_port()), "443": str(free_port())}
    site_text = re.sub(r"(listen\s+(?:\[::\]:)?)(80|443)\b", lambda match: match[1] + ports[match[2]], site_text)
    if not ipv6_available():
        site_text = re.sub(r"^\s*listen\s+\[::\]:.*$", "", site_text, flags=re.MULTILINE)
    return site_text


def test_nginx_accepts_the_site(tmp_path):
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not on PATH; install it (apt-get install nginx-light) to check the site file")
    cert, key = write_self_signed_cert(tmp_path / "ssl")
    (tmp_path / "logs").mkdir()
    (tmp_path / "temp").mkdir()

    site_text = NGINX_SITE.read_text(encoding="utf-8")
    assert f"{CERT_DIR}fullchain.pem" in site_text
    assert f"{CERT_DIR}privkey.pem" in site_text
    site_text = site_text.replace(f"{CERT_DIR}fullchain.pem", str(cert))
    site_text = site_text.replace(f"{CERT_DIR}privkey.pem", str(key))
    site_text = site_text.replace(NGINX_LOG_DIR, f"{tmp_path / 'logs'}/")
    site_text = movable_listen_ports(site_text)
    site = tmp_path / "congress-cloud.conf"
    site.write_text(site_text, encoding="utf-8")

    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_main_conf(tmp_path, nginx, site), encoding="utf-8")

    command = [nginx, "-t", "-p", f"{tmp_path}/", "-c", str(conf)]
    # -e (nginx >= 1.19.5) keeps even the start-up error log out of the system's /var/log/nginx.
    result = subprocess.run([*command, "-e", str(tmp_path / "logs" / "startup.log")], capture_output=True, text=True)
    if result.returncode != 0 and "invalid option" in result.stderr:
        result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, f"nginx -t failed:\n{result.stderr}\n--- nginx.conf ---\n{conf.read_text()}"
