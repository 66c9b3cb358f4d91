"""Roster import (代表名册导入): an office's Excel roster → deputies and seats in the open term of its congress.

Two steps. `roster_preview` parses and validates every row without writing anything. `roster_commit` parses
and validates the same file again (it never trusts a preview) and writes every row in one transaction through
the registry services, or nothing at all. Between the two web steps the upload waits in the private storage
(PRIVATE_STORAGE_ROOT/roster-uploads/, never served by the web server), named by a signed token bound to the
congress and the user (see `upload_*`).

The columns and the headings accepted for each are in roster_columns.py (`COLUMNS`, the single source of the
headers) and documented in docs/roster.md. Columns the registry does not hold are ignored and listed, never refused.

SECURITY: rows hold clear ID and mobile numbers in memory only. Everything shown (preview, error messages, API)
uses the masked forms, error messages never quote an ID number, and nothing here logs row contents.
"""

import dataclasses
import datetime
import io
import logging
import os
import re
import uuid
from collections import defaultdict

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from shared_apps.registry import crypto, identifiers, services
from shared_apps.registry.models import Constituency, Delegation, Deputy, Seat, Term, TermStatus
from shared_apps.registry.permissions import can_manage_registry
from shared_apps.registry.roster_columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    Column,
    Headings,
    accepted_headings,
    is_header_row,
    read_headings,
)
from tenants.params import is_number

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 10
MAX_COLUMNS = 64  # cells further right are not read (the template has 13 columns; office rosters add some)
EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number; an 18-digit ID stored as a number is lost
UPLOAD_DIR = "roster-uploads"


def _storage():
    # SECURITY: rosters hold clear ID numbers; they go to the private storage, not MEDIA_ROOT (public).
    return storages["private"]


