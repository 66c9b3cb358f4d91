"""Deploy checks of a running instance (`manage.py check --deploy`): `check_storage` refuses a MEDIA_ROOT or
PRIVATE_STORAGE_ROOT the process cannot write, and a private folder inside the public one. The systemd units may
write exactly those two folders (deploy/systemd), and an upload must not be the first to find out."""

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register


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
