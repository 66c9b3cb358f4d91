"""Items like the one under review, so the office can spot a repeated suggestion and merge it (并案) or see how
an earlier one was answered (监督法 Art. 12: problems that suggestions raise repeatedly deserve attention).

Similarity is the Dice coefficient of Chinese character bigrams: pg_trgm's similarity() sees no trigrams in
CJK text in a C-locale database, and bigrams are how Chinese words are mostly built. The score weighs the
titles (after dropping the boilerplate "关于……的建议") three times as much as the bodies. Only the titles of the
congress's items are read to find candidates; the bodies are read for those whose title could still reach the
threshold, so a congress with thousands of items costs two queries.
"""

import re
from dataclasses import dataclass

from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from tenant_apps.suggestions.models import Status, Suggestion
from tenant_apps.suggestions.permissions import is_office
from tenant_apps.suggestions.screening import REVIEW_STATUSES
from tenant_apps.suggestions.workflow import TRANSITIONS

TITLE_WEIGHT, BODY_WEIGHT = 0.75, 0.25
THRESHOLD = 0.3
# A title scoring below this cannot reach THRESHOLD even with an identical body: skip its body.
TITLE_FLOOR = (THRESHOLD - BODY_WEIGHT) / TITLE_WEIGHT
BODY_CHARS = 2000  # enough of a body to compare; suggestions are rarely longer
MAX_CANDIDATES = 200
_NOT_CONTENT = re.compile(r"[\W_]+")
_TITLE_PREFIXES = ("关于",)
_TITLE_SUFFIXES = ("的建议", "的议案", "的意见", "建议", "议案")


@dataclass(frozen=True)
class Similar:
    item: Suggestion
    score: float

    @property
    def year(self) -> int:
        return timezone.localtime(self.item.submitted_at or self.item.created_at).year


def _title_core(title: str) -> str:
    text = _NOT_CONTENT.sub("", title.casefold())
    for prefix in _TITLE_PREFIXES:
        text = text.removeprefix(prefix)
    for suffix in _TITLE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of `text` without whitespace and punctuation (a lone character stands alone)."""
    text = _NOT_CONTENT.sub("", text.casefold())
    if len(text) < 2:
        return frozenset({text} if text else ())
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice's coefficient of two sets: 2|A∩B| / (|A|+|B|), 0 when either is empty."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similar_items(item: Suggestion, limit: int = 5) -> list[Similar]:
    """The congress's other items (not drafts; closed ones and earlier years' included) scoring at least
    THRESHOLD against `item`, best first. For the office, which sees every item that is not a draft."""
    wanted = bigrams(_title_core(item.title))
    if not wanted:
        return []
    others = Suggestion.objects.exclude(pk=item.pk).exclude(status=Status.DRAFT)
    title_scores = {}
    for pk, title in others.values_list("pk", "title").iterator(chunk_size=2000):
        score = dice(wanted, bigrams(_title_core(title)))
        if score >= TITLE_FLOOR:
            title_scores[pk] = score
    candidates = sorted(title_scores, key=title_scores.__getitem__, reverse=True)[:MAX_CANDIDATES]
    if not candidates:
        return []
    body = bigrams(item.body[:BODY_CHARS])
    rows = (
        Suggestion.objects.filter(pk__in=candidates)
        .annotate(body_head=Substr("body", 1, BODY_CHARS))
        .only("pk", "kind", "number", "title", "status", "result_category", "submitted_at", "created_at")
    )
    found = []
    for row in rows:
        score = TITLE_WEIGHT * title_scores[row.pk] + BODY_WEIGHT * dice(body, bigrams(row.body_head))
        if score >= THRESHOLD:
            found.append(Similar(row, round(score, 3)))
    found.sort(key=lambda s: (-s.score, -s.item.pk))
    return found[:limit]


def panel(request, item: Suggestion) -> dict | None:
    """Similar items, for the office while it reviews the item (submitted or accepted), with a button to merge
    the item into an accepted one (the workflow's "merge" action); None when nothing is similar."""
    access = request.access
    if item.status not in REVIEW_STATUSES or not is_office(access):
        return None
    found = similar_items(item)
    if not found:
        return None
    merge = TRANSITIONS["merge"]
    may_merge = item.status in merge.sources and merge.permission(access, item)
    rows = [
        {
            "similar": s,
            "url": reverse("suggestions:detail", args=[s.item.pk]),
            "percent": round(s.score * 100),
            "can_merge_into": may_merge and s.item.status == Status.ACCEPTED,
        }
        for s in found
    ]
    return {"template": "suggestions/_panel_similar.html", "item": item, "rows": rows, "may_merge": may_merge}
