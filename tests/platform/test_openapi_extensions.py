"""The schema's extensions are loaded when the WSGI application is, not by the first schema requests: two threads
loading them at once raced, and one of them answered 500 (seen under load in tests/test_faults_db.py)."""

import importlib

from drf_spectacular.plumbing import OpenApiGeneratorExtension


def test_the_wsgi_entry_point_leaves_no_extension_to_load_on_a_request():
    importlib.reload(importlib.import_module("config.wsgi"))
    families = OpenApiGeneratorExtension.__subclasses__()
    extensions = [extension for family in families for extension in family._registry]
    assert len(families) >= 5 and len(extensions) >= 30  # drf-spectacular's own and the contributed ones
    assert not [e.__name__ for e in extensions if isinstance(e.target_class, str)]
