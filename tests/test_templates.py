"""Template source stays readable: no line in a project template is longer than MAX_LINE characters."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINE = 160
# Folders that are not the project's own code: the virtualenv, local state, tool caches.
SKIPPED = {".git", ".venv", ".local", ".mypy_cache", ".ruff_cache", "node_modules"}


@pytest.fixture(autouse=True)
def _public_schema():
    """Overrides the suite-wide autouse fixture of the same name: these tests read files, not the database."""
    yield


def project_templates() -> list[Path]:
    found = []
    for top in sorted(ROOT.iterdir()):
        if not top.is_dir() or top.name in SKIPPED or top.name.startswith("."):
            continue
        for path in top.rglob("*.html"):
            parts = path.relative_to(ROOT).parts
            if "templates" in parts and not SKIPPED.intersection(parts):
                found.append(path)
    return sorted(found)


def test_templates_are_found():
    assert len(project_templates()) > 50


def test_no_template_line_is_longer_than_the_limit():
    too_long = []
    for path in project_templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if len(line) > MAX_LINE:
                too_long.append(f"{path.relative_to(ROOT)}:{number} ({len(line)})")
    assert not too_long, f"template lines over {MAX_LINE} characters:\n" + "\n".join(too_long)
