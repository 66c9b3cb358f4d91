#!/usr/bin/env python3
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # The Django project lives in platform/config (platform/ itself is not a package: see README).
    sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
