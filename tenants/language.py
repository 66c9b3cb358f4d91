"""Texts written for other people to read later — notices, the steps a sender follows under a tracking code —
are stored in the platform's language (settings.LANGUAGE_CODE, Simplified Chinese), whatever language the
request that wrote them was in: an office clerk with an English screen must not leave English notes for a
Chinese-speaking sender or deputy. Error messages and pages stay in the reader's own language."""

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


def pick(zh: str, en: str) -> str:
    """The reader's language of a text the code holds in both (a module's name, a setting's label)."""
    return en if (translation.get_language() or "").startswith("en") else zh


def platform_text(template: str | Promise, **params: object) -> str:
    """`template` (a gettext_lazy string) translated into the platform's language, then filled with `params`."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(template)
        return text % params if params else text
