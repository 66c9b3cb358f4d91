"""The API's JSON parser: DRF's, bounded. A body nested deeper than MAX_DEPTH (which would exhaust the
interpreter's recursion while decoding or walking it) and text holding a NUL character (which PostgreSQL
refuses) are a 400 with a clear message, never a 500."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(_("请求内容不是有效的 JSON。")) from None
        # Counting brackets first spares the scan for every ordinary body.
        if text.count("[") + text.count("{") > MAX_DEPTH and _nesting(text) > MAX_DEPTH:
            raise ParseError(_("JSON 嵌套层数不能超过 %(n)d 层。") % {"n": MAX_DEPTH})
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise ParseError(_("请求内容不是有效的 JSON。")) from None
        if _holds_nul(data):
            raise ParseError(_("请求中含有无效的空字符，已拒绝。"))
        return data


def _nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in `text`, outside strings, without decoding it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN and Infinity are not JSON


def _holds_nul(value) -> bool:
    """Whether a decoded body (at most MAX_DEPTH deep) holds a NUL character in any key or text."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False
