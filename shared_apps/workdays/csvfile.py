"""The calendar's CSV format (docs/workdays.md): columns date,kind,name; a header row is optional; UTF-8 with or
without BOM (as Excel saves it). The kind may be written as in the official announcement (放假 / 上班)."""

import csv

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shared_apps.workdays.models import DayKind

COLUMNS = ("date", "kind", "name")
MAX_BYTES = 64 * 1024
KIND_ALIASES = {
    "holiday": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
}


def decode(data: bytes) -> str:
    """The file's text. Raises ValidationError (under "file") for a file too large or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": [_("文件不能超过%(n)dKB。") % {"n": MAX_BYTES // 1024}]})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": [_("文件应为UTF-8编码的CSV。")]}) from None


def parse_rows(text: str) -> list[dict]:
    """The rows as {line, date, kind, name} (text; the service checks the values). Blank lines and a header
    are skipped. Raises ValidationError under "rows", naming the line, for a row without date and kind."""
    rows, errors = [], []
    for line, values in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [value.strip() for value in values]
        if not any(cells) or (line == 1 and [c.lower() for c in cells[:3]] == list(COLUMNS)):
            continue
        if len(cells) < 2 or len(cells) > 3:
            errors.append(
                _("第%(line)s行：应有2或3列（date,kind,name），实有%(n)d列。") % {"line": line, "n": len(cells)}
            )
            continue
        date, kind, name = [*cells, ""][:3]
        rows.append({"line": line, "date": date, "kind": KIND_ALIASES.get(kind.lower(), kind), "name": name})
    if errors:
        raise ValidationError({"rows": errors})
    return rows
