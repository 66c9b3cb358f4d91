"""Excel (.xlsx) output: a reusable `xlsx_response` for any list, the roster template, and the roster export.

Strings are always written as text, so a value such as "=HYPERLINK(…)" typed into a biography is shown, never
run as a formula, and an 18-digit ID number keeps all its digits.
"""

import datetime
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from shared_apps.audit.services import record_download
from shared_apps.registry import roster
from shared_apps.registry.models import RegistryEvent, Seat, SeatStatus, Term
from shared_apps.registry.permissions import can_view_identity
from shared_apps.registry.roster_columns import COLUMNS, STATUS_HEADER
from tenants.workflow.history import record_event

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60
TEXT_FORMAT = "@"


def _cell_value(value):
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return "" if value is None else value


def _display_width(value) -> int:
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)  # CJK characters take two columns


def _append(sheet, values: Sequence, *, bold: bool = False) -> None:
    sheet.append([_cell_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # SECURITY: never a formula
        if bold:
            cell.font = Font(bold=True)


def _set_widths(sheet, widths: dict[int, int]) -> None:
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width, 6) + 2, MAX_WIDTH)


def _set_text_columns(sheet, text_columns: Iterable[int]) -> None:
    for index in text_columns:
        sheet.column_dimensions[get_column_letter(index + 1)].number_format = TEXT_FORMAT
        for (cell,) in sheet.iter_rows(min_col=index + 1, max_col=index + 1):
            cell.number_format = TEXT_FORMAT


def write_sheet(sheet, headers: Sequence[str], rows: Iterable[Sequence], *, text_columns: Iterable[int] = ()) -> None:
    """Fill `sheet`: a bold, frozen header row, the rows, columns as wide as their content."""
    widths = {i: _display_width(h) for i, h in enumerate(headers)}
    _append(sheet, headers, bold=True)
    for row in rows:
        _append(sheet, row)
        for i, value in enumerate(row):
            widths[i] = max(widths.get(i, 0), _display_width(_cell_value(value)))
    sheet.freeze_panes = "A2"
    _set_widths(sheet, widths)
    _set_text_columns(sheet, text_columns)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bytes_response(data: bytes, filename: str) -> HttpResponse:
    """An .xlsx download."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    assert disposition is not None  # None only for an inline response without a filename
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    record_download(filename)
    return response


def xlsx_response(
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str | None = None,
    text_columns: Iterable[int] = (),
) -> HttpResponse:
    """Any list as an .xlsx download: one sheet, bold header row, sized columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or _("列表"))[:31]
    write_sheet(sheet, headers, rows, text_columns=text_columns)
    return bytes_response(workbook_bytes(workbook), filename)


# --- the roster template --------------------------------------------------------------------------------

TEMPLATE_SHEET = "代表名册"
GUIDE_SHEET = "填写说明"
CONSTITUENCY_SHEET = "本届选区"
_TEXT_KEYS = ("id_number", "mobile")


def template_headers() -> list[str]:
    """The template's headers: required columns marked with *."""
    return [f"{c.header}*" if c.required else c.header for c in COLUMNS]


def _guide_rows() -> list[list[str]]:
    return [
        [c.header, _("必填") if c.required else _("选填"), str(c.meaning), str(c.format), "、".join(c.variants)]
        for c in COLUMNS
    ]


def _add_gender_choices(sheet) -> None:
    index = [c.key for c in COLUMNS].index("gender")
    letter = get_column_letter(index + 1)
    validation = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    validation.add(f"{letter}2:{letter}{roster.MAX_ROWS + 1}")
    sheet.add_data_validation(validation)


def roster_template(term: Term | None) -> bytes:
    """The roster template: the header row to fill in, the column guide and this term's constituencies."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    text_columns = [i for i, c in enumerate(COLUMNS) if c.key in _TEXT_KEYS]
    write_sheet(sheet, template_headers(), [], text_columns=text_columns)
    _add_gender_choices(sheet)
    guide = [_("列名"), _("必填"), _("含义"), _("格式"), _("也可以用的列名")]
    write_sheet(workbook.create_sheet(GUIDE_SHEET), guide, _guide_rows())
    names = term.constituencies.values_list("name", flat=True) if term else []
    write_sheet(workbook.create_sheet(CONSTITUENCY_SHEET), [_("选区")], [[n] for n in names])
    return workbook_bytes(workbook)


# --- the roster export ----------------------------------------------------------------------------------


def _seats(term: Term):
    return (
        Seat.objects.filter(term=term)
        .select_related("deputy", "constituency", "delegation")
        .order_by("constituency__name", "deputy__name", "pk")
    )


def _seat_row(seat: Seat, access, congress) -> tuple[list, bool]:
    """The seat in the template's columns, and whether its identifiers are clear: the deputy's serving seat
    here is what lets this congress's office see them (can_view_identity)."""
    deputy = seat.deputy
    clear = can_view_identity(access, {congress.pk} if seat.is_serving else set())
    row = [
        deputy.name,
        deputy.reveal_id_number() if clear else deputy.id_number_masked,
        deputy.reveal_mobile() if clear else deputy.mobile_masked,
        roster.GENDER_TEXT.get(deputy.gender, ""),
        deputy.ethnicity,
        deputy.date_of_birth,
        deputy.party,
        deputy.occupation,
        deputy.work_unit,
        seat.constituency.name if seat.constituency else "",
        seat.delegation.name if seat.delegation else "",
        seat.starts_on,
        deputy.biography,
        str(SeatStatus(seat.status).label),
    ]
    return row, clear


def _log_identity_view(access, term: Term, count: int) -> None:
    record_event(
        RegistryEvent,
        actor=access.user if access.is_authenticated else None,
        kind=RegistryEvent.Kind.IDENTITY_VIEWED,
        term=term,
        data={"export": "roster", "count": count},
    )


def roster_export(access, congress) -> HttpResponse:
    """Every seat of `congress`'s open term as an .xlsx file in the template's columns (so it can be edited
    and imported again). ID and mobile numbers are clear only when can_view_identity allows it for this
    congress, and that disclosure is recorded (IDENTITY_VIEWED). Callers check can_manage_registry."""
    term = roster.open_term(congress)
    if term is None:
        raise roster.RosterFileError(_("本级人大没有进行中的届次。"))
    rows, clear = [], 0
    for seat in _seats(term):
        row, shown = _seat_row(seat, access, congress)
        rows.append(row)
        clear += shown
    if clear:
        _log_identity_view(access, term, clear)
    headers = [c.header for c in COLUMNS] + [STATUS_HEADER]
    text_columns = [i for i, c in enumerate(COLUMNS) if c.key in _TEXT_KEYS]
    filename = f"{congress.name}-{term}-{_('代表名册')}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename, headers, rows, title=TEMPLATE_SHEET, text_columns=text_columns)
