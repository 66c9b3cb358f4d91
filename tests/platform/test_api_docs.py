"""The API docs page loads Swagger UI from the platform itself (drf-spectacular-sidecar), never from a public
CDN: government intranets often have no internet (issue 12, defect 7)."""

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.parametrize("host", [None, "huaxi"])
def test_the_docs_page_loads_everything_from_the_platform(client_for, host):
    client = client_for(None, host)
    html = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http://", "https://", "//")) for s in sources), sources
    assert any("swagger-ui" in s and s.startswith("/static/") for s in sources)
    for source in (s for s in sources if s.startswith("/static/")):
        assert finders.find(source.removeprefix("/static/").split("?")[0]), source  # shipped, collectable
