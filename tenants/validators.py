"""Validation of statistical division codes (统计用区划代码) and subdomains."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# 2 province + 2 city + 2 county + 3 township + 3 village digits. Congresses sit at the first four levels,
# so the village part is always 000. Each tier owns one segment: (start, end) of the segment in the code.
TIER_SEGMENT = {"province": (0, 2), "city": (2, 4), "county": (4, 6), "township": (6, 9)}
TIER_ORDER = ["province", "city", "county", "township"]
PARENT_TIER = {"city": "province", "county": "city", "township": "county"}

SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
RESERVED_SUBDOMAINS = frozenset(
    {"www", "api", "admin", "static", "media", "mail", "smtp", "console", "root", "public", "template"}
)


def validate_division_code(code: str, tier: str, parent_code: str | None) -> None:
    """Raise ValidationError unless `code` is a well-formed 12-digit code for `tier` under `parent_code`."""
    if not re.fullmatch(r"\d{12}", code or ""):
        raise ValidationError(_("区划代码必须是12位数字。"), code="format")
    start, end = TIER_SEGMENT[tier]
    if code[start:end].strip("0") == "":
        raise ValidationError(_("区划代码第%(a)d–%(b)d位不能全为0。") % {"a": start + 1, "b": end}, code="segment")
    if code[end:].strip("0") != "":
        raise ValidationError(_("区划代码第%(a)d位起必须全为0。") % {"a": end + 1}, code="trailing")
    if parent_code is not None and code[:start] != parent_code[:start]:
        raise ValidationError(
            _("区划代码前%(n)d位必须与上级人大的代码 %(parent)s 一致。") % {"n": start, "parent": parent_code},
            code="prefix",
        )


def validate_subdomain(value: str) -> None:
    """Raise ValidationError unless `value` can serve as a congress's subdomain."""
    if not SUBDOMAIN_RE.fullmatch(value or ""):
        raise ValidationError(
            _("子域名只能包含小写字母、数字和连字符，长度1–40，且不能以连字符开头或结尾。"), code="format"
        )
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(_("子域名“%(value)s”为系统保留。") % {"value": value}, code="reserved")
