"""The roster's columns (代表名册的列) and how the headings of an office's own roster are matched to them.

Offices keep rosters in their own words: 政治面貌 for 党派, 身份证号 or 公民身份号码 for 身份证号码, 出生年月 for
出生日期, 联系电话 for 手机号码, and columns the registry does not hold (文化程度, 籍贯…). Each column lists the
headings it accepts (`Column.headings`, the template's own first), compared after `normalise_heading`.
`read_headings` never refuses a column the registry does not need: an unknown heading, or a second column for a
field already read, is listed as ignored with its reason, and the preview shows it. Only a missing required column
refuses the file (roster.py raises that). docs/roster.md lists the accepted headings; keep the two in step.
"""

import dataclasses
import re
from collections.abc import Iterable, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter


@dataclasses.dataclass(frozen=True)
class Column:
    """One roster column: its template header, the value it fills, its documentation and the other headings
    offices give it (`variants`, most specific first: when two columns of a file name the same field, the one
    whose heading comes first in `headings` is read)."""

    header: str
    key: str
    required: bool
    meaning: str | Promise  # gettext_lazy: translated where shown, in the reader's language
    format: str | Promise
    max_length: int | None = None
    variants: tuple[str, ...] = ()

    @property
    def headings(self) -> tuple[str, ...]:
        return (self.header, *self.variants)


COLUMNS = (
    Column("姓名", "name", True, gettext_lazy("代表姓名"), gettext_lazy("文字，最多50字"), 50, ("代表姓名",)),
    Column(
        "身份证号码",
        "id_number",
        True,
        gettext_lazy("18位居民身份证号码，用于识别同一个人"),
        gettext_lazy("文本格式（请把整列设置为“文本”），末位可以是X"),
        variants=(
            "身份证号",
            "公民身份号码",
            "公民身份证号码",
            "公民身份证号",
            "居民身份证号码",
            "居民身份证号",
            "身份证件号码",
            "身份证",
            "身份号码",
            "证件号码",
        ),
    ),
    Column(
        "手机号码",
        "mobile",
        False,
        gettext_lazy("本人手机号码"),
        gettext_lazy("11位中国大陆手机号"),
        # The mobile's own names first: a roster with both 手机 and 联系电话 is read from 手机 (联系电话 is often
        # an office's landline, which is not a mobile number).
        variants=("手机号", "手机", "移动电话", "联系手机", "联系电话", "联系方式", "电话号码", "电话"),
    ),
    Column("性别", "gender", False, gettext_lazy("性别"), gettext_lazy("男或女；留空按身份证号码推算")),
    Column(
        "民族", "ethnicity", False, gettext_lazy("民族"), gettext_lazy("文字，如汉族、苗族"), 20, ("民族成分", "族别")
    ),
    Column(
        "出生日期",
        "date_of_birth",
        False,
        gettext_lazy("出生日期"),
        gettext_lazy("Excel日期或YYYY-MM-DD文本，也可只写年月（如1975.03）；留空按身份证号码推算"),
        variants=("出生年月日", "出生年月", "出生时间", "生日"),
    ),
    Column(
        "党派",
        "party",
        False,
        gettext_lazy("政治面貌"),
        gettext_lazy("文字，如中共党员、群众"),
        40,
        ("政治面貌", "政治面目"),
    ),
    Column("职业", "occupation", False, gettext_lazy("职业"), gettext_lazy("文字，最多100字"), 100, ("从事职业",)),
    Column(
        "工作单位及职务",
        "work_unit",
        False,
        gettext_lazy("工作单位及职务"),
        gettext_lazy("文字，最多200字"),
        200,
        (
            "工作单位和职务",
            "工作单位与职务",
            "工作单位职务",
            "工作单位/职务",
            "单位及职务",
            "单位和职务",
            "单位职务",
            "工作单位",
            "单位",
        ),
    ),
    Column(
        "选区",
        "constituency",
        True,
        gettext_lazy("选出该代表的选区或选举单位"),
        gettext_lazy("本届已有的选区名称"),
        100,
        ("选区名称", "所在选区", "当选选区", "选区或选举单位", "选举单位"),
    ),
    Column(
        "代表团",
        "delegation",
        False,
        gettext_lazy("所属代表团"),
        gettext_lazy("名称；新的代表团自动建立"),
        100,
        ("所属代表团", "代表团名称"),
    ),
    Column(
        "当选日期",
        "starts_on",
        False,
        gettext_lazy("当选日期"),
        gettext_lazy("Excel日期或YYYY-MM-DD文本；留空为本届开始日期"),
        variants=("当选时间",),
    ),
    Column(
        "简介",
        "biography",
        False,
        gettext_lazy("个人简介"),
        gettext_lazy("文字"),
        variants=("个人简介", "代表简介", "简历", "个人简历"),
    ),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
# 席位状态 is written by the export (so that an exported roster can be edited and imported again) and 序号 is the
# row-number column most office rosters have: both are expected, so they are skipped without being listed.
STATUS_HEADER = "席位状态"
SKIPPED_HEADINGS = frozenset({STATUS_HEADER, "序号"})
HEADING_MAX_SHOWN = 40  # characters of a heading quoted in the preview

# Marks around a heading that say nothing about the column: spaces (full-width too), the template's * (＊ when
# typed with a Chinese IME) and a trailing colon; a bracketed note such as （必填） or （18位）.
_MARKS = re.compile(r"[\s*＊:：]")
_BRACKETED = re.compile(r"[（(【\[［〔][^）)】\]］〕]*[）)】\]］〕]")
_BRACKETS = re.compile(r"[（()）【】\[\]［］〔〕]")
# 党派/政治面貌, 手机、联系电话: one column named by two headings of the same field.
_ALTERNATIVES = re.compile(r"[/／、|]")


def normalise_heading(value) -> str:
    """A heading as it is matched: without spaces, *, colons and bracketed notes, Latin letters in lower case."""
    if value is None:
        return ""
    text = _MARKS.sub("", str(value))
    # A heading that is nothing but a bracketed word, such as （身份证号）, keeps the word.
    return (_BRACKETED.sub("", text) or _BRACKETS.sub("", text)).lower()


def _heading_index() -> dict[str, tuple[Column, int]]:
    index: dict[str, tuple[Column, int]] = {}
    for column in COLUMNS:
        for rank, heading in enumerate(column.headings):
            name = normalise_heading(heading)
            if name in index or name in SKIPPED_HEADINGS:
                raise ValueError(f"roster heading {heading!r} is given twice")  # a mistake in the table above
            index[name] = (column, rank)
    return index


_BY_HEADING = _heading_index()


def match_heading(value) -> tuple[Column, int] | None:
    """(the column a heading names, its rank among the column's headings: 0 is the template's), or None.

    A heading made of alternatives (党派/政治面貌) names a column when every part names that same column."""
    name = normalise_heading(value)
    if name in _BY_HEADING:
        return _BY_HEADING[name]
    parts = [part for part in _ALTERNATIVES.split(name) if part]
    found = [_BY_HEADING.get(part) for part in parts]
    if len(parts) < 2 or None in found:
        return None
    matches = [m for m in found if m is not None]
    return min(matches, key=lambda m: m[1]) if len({c.key for c, _rank in matches}) == 1 else None


def shown_heading(value) -> str:
    """A heading as the preview and the messages quote it: as written, without spaces, * and colons."""
    return _MARKS.sub("", str(value))[:HEADING_MAX_SHOWN] if value is not None else ""


@dataclasses.dataclass(frozen=True)
class UsedColumn:
    """A column of the file that is read, and the roster column it fills."""

    index: int  # 0-based position in the header row
    heading: str
    column: Column

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)

    def as_public(self) -> dict:
        return {"column": self.letter, "heading": self.heading, "field": self.column.key, "header": self.column.header}


