"""Admissibility screening: warnings for the office while it reviews an item (RULES.md "Not admissible as a
suggestion": personal or family matters, specific court or arbitration cases, accusations, appeals or
complaints, forwarded letters, promotion of products or academic work, items with no content).

The phrases come from the congress's setting `screening.admissibility` ([phrase, reason] pairs). A warning
refuses nothing: the office decides whether to accept, return or pass the item to the petitions office.
"""

import re

from django.utils.translation import gettext as _

from tenant_apps.suggestions.models import Status, Suggestion
from tenant_apps.suggestions.permissions import is_office
from tenants.selectors import effective_settings

# An item whose body has fewer meaningful characters than this is flagged as having almost no content.
MIN_BODY_CHARS = 15
REVIEW_STATUSES = frozenset({Status.SUBMITTED, Status.ACCEPTED})
_NOT_CONTENT = re.compile(r"[\W_]+")  # whitespace and punctuation (CJK characters count as word characters)


def admissibility_warnings(congress, item: Suggestion) -> list[str]:
    """One warning per reason of `screening.admissibility` whose phrases occur in the title or body (naming
    the phrases found, in the setting's order), then one if the body has almost no content."""
    text = f"{item.title}\n{item.body}".casefold()
    found: dict[str, list[str]] = {}
    for phrase, reason in effective_settings(congress)["screening.admissibility"]:
        if phrase.casefold() in text:
            found.setdefault(reason, []).append(phrase)
    warnings = [
        _("可能属于%(reason)s（含%(phrases)s）— 不宜作为建议的，可退回或转信访部门处理。")
        % {"reason": reason, "phrases": "、".join(f"“{p}”" for p in phrases)}
        for reason, phrases in found.items()
    ]
    if len(_NOT_CONTENT.sub("", item.body)) < MIN_BODY_CHARS:
        warnings.append(
            _("内容过于简单（正文不足%(n)d字）— 没有具体内容的不宜作为建议，可退回代表补充。") % {"n": MIN_BODY_CHARS}
        )
    return warnings


def panel(request, item: Suggestion) -> dict | None:
    """The warnings, for the office while it reviews the item (submitted or accepted); None when there are none."""
    if item.status not in REVIEW_STATUSES or not is_office(request.access):
        return None
    warnings = admissibility_warnings(request.access.congress, item)
    if not warnings:
        return None
    return {"template": "suggestions/_panel_screening.html", "warnings": warnings}
