"""Fixtures of the registry tests: the open term of 花溪区 with its constituencies, and a private storage of the
test's own for roster uploads."""

import pytest

from shared_apps.registry import services
from shared_apps.registry.models import Term, TermStatus
from tests.support.registry import PLACES


@pytest.fixture
def private_storage(settings, tmp_path):
    """MEDIA_ROOT and the private storage (where roster uploads wait) in the test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


@pytest.fixture
def term(congresses) -> Term:
    """花溪区's open term."""
    return Term.objects.get(congress=congresses["huaxi"], status=TermStatus.OPEN)


@pytest.fixture
def places(term):
    """The open term's constituencies, PLACES."""
    return [services.constituency_get_or_create(term, name) for name in PLACES]
