"""The English translation: complete, compiled, and served when the visitor chooses it."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

PLATFORM_NAME_ZH = "人大代表服务云平台"
PLATFORM_NAME_EN = "Congress Cloud"


def _translations(catalog) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(msgctxt, msgid) → translation(s) of every translated entry, as msgfmt would compile it.

    msgfmt leaves out the header, obsolete, fuzzy and untranslated entries; so does this.
    """
    result = {}
    for entry in catalog:
        if entry.obsolete or "fuzzy" in getattr(entry, "flags", ()) or not entry.msgid:
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = (entry.msgstr,)
        if all(value):
            result[(entry.msgctxt, entry.msgid)] = value
    return result


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


def test_every_entry_is_translated_and_not_fuzzy(po):
    active = [e for e in po if not e.obsolete]
    assert active, "the English catalogue is empty"
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    assert [e.msgid for e in active if e.fuzzy] == []
    assert [e.msgid for e in active if not e.translated()] == []


def test_placeholders_are_kept(po):
    for entry in po:
        if entry.obsolete or "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            expected = sorted(set(_placeholders(entry.msgid)) | set(_placeholders(entry.msgid_plural)))
            for form in sorted(entry.msgstr_plural):
                assert sorted(set(_placeholders(entry.msgstr_plural[form]))) == expected, entry.msgid
        else:
            assert sorted(_placeholders(entry.msgid)) == sorted(_placeholders(entry.msgstr)), entry.msgid


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\([a-z_]+\)[sd]", text)


def test_mo_matches_po(po):
    """The compiled catalogue is current: a .po edited without running compilemessages fails here."""
    assert MO_PATH.exists(), "run manage.py compilemessages -l en"
    assert _translations(polib.mofile(str(MO_PATH))) == _translations(po)


def test_gettext_follows_the_active_language():
    with translation.override("en"):
        assert translation.gettext(PLATFORM_NAME_ZH) == PLATFORM_NAME_EN
    with translation.override("zh-hans"):
        assert translation.gettext(PLATFORM_NAME_ZH) == PLATFORM_NAME_ZH


def test_front_page_is_chinese_by_default(db):
    response = Client(HTTP_HOST=settings.ROOT_DOMAIN).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert PLATFORM_NAME_ZH in html
    assert PLATFORM_NAME_EN not in html
    assert response.headers["Content-Language"] == "zh-hans"


def test_front_page_is_english_with_the_language_cookie(db):
    client = Client(HTTP_HOST=settings.ROOT_DOMAIN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert PLATFORM_NAME_EN in html
    assert "Congresses at all tiers" in html
    assert PLATFORM_NAME_ZH not in html
    assert response.headers["Content-Language"] == "en"
