"""What a load balancer and an operator ask of a running instance.

- `HealthMiddleware` answers `GET /healthz` on any host name (a load balancer may probe by address), before
  anything else runs (no HTTPS redirect, no host routing, no session): 200 `{"status": "ok"}` when the database
  answers a trivial query, else 503 `{"status": "unavailable"}` with Retry-After — never a 500.
- `check_storage` (a deploy check: `manage.py check --deploy`) refuses a MEDIA_ROOT or PRIVATE_STORAGE_ROOT the
  process cannot write, and a private folder inside the public one: the systemd units may write exactly those
  two folders (deploy/systemd), and an upload must not be the first to find out.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connection
from django.http import JsonResponse

PATH = "/healthz"
RETRY_AFTER_SECONDS = 5


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        else:
            response = JsonResponse({"status": "ok", "database": "ok"})
        response["Cache-Control"] = "no-store"
        return response


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


@register(Tags.files, deploy=True)
def check_storage(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    media, private = Path(settings.MEDIA_ROOT).resolve(), Path(settings.PRIVATE_STORAGE_ROOT).resolve()
    for name, path in (("MEDIA_ROOT", media), ("PRIVATE_STORAGE_ROOT", private)):
        if not _writable(path):
            errors.append(
                Error(
                    f"{name} ({path}) cannot be written by this process.",
                    hint="Create it for the service's user, and let the systemd units write it (ReadWritePaths).",
                    id="congress.E001",
                )
            )
    if private == media or media in private.parents:
        errors.append(
            Error(
                f"PRIVATE_STORAGE_ROOT ({private}) lies inside MEDIA_ROOT ({media}), which nginx serves.",
                hint="Keep private files outside every folder a web server serves.",
                id="congress.E002",
            )
        )
    return errors