UPLOAD_MAX_AGE = 2 * 3600  # seconds a previewed upload stays committable (and on disk)
SIGNING_SALT = "roster"
_UPLOAD_NAME = re.compile(rf"^{UPLOAD_DIR}/[0-9a-f]{{32}}\.xlsx$")
_DATE_TEXTS = (
    re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),  # 19750317, often typed as a number
)
# 出生年月 (the usual birth column of Chinese forms) gives the year and month only: 1975.03, 1975年3月, 197503.
_MONTH_TEXTS = (re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?"), re.compile(r"(\d{4})(\d{2})"))

ROW_NEW = "new"
ROW_LINKED = "linked"
ROW_UPDATED = "updated"
ROW_STATUS_LABELS = {
    ROW_NEW: gettext_lazy("新登记"),
    ROW_LINKED: gettext_lazy("关联已登记的代表"),
    ROW_UPDATED: gettext_lazy("更新本届名册中的代表"),
}


# Optional profile values: a blank cell leaves what is already registered (perhaps by another tier) as it is.
PROFILE_KEYS = ("mobile", "gender", "ethnicity", "date_of_birth", "party", "occupation", "work_unit", "biography")
GENDER_TEXT = {"male": "男", "female": "女"}
_GENDERS = {"男": "male", "男性": "male", "male": "male", "女": "female", "女性": "female", "female": "female"}


class RosterFileError(Exception):
    """The file as a whole cannot be imported (not an .xlsx file, too large, wrong headers, no open term…)."""


class RosterRejected(Exception):
    """The commit was refused because rows have errors; nothing was written. `preview` lists every row."""

    def __init__(self, preview: "RosterPreview"):
        super().__init__(_("名册有%(n)d行错误，未导入任何数据。") % {"n": len(preview.error_rows)})
        self.preview = preview


@dataclasses.dataclass
class RosterRow:
    """One data row. `values` holds clear identifiers: render `as_public()`, never `values`."""

    line: int
    values: dict = dataclasses.field(repr=False)  # SECURITY: no clear identifier in a repr, log or error report
    errors: list[str] = dataclasses.field(default_factory=list)
    status: str = ""
    deputy_id: int | None = None

    @property
    def masked_id(self) -> str:
        return identifiers.mask_id_number(self.values.get("id_number", ""))

    @property
    def status_label(self) -> str:
        return str(ROW_STATUS_LABELS.get(self.status, ""))

    def as_public(self) -> dict:
        """What the preview and the API show: identifiers masked."""
        return {
            "line": self.line,
            "name": self.values.get("name", ""),
            "id_number": self.masked_id,
            "mobile": identifiers.mask_mobile(self.values.get("mobile", "")),
            "constituency": self.values.get("constituency", ""),
            "delegation": self.values.get("delegation", ""),
            "status": self.status,
            "errors": list(self.errors),
        }


@dataclasses.dataclass
class RosterPreview:
    """The parsed roster: every row with its errors and what committing it would do, and the file's columns (those
    read and those ignored)."""

    term: Term
    rows: list[RosterRow]
    new_constituencies: list[str]
    new_delegations: list[str]
    headings: Headings

    @property
    def error_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.error_rows

    @property
    def counts(self) -> dict[str, int]:
        statuses = [row.status for row in self.rows if not row.errors]
        return {
            "rows": len(self.rows),
            "errors": len(self.error_rows),
            "created": statuses.count(ROW_NEW),
            "linked": statuses.count(ROW_LINKED),
            "updated": statuses.count(ROW_UPDATED),
            "constituencies_created": len(self.new_constituencies),
            "delegations_created": len(self.new_delegations),
        }


# --- the term -------------------------------------------------------------------------------------------


def open_term(congress) -> Term | None:
    """The congress's open term (届), or None."""
    return Term.objects.filter(congress=congress, status=TermStatus.OPEN).first()


def _require_open_term(congress) -> Term:
    term = open_term(congress)
    if term is None:
        raise RosterFileError(_("本级人大没有进行中的届次，请先开始新一届，再导入代表名册。"))
    return term


# --- reading the file -----------------------------------------------------------------------------------


def read_upload(upload) -> bytes:
    """The bytes of an uploaded roster, refused early when it cannot be an .xlsx file within the size limit."""
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise RosterFileError(_("只能导入 .xlsx 格式的 Excel 文件（.xls 请先另存为 .xlsx）。"))
    if upload.size > MAX_BYTES:
        raise RosterFileError(_("文件超过%(mb)dMB，请分批导入。") % {"mb": MAX_BYTES // (1024 * 1024)})
    return upload.read()


def _open_sheet(data: bytes):
    if len(data) > MAX_BYTES:
        raise RosterFileError(_("文件超过%(mb)dMB，请分批导入。") % {"mb": MAX_BYTES // (1024 * 1024)})
    # An .xlsx file is a zip archive; an .xls or a password-protected file is not, and gets a message that says so.
    if not data.startswith(b"PK\x03\x04"):
        raise RosterFileError(_("这不是有效的 .xlsx 文件（.xls 或加密的文件请先另存为普通的 .xlsx）。"))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return workbook, workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds on a damaged file; any of them means "not readable"
        raise RosterFileError(_("无法读取这个 .xlsx 文件，文件可能已损坏，请用 Excel 打开后重新保存。")) from None


def _read_headings(cells) -> Headings:
    """The header row's columns; a missing required column refuses the file, naming the headings it may have."""
    headings = read_headings(cells)
    if headings.missing:
        problems = [
            _("缺少必填列：%(col)s（列名可以是：%(headings)s）。")
            % {"col": column.header, "headings": accepted_headings(column)}
            for column in headings.missing
        ]
        raise RosterFileError(" ".join([*problems, _("请使用下载的模板中的列名。")]))
    return headings


def _no_header_row() -> RosterFileError:
    return RosterFileError(
        _(
            "找不到表头行：前%(n)d行中没有一行同时有姓名列和身份证号码列。"
            "姓名列的列名可以是：%(name)s；身份证号码列的列名可以是：%(id)s。"
        )
        % {
            "n": HEADER_SCAN_ROWS,
            "name": accepted_headings(COLUMNS_BY_KEY["name"]),
            "id": accepted_headings(COLUMNS_BY_KEY["id_number"]),
        }
    )


def _is_blank(cells) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def _data_rows(lines, mapping: dict[int, str]) -> list[tuple[int, dict]]:
    rows: list[tuple[int, dict]] = []
    for line, cells in lines:
        if _is_blank(cells):
            continue
        if len(rows) == MAX_ROWS:
            raise RosterFileError(_("名册超过%(n)d行，请分批导入。") % {"n": MAX_ROWS})
        rows.append((line, {key: cells[i] for i, key in mapping.items() if i < len(cells)}))
    return rows


def read_rows(data: bytes) -> tuple[Headings, list[tuple[int, dict]]]:
    """The header row's columns, and (Excel line number, {column key: raw cell value}) for every non-blank row
    under it.

    The header row is the first of the first HEADER_SCAN_ROWS rows holding a 姓名 and a 身份证号码 heading (in any
    accepted form), so a title row above it is allowed; the first worksheet is read."""
    workbook, sheet = _open_sheet(data)
    try:
        lines = enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
        for line, cells in lines:
            if is_header_row(cells):
                headings = _read_headings(cells)
                return headings, _data_rows(lines, headings.keys)
            if line >= HEADER_SCAN_ROWS:
                break
        raise _no_header_row()
    finally:
        workbook.close()


# --- cell values ----------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def _parse_text(value, column: Column) -> str:
    text = _text(value)
    if column.max_length and len(text) > column.max_length:
        raise ValidationError(_("不能超过%(n)d个字。") % {"n": column.max_length})
    return text


def _numeric_digits(value) -> str:
    """A number typed into a cell, as digits; refused when Excel has already rounded it."""
    try:
        digits = str(abs(int(value)))
    except (OverflowError, ValueError):
        digits = "x" * (EXCEL_DIGITS + 1)
    if len(digits) > EXCEL_DIGITS:
        raise ValidationError(
            _("该单元格是数字格式，Excel只保留15位有效数字，号码已失真。请把这一列设置为“文本”格式后重新填写。")
        )
    return digits


def _parse_id_number(value, column: Column) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = _numeric_digits(value)
    number = re.sub(r"\s", "", _text(value))
    return identifiers.validate_id_number(number) if number else ""


def _parse_mobile(value, column: Column) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = _numeric_digits(value)
    number = _text(value)
    return identifiers.validate_mobile(number) if number else ""


def _parse_gender(value, column: Column) -> str:
    text = _text(value)
    if text and text.lower() not in _GENDERS:
        raise ValidationError(_("只能填写“男”或“女”。"))
    return _GENDERS.get(text.lower(), "")


def _match_date(text: str) -> datetime.date | None:
    for pattern in _DATE_TEXTS:
        if match := pattern.fullmatch(text):
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def _parse_date(value, column: Column) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    date = _match_date(text)
    if date is None:
        raise ValidationError(_("日期格式应为YYYY-MM-DD（如2021-01-15），或使用Excel日期。"))
    return date


@dataclasses.dataclass(frozen=True)
class BirthMonth:
    """A birth date known to the month (出生年月), settled into a date by `_settle_birth_month`. Excel keeps 1975.10
    typed into a number cell as the number 1975.1, so a number ending in .1 may be January or October: `months`
    then holds both."""

    year: int
    months: tuple[int, ...]


def _month_of_text(text: str) -> BirthMonth | None:
    for pattern in _MONTH_TEXTS:
        if (match := pattern.fullmatch(text)) and 1 <= int(match.group(2)) <= 12:
            return BirthMonth(int(match.group(1)), (int(match.group(2)),))
    return None


def _month_of_number(value: float) -> BirthMonth | None:
    year, _dot, decimals = repr(value).partition(".")
    if len(year) != 4 or not is_number(decimals) or len(decimals) > 2:
        return None
    candidates = [int(decimals)] if len(decimals) == 2 else [int(decimals), int(decimals) * 10]
    months = tuple(m for m in candidates if 1 <= m <= 12)
    return BirthMonth(int(year), months) if months else None


def _parse_birth_date(value, column: Column) -> datetime.date | BirthMonth | None:
    """A date (Excel or text, as `_parse_date`), or the year and month only: 1975.03, 1975年3月, 197503."""
    if isinstance(value, float) and not value.is_integer():
        month = _month_of_number(value)
    else:
        try:
            return _parse_date(value, column)
        except ValidationError:
            month = _month_of_text(_text(value))
    if month is None:
        raise ValidationError(_("日期格式应为YYYY-MM-DD（如1975-03-15）或只写年月（如1975.03），或使用Excel日期。"))
    return month


def _settle_birth_month(row: RosterRow) -> None:
    """A birth month becomes a date: the ID number's birth date when it falls in that month (the ID number gives the
    day), else the first of the month. A number that may be two months (1975.1) and that the ID number does not
    settle is left blank, so the birth date is taken from the ID number."""
    month = row.values.get("date_of_birth")
    if not isinstance(month, BirthMonth):
        return
    number = row.values.get("id_number")
    from_id = identifiers.birth_date_from_id(number) if number else None
    if from_id and from_id.year == month.year and from_id.month in month.months:
        row.values["date_of_birth"] = from_id
    elif len(month.months) == 1:
        row.values["date_of_birth"] = datetime.date(month.year, month.months[0], 1)
    else:
        row.values["date_of_birth"] = None


PARSERS = {
    "id_number": _parse_id_number,
    "mobile": _parse_mobile,
    "gender": _parse_gender,
    "date_of_birth": _parse_birth_date,
    "starts_on": _parse_date,
}


def _labelled(label: str, messages) -> list[str]:
    return [m if m.startswith(label) else f"{label}：{m}" for m in messages]


def clean_row(line: int, raw: dict, labels: dict[str, str] | None = None) -> RosterRow:
    """Parse one row's cells. Errors name the column as the file heads it (`labels`: column key → heading; the
    template's header by default) and never quote an ID number."""
    labels = labels or {}
    row = RosterRow(line=line, values={})
    for column in COLUMNS:
        label = labels.get(column.key, column.header)
        try:
            row.values[column.key] = PARSERS.get(column.key, _parse_text)(raw.get(column.key), column)
        except ValidationError as exc:
            row.errors += _labelled(label, exc.messages)
            continue
        if column.required and not row.values[column.key]:
            row.errors.append(_("缺少必填项：%(col)s。") % {"col": label})
    _settle_birth_month(row)
    return row


# --- checks across rows and against the registry -----------------------------------------------------


def _check_constituencies(rows: list[RosterRow], known: set[str], allow_new: bool) -> list[str]:
    """Unknown constituency names are row errors unless new ones are allowed; returns the new names."""
    new = sorted({r.values["constituency"] for r in rows if r.values.get("constituency")} - known)
    if allow_new:
        return new
    for row in rows:
        name = row.values.get("constituency")
        if name and name not in known:
            row.errors.append(_("选区“%(name)s”不在本届选区名单中。") % {"name": name})
    return []


def _mark_duplicates(rows: list[RosterRow]) -> None:
    """Two rows with the same ID number: an error on each, naming the other line(s)."""
    lines = defaultdict(list)
    for row in rows:
        if row.values.get("id_number"):
            lines[row.values["id_number"]].append(row)
    for group in lines.values():
        for row in group if len(group) > 1 else ():
            others = "、".join(str(r.line) for r in group if r is not row)
            row.errors.append(_("身份证号码与第%(lines)s行重复。") % {"lines": others})


def _registered(numbers: set[str]) -> dict[str, int]:
    """ID number → id of the deputy registered with it: services.deputy_find for many numbers in a few queries
    (the numbers are already normalised by validate_id_number)."""
    by_hash = {crypto.lookup_hash(number): number for number in numbers}
    hashes, found = list(by_hash), {}
    for start in range(0, len(hashes), 1000):
        chunk = Deputy.objects.filter(id_number_hash__in=hashes[start : start + 1000])
        found.update({by_hash[h]: pk for pk, h in chunk.values_list("pk", "id_number_hash")})
    return found


def _mark_existing(rows: list[RosterRow], term: Term) -> None:
    """New person, person registered elsewhere (linked), or already in this term's roster (updated)."""
    registered = _registered({row.values["id_number"] for row in rows if row.values.get("id_number")})
    for row in rows:
        row.deputy_id = registered.get(row.values.get("id_number", ""))
    found = set(registered.values())
    seated = set(Seat.objects.filter(term=term, deputy_id__in=found).values_list("deputy_id", flat=True))
    for row in rows:
        row.status = ROW_NEW if row.deputy_id is None else ROW_UPDATED if row.deputy_id in seated else ROW_LINKED


def _new_delegations(rows: list[RosterRow], term: Term) -> list[str]:
    names = {r.values["delegation"] for r in rows if r.values.get("delegation")}
    return sorted(names - set(term.delegations.values_list("name", flat=True)))


def _require_manager(access, congress) -> None:
    if not can_manage_registry(access, congress):
        raise PermissionDenied(_("只有本级人大机关工作人员可以导入代表名册。"))


def roster_preview(*, access, congress, data: bytes, allow_new_constituencies: bool = False) -> RosterPreview:
    """Parse and validate a roster for `congress`'s open term without writing anything.

    Raises PermissionDenied, or RosterFileError when the file as a whole is unusable."""
    _require_manager(access, congress)
    term = _require_open_term(congress)
    headings, lines = read_rows(data)
    rows = [clean_row(line, raw, headings.labels) for line, raw in lines]
    if not rows:
        raise RosterFileError(_("名册中没有代表数据。"))
    known = set(Constituency.objects.filter(term=term).values_list("name", flat=True))
    new_constituencies = _check_constituencies(rows, known, allow_new_constituencies)
    _mark_duplicates(rows)
    _mark_existing(rows, term)
    return RosterPreview(term, rows, new_constituencies, _new_delegations(rows, term), headings)


# --- committing -----------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


class _Places:
    """Constituencies and delegations of the term, looked up (or created) once per name."""

    def __init__(self, term: Term):
        self.term = term
        self.constituencies: dict[str, Constituency] = {}
        self.delegations: dict[str, Delegation] = {}

    def constituency(self, name: str) -> Constituency:
        if name not in self.constituencies:
            self.constituencies[name] = services.constituency_get_or_create(self.term, name)
        return self.constituencies[name]

    def delegation(self, name: str) -> Delegation | None:
        if name and name not in self.delegations:
            self.delegations[name] = services.delegation_get_or_create(self.term, name)
        return self.delegations.get(name)


def _person_data(values: dict) -> dict:
    """The person's data for deputy_register; blank optional cells are left out (existing values kept)."""
    data = {"name": values["name"], "id_number": values["id_number"]}
    data.update({key: values[key] for key in PROFILE_KEYS if values.get(key) not in ("", None)})
    return data


def _service_errors(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return exc.messages
    messages = []
    for key, errors in exc.message_dict.items():
        column = COLUMNS_BY_KEY.get(key)
        messages += _labelled(column.header, errors) if column else errors
    return messages


def _write_all(access, preview: RosterPreview) -> None:
    """Write every row with the batch services (a few statements per roster, not per row)."""
    places = _Places(preview.term)
    rows = preview.rows
    try:
        registered = services.deputies_register_many(
            actor=access.user, people=[_person_data(row.values) for row in rows]
        )
    except services.RowErrors as exc:
        for index, messages in exc.by_index.items():
            rows[index].errors += messages
        return
    entries = [
        {
            "deputy": deputy,
            "starts_on": row.values.get("starts_on"),
            "constituency": places.constituency(row.values["constituency"]),
            "delegation": places.delegation(row.values.get("delegation", "")),
        }
        for row, (deputy, _created) in zip(rows, registered, strict=True)
    ]
    try:
        services.seats_add_many(access=access, term=places.term, entries=entries)
    except ValidationError as exc:
        # Not one row's fault (e.g. the term was closed meanwhile): reported once, on the first row.
        rows[0].errors += _service_errors(exc)


def roster_commit(*, access, congress, data: bytes, allow_new_constituencies: bool = False) -> dict[str, int]:
    """Import a roster into `congress`'s open term: every row or none.

    The file is parsed and validated again; any row error raises RosterRejected (nothing written). Rows are
    written through deputy_register (a person registered by another tier is linked, not duplicated) and
    seat_add (an existing seat in this term is updated), all in one transaction. Returns the counts."""
    preview = roster_preview(
        access=access, congress=congress, data=data, allow_new_constituencies=allow_new_constituencies
    )
    if not preview.is_valid:
        raise RosterRejected(preview)
    try:
        with transaction.atomic():
            _write_all(access, preview)
            # The services refused rows (_write_all added their errors): undo what the other rows wrote.
            if preview.error_rows:
                raise _Rollback
    except _Rollback:
        raise RosterRejected(preview) from None
    except IntegrityError:
        # Someone registered one of these people between our read and our insert.
        preview.rows[0].errors.append(_("与同时进行的其他修改冲突，请重新导入。"))
        raise RosterRejected(preview) from None
    # SECURITY: counts only, never row contents.
    logger.info("Roster imported into %s term %s: %s", congress.schema_name, preview.term.number, preview.counts)
    return preview.counts


# --- the upload between preview and commit ---------------------------------------------------------------


def upload_save(data: bytes) -> str:
    """Keep a validated upload until it is committed; returns its storage name. Stale uploads are purged."""
    uploads_purge()
    # SECURITY: a random name; the uploader's file name never becomes a path.
    name = _storage().save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    _restrict(name)
    return name


def _restrict(name: str) -> None:
    # SECURITY: the file holds clear ID numbers; on a local disk only the platform's own user may read it.
    try:
        path = _storage().path(name)
    except NotImplementedError:
        return
    os.chmod(path, 0o600)


def upload_token(name: str, *, congress, user, allow_new_constituencies: bool) -> str:
    """A signed reference to a stored upload, valid only for this congress and this user."""
    payload = {"file": name, "schema": congress.schema_name, "user": user.pk, "new": allow_new_constituencies}
    return signing.dumps(payload, salt=SIGNING_SALT)


def upload_from_token(token: str, *, congress, user) -> tuple[str, bool]:
    """(storage name, allow_new_constituencies) of a token made by `upload_token` for this congress and user."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.BadSignature:
        raise RosterFileError(_("上传的名册已失效，请重新上传。")) from None
    name = payload.get("file", "")
    # SECURITY: a valid signature is not enough: the token must be this congress's and this user's, and name a file
    # of the upload directory, so no token reaches any other file.
    if payload.get("schema") != congress.schema_name or payload.get("user") != user.pk or not _UPLOAD_NAME.match(name):
        raise RosterFileError(_("上传的名册已失效，请重新上传。"))
    return name, bool(payload.get("new"))


def upload_read(name: str) -> bytes:
    """The stored upload's bytes; RosterFileError once it has been committed or purged."""
    try:
        with _storage().open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise RosterFileError(_("上传的名册已失效，请重新上传。")) from None


def upload_delete(name: str) -> None:
    _storage().delete(name)


def uploads_purge(max_age: int = UPLOAD_MAX_AGE) -> int:
    """Delete uploads older than `max_age` seconds (previews never committed); returns how many."""
    try:
        _dirs, files = _storage().listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - datetime.timedelta(seconds=max_age)
    stale = [f"{UPLOAD_DIR}/{f}" for f in files if _storage().get_modified_time(f"{UPLOAD_DIR}/{f}") < cutoff]
    for name in stale:
        _storage().delete(name)
    return len(stale)
