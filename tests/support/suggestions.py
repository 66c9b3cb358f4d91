"""Motions and suggestions: Huaxi's World (units, staff and items built through the services, as the personas
would), the persona allowed each action, the paths to every status, and snapshots of what an action may change."""

import contextlib
import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from tenant_apps.suggestions import services
from tenant_apps.suggestions.attachments import REPLY_LETTER_STATUSES, attachment_add, reply_letter_present
from tenant_apps.suggestions.models import (
    Assignment,
    Contact,
    CoSigner,
    Evaluation,
    Extension,
    JointOpinion,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenant_apps.units import services as units

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LETTER = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # the smallest file the upload check accepts

# The persona who may take each action on the items the tests build (Yang leads them; Liu staffs the lead unit).
ALLOWED = {
    "submit": "yang",
    "withdraw": "yang",
    "accept": "zhang",
    "return": "zhang",
    "convert_to_suggestion": "zhang",
    "merge": "li",
    "assign": "zhang",
    "return_misassigned": "liu",
    "reply": "liu",
    "evaluate": "yang",
    "close": "li",
}

# How to reach each status from a fresh draft: (persona, action) steps; inputs come from World.input_for.
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: ["submit"],
    Status.ACCEPTED: ["submit", "accept"],
    Status.RETURNED: ["submit", "return"],
    Status.WITHDRAWN: ["withdraw"],
    Status.MERGED: ["submit", "merge"],
    Status.ASSIGNED: ["submit", "accept", "assign"],
    Status.REPLIED: ["submit", "accept", "assign", "reply"],
    Status.REHANDLING: [
        "submit",
        "accept",
        "assign",
        "reply",
        ("evaluate", {"result": "unsatisfied", "reason": "停车场仍未开放。"}),
    ],
    Status.CLOSED: ["submit", "accept", "assign", "reply", "close"],
}


class World:
    """Huaxi with three units (education bureau staffed by Liu, court by Kong, farm bureau by Hu) and an
    accepted item to merge into. Items are built through the services, as the personas would."""

    def __init__(self, users, huaxi):
        self.users, self.huaxi = dict(users), huaxi
        li = self.as_("li")
        with huaxi:
            self.bureau = units.unit_create(access=li, data={"name": "花溪区教育局"})
            self.court = units.unit_create(access=li, data={"name": "花溪区人民法院", "kind": "court"})
            self.farm = units.unit_create(access=li, data={"name": "花溪区农业农村局"})
            units.staff_add(access=li, unit=self.bureau, email="liu@example.org")
            units.staff_add(access=li, unit=self.court, email="kong@example.org")
            units.staff_add(access=li, unit=self.farm, email="hu@example.org")
        user_model = get_user_model()
        self.users.update({p: user_model.objects.get(email=f"{p}@example.org") for p in ("kong", "hu")})
        with huaxi:
            self.target = self.drive(Status.ACCEPTED)
        connection.set_schema_to_public()

    def as_(self, persona: str) -> Access:
        user = self.users[persona]
        return Access(user=user, congress=self.huaxi, roles=roles_for(user, self.huaxi))

    def draft(self, kind: str = "suggestion", signers=()) -> Suggestion:
        item = services.suggestion_draft_create(
            access=self.as_("yang"),
            data={"kind": kind, "title": "关于改善青岩古镇交通的建议", "body": "周末拥堵严重。", "category": "交通"},
        )
        for deputy in signers:
            services.cosigner_add(access=self.as_("yang"), suggestion=item, deputy_id=deputy.pk)
            access = Access(user=deputy.user, congress=self.huaxi, roles=roles_for(deputy.user, self.huaxi))
            services.cosigner_confirm(access=access, suggestion=item)
        return item

    def input_for(self, action: str) -> dict:
        return {
            "withdraw": {"note": "书面申请撤回", "all_cosigners_agree": True},
            "return": {"note": "属于个人事项，不作为建议"},
            "merge": {"into": getattr(self, "target", None) and self.target.pk},
            "assign": {"units": [{"unit": self.bureau.pk, "role": "lead"}, {"unit": self.court.pk, "role": "joint"}]},
            "return_misassigned": {"note": "不属于本单位职责"},
            "reply": {"result_category": "A", "reply_public_text": "已增设停车场和接驳车。"},
            "evaluate": {"attitude": "satisfied", "result": "satisfied", "reason": "答复还需补充落实时间。"},
        }.get(action, {})

    def act(self, item: Suggestion, persona: str, action: str, **data) -> Suggestion:
        if action == "reply" and item.status in REPLY_LETTER_STATUSES:
            self.letter(item, persona)
        return services.suggestion_transition(
            access=self.as_(persona), suggestion=item, action=action, **{**self.input_for(action), **data}
        )

    def letter(self, item: Suggestion, persona: str = "liu") -> None:
        """The lead unit's reply letter for the coming reply (the congress requires one by default), once; the
        reply itself refuses a persona who may not upload one."""
        if not reply_letter_present(item, item.reply_round + 1):
            letter = SimpleUploadedFile("答复函.pdf", LETTER, content_type="application/pdf")
            with contextlib.suppress(PermissionDenied, ValidationError):
                attachment_add(access=self.as_(persona), suggestion=item, kind="reply_letter", uploaded_file=letter)

    def drive(self, status: str, kind: str = "suggestion", signers=()) -> Suggestion:
        """A new item in `status`, reached through the services."""
        item = self.draft(kind, signers)
        for step in PATHS[status]:
            action, data = step if isinstance(step, tuple) else (step, {})
            item = self.act(item, ALLOWED[action], action, **data)
        assert item.status == status
        return item


def snapshot(pk: int) -> tuple:
    """Everything an action may change about one item (the caller is in the congress's schema)."""
    return (
        Suggestion.objects.filter(pk=pk).values().get(),
        SuggestionEvent.objects.filter(suggestion_id=pk).count(),
        list(Assignment.objects.filter(suggestion_id=pk).order_by("pk").values_list("unit_id", "role")),
        list(Evaluation.objects.filter(suggestion_id=pk).order_by("pk").values_list("deputy_id", "round", "result")),
        list(CoSigner.objects.filter(suggestion_id=pk).order_by("pk").values_list("deputy_id", "confirmed_at")),
        Suggestion.objects.count(),
    )


def everything(pk: int) -> tuple:
    """snapshot() plus the handling rows of the item."""
    return (
        snapshot(pk),
        list(Contact.objects.filter(suggestion_id=pk).values_list("pk", "kind")),
        list(JointOpinion.objects.filter(suggestion_id=pk).values_list("pk", "unit_id")),
        list(Extension.objects.filter(suggestion_id=pk).values_list("pk", "approved", "months")),
    )


def at(monkeypatch, day: datetime.date) -> None:
    moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
