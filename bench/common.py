"""What the measurement scripts share: Django set up from DATABASE_URL, a bench chain of congresses provisioned
through the service, and a timer. Run the scripts from the repository root (`python bench/<name>.py`)."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(script: str) -> None:
    """Django for a bench script, against DATABASE_URL (refused without it: a bench never guesses a database)."""
    if not os.environ.get("DATABASE_URL"):
        sys.exit(f"bench/{script}: DATABASE_URL is not set.")
    for path in (ROOT, ROOT / "platform"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    import logging

    logging.getLogger("tenants.schemas").setLevel(logging.WARNING)


def provision_chain(chain):
    """Provision (tier, code, subdomain, name) from the top down with provision_now; returns the last congress."""
    from console.services import provision_now
    from console.specs import CongressSpec

    parent = None
    for tier, code, subdomain, name in chain:
        spec = CongressSpec(tier=tier, parent=parent, division_code=code, name=name, subdomain=subdomain)
        request = provision_now(access=None, spec=spec, source="cli", actor_label="bench")
        if request.status != "succeeded":
            sys.exit(f"[bench] could not provision {code}: {request.error}")
        parent = request.congress
    return parent


def timed(func, runs: int) -> list[float]:
    """Milliseconds of `runs` calls of `func`, after one untimed warm-up call."""
    func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return samples