@dataclasses.dataclass(frozen=True)
class IgnoredColumn:
    """A column of the file that is not read (已忽略的列), and why."""

    index: int
    heading: str
    reason: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)

    def as_public(self) -> dict:
        return {"column": self.letter, "heading": self.heading, "reason": self.reason}


@dataclasses.dataclass
class Headings:
    """The header row of a roster: the columns read, the columns ignored, the required columns missing."""

    used: list[UsedColumn]
    ignored: list[IgnoredColumn]
    missing: list[Column]

    @property
    def keys(self) -> dict[int, str]:
        """Position in a row → the column key its cell fills."""
        return {u.index: u.column.key for u in self.used}

    @property
    def labels(self) -> dict[str, str]:
        """Column key → the heading the file gives it, for messages in the office's own words."""
        return {u.column.key: u.heading for u in self.used}


def _duplicate(loser: tuple[int, int, str], winner: tuple[int, int, str], column: Column) -> IgnoredColumn:
    _rank, index, heading = loser
    _rank, kept, kept_heading = winner
    reason = _("与%(col)s列“%(heading)s”同为“%(field)s”，只读取%(col)s列。") % {
        "col": get_column_letter(kept + 1),
        "heading": kept_heading,
        "field": column.header,
    }
    return IgnoredColumn(index, heading, reason)


def read_headings(cells: Sequence) -> Headings:
    """Match a header row's cells to the roster's columns. Blank cells, 序号 and 席位状态 are skipped; a heading
    that names no column is ignored; of two columns naming the same field, the one with the more specific heading
    (the first, when equally specific) is read and the other ignored."""
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    ignored: list[IgnoredColumn] = []
    unknown = _("名册不登记这一项，该列未导入。")
    for index, value in enumerate(cells):
        name = normalise_heading(value)
        if not name or name in SKIPPED_HEADINGS:
            continue
        match = match_heading(value)
        if match is None:
            ignored.append(IgnoredColumn(index, shown_heading(value), unknown))
            continue
        column, rank = match
        candidates.setdefault(column.key, []).append((rank, index, shown_heading(value)))
    used = []
    for key, found in candidates.items():
        column = COLUMNS_BY_KEY[key]
        winner, *others = sorted(found)
        used.append(UsedColumn(winner[1], winner[2], column))
        ignored += [_duplicate(other, winner, column) for other in others]
    missing = [c for c in COLUMNS if c.required and c.key not in candidates]
    return Headings(sorted(used, key=lambda u: u.index), sorted(ignored, key=lambda i: i.index), missing)


def is_header_row(cells: Iterable) -> bool:
    """A row holding a 姓名 and a 身份证号码 heading (in any of their accepted forms)."""
    keys = {match[0].key for match in map(match_heading, cells) if match}
    return {"name", "id_number"} <= keys


def accepted_headings(column: Column) -> str:
    """A column's accepted headings, for messages: 出生日期、出生年月日、出生年月…"""
    return "、".join(column.headings)
