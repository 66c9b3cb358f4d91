import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# After setup, before any request thread: see its docstring.
from config.openapi import load_extensions  # noqa: E402

load_extensions()
