"""Gunicorn configuration for Congress Cloud (人大代表服务云平台).

Start it from the checkout with:

    /srv/congress-cloud/venv/bin/gunicorn -c /srv/congress-cloud/app/deploy/gunicorn.conf.py

Every value can be changed through the environment (/etc/congress-cloud/env, see deploy/env.example),
so this file stays the same on every machine. Gunicorn also reads GUNICORN_CMD_ARGS; flags given
there override this file.
"""

import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    """An integer from the environment; a clear error instead of a traceback deep inside gunicorn."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {raw!r}.") from None


def _cores() -> int:
    """CPUs this process may run on (respects taskset/cgroup CPU sets), falling back to all CPUs."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not available on every platform
        return multiprocessing.cpu_count()


# --- Code -------------------------------------------------------------------------------------------
# Run from the checkout: settings derive BASE_DIR (templates, static sources, locale) from where
# config/settings.py lives, and the top-level platform/templates and platform/static directories
# only exist in the checkout. `chdir` puts the checkout (tenants, shared_apps, tenant_apps) first on
# sys.path and `pythonpath` adds platform/ (config, demo), so the checkout always wins over any copy
# installed into site-packages.
APP_DIR = Path(os.environ.get("CONGRESS_APP_DIR") or Path(__file__).resolve().parent.parent)
chdir = str(APP_DIR)
pythonpath = str(APP_DIR / "platform")
wsgi_app = "config.wsgi:application"
raw_env = ["DJANGO_SETTINGS_MODULE=config.settings"]
proc_name = "congress-web"

# Do NOT preload the application: each worker must build its own database connection pool after
# the fork. A pool (or socket) created in the master and inherited by several workers would share
# PostgreSQL sessions, and with them the search_path that selects a congress's schema.
preload_app = False

# --- Listening ----------------------------------------------------------------------------------------
# Loopback only: nginx in front terminates TLS. The app trusts X-Forwarded-Proto (Django's
# SECURE_PROXY_SSL_HEADER), so it must never be reachable except through nginx.
# A unix socket also works: GUNICORN_BIND=unix:/run/congress-cloud/web.sock
bind = [addr.strip() for addr in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if addr.strip()]
backlog = 2048

# --- Processes ----------------------------------------------------------------------------------------
# The classic sizing rule: 2 × cores + 1 processes.
workers = _int("GUNICORN_WORKERS", 2 * _cores() + 1)
# With threads > 1 gunicorn uses the gthread worker. Each busy thread holds one database connection
# from its process's pool, so keep DATABASE_POOL_MAX >= GUNICORN_THREADS, and size PostgreSQL's
# max_connections for workers × threads on every web machine, plus the procrastinate workers.
threads = _int("GUNICORN_THREADS", 2)
worker_class = "gthread" if threads > 1 else "sync"
# The workers' heartbeat files: keep them in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented choice

# --- Timeouts -----------------------------------------------------------------------------------------
# Requests are short: slow work (creating a congress's schema, refilling the spare pool) runs in the
# procrastinate worker. A worker silent for longer than `timeout` seconds is killed and restarted.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On restart/stop, workers get this long to finish the requests in flight.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds to hold an idle keep-alive connection (gthread only). nginx opens a new upstream connection
# per request in deploy/nginx/congress-cloud.conf, so this rarely matters.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# --- Recycling ----------------------------------------------------------------------------------------
# Restart each worker after about this many requests, to bound slow memory growth; the jitter keeps
# the workers from all restarting at the same moment. 0 disables recycling. Not too often: a new worker loads
# Django again and meets each of a province's 1,600 hosts afresh (one lookup each, tenants.middleware); at 1,000
# it restarted before it had met them all, and a congress's page ran at 0.6× the root's (bench/province.py).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# --- Proxy ------------------------------------------------------------------------------------------------
# Addresses allowed to set X-Forwarded-* headers that gunicorn itself honours (the request scheme).
# Only the local nginx. Use "*" only when the bind address is a unix socket reachable by nginx alone.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Control socket (gunicorn >= 25.1, for `gunicornc`) ----------------------------------------------
# gunicorn's default path, $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl, is shared by every
# instance of one user: a second instance takes the path over and deletes it when it exits. Each instance gets
# its own or none: GUNICORN_CONTROL_SOCKET if given; else the systemd unit's RuntimeDirectory= (/run/congress-web,
# named in RUNTIME_DIRECTORY), which is the instance's own; else no control socket.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
elif os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")
else:
    control_socket_disable = True

# --- Logging --------------------------------------------------------------------------------------------
# "-" is stdout/stderr, collected by journald under systemd.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address as nginx saw it, the Host (which congress was asked for), and the time taken in ms.
access_log_format = (
    '%({x-forwarded-for}i)s - %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" host=%({host}i)s rt=%(M)sms'
)
