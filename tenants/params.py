"""The one way to read what callers type into query strings and forms: numbers in ASCII digits only (so "²"
or "٣", which `str.isdigit()` accepts, are not numbers), of a bounded length (a 5,000-digit "year" is not one
either, and `int()` would refuse it with an error); NUL characters (which PostgreSQL refuses in text) are
found by `has_nul`.

Readers return None for anything that is not a valid value; callers decide whether that is "no filter" or a
clear error. config.errors.NulCharacterMiddleware keeps NUL characters away from every view besides.
"""

import datetime
import re

DIGITS = re.compile(r"[0-9]{1,18}")


def is_number(value) -> bool:
    """Whether `value` is a whole number written in 1 to 18 ASCII digits."""
    return isinstance(value, str) and DIGITS.fullmatch(value) is not None


def int_param(value, *, low: int | None = None, high: int | None = None) -> int | None:
    """`value` as an int within [low, high] (either end open when None), else None."""
    value = str(value if value is not None else "").strip()
    if not is_number(value):
        return None
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_param(value) -> datetime.date | None:
    """`value` as a date written YYYY-MM-DD, else None."""
    value = str(value if value is not None else "").strip()
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def text_param(value, *, max_length: int = 200) -> str:
    """`value` as text for a filter: stripped, cut to `max_length`, NUL characters removed."""
    return str(value if value is not None else "").replace("\x00", "").strip()[:max_length]
