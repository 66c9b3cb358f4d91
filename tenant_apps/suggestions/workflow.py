"""The life cycle of a motion or suggestion: ONE table of transitions (SUGGESTIONS), run by the platform's
workflow core (tenants.workflow.apply_transition, called by services.suggestion_transition) and read by the
pages and the API that show which actions the caller has.

Each Transition says from which statuses the action starts, where it may lead, who may take it, and what it
does to the item (`effect`). An effect validates its input before it changes anything, sets fields on the
locked item through `step.set` and returns the target status; the core saves, runs the hooks and logs.
"""

from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.memberships.permissions import Access
from shared_apps.workdays.calendar import add_working_days, deadline_after_months
from tenant_apps.suggestions import commitments, inbox, notices
from tenant_apps.suggestions import permissions as perms
from tenant_apps.suggestions.attachments import reply_letter_present
from tenant_apps.suggestions.models import (
    Assignment,
    AssignmentRole,
    ContactKind,
    Evaluation,
    EvaluationLevel,
    Kind,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenant_apps.units.models import HandlingUnit, UnitStaff
from tenants.fields import max_length
from tenants.selectors import effective_settings
from tenants.workflow import Notify, Refusals, Step, Transition, Workflow
from tenants.workflow import allowed_actions as allowed_on

__all__ = ["SUGGESTIONS", "TRANSITIONS", "Status", "allowed_actions", "motion_quorum"]

# 地方组织法 Art. 22: a motion needs 10 or more deputies at county tier and above, 5 or more at township tier.
# The quorum is national law, not a local default, so it is a constant rather than a per-congress setting.
# The lead deputy counts: 代表十人以上联名 means ten signatories in all.
MOTION_QUORUM = 10
MOTION_QUORUM_TOWNSHIP = 5
_NUMBER_LOCK = 1398099783  # "SUGG": the first key of this app's advisory locks


def motion_quorum(congress) -> int:
    """How many deputies (the lead deputy and confirmed co-signers) a motion needs in `congress`."""
    return MOTION_QUORUM_TOWNSHIP if congress.tier == "township" else MOTION_QUORUM


class SuggestionStep(Step):
    """A step of the suggestions workflow: the item, and the congress's settings in force (deadlines,
    categories), read once."""

    @property
    def item(self) -> Suggestion:
        return self.obj

    @cached_property
    def settings(self) -> dict:
        # apply_transition makes steps only after require_here (in_schema_of is False for None).
        assert self.access.congress is not None
        return effective_settings(self.access.congress)


EVALUATION_REASON_MAX = max_length(Evaluation, "reason")


def _codes(choices) -> list[str]:
    return [code for code, _label in choices]


def _required_text(step: SuggestionStep, key: str, message: str) -> str:
    value = str(step.data.get(key) or "").strip()
    if not value:
        raise ValidationError({key: [message]})
    return value


# -- effects -------------------------------------------------------------------------------------------


def _submit(step: SuggestionStep) -> str:
    item = step.item
    if item.kind == Kind.MOTION:
        needed = motion_quorum(step.access.congress)
        signatories = 1 + item.cosigners.filter(confirmed_at__isnull=False).count()
        if signatories < needed:
            raise ValidationError(
                {
                    "cosigners": [
                        _("议案须由代表%(n)d人以上联名（地方组织法第二十二条），目前确认联名的只有%(have)d人。")
                        % {"n": needed, "have": signatories}
                    ]
                }
            )
    if item.number is None:
        step.set(number=_next_number(step.access.congress))
    step.set(submitted_at=step.now)
    step.event_data["number"] = item.number
    return Status.SUBMITTED


def _next_number(congress) -> int:
    # Race: two submissions at once would both read the same maximum; the advisory lock makes them take turns
    # (the unique constraint on number is the backstop).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_NUMBER_LOCK, congress.pk])
    return (Suggestion.objects.aggregate(top=Max("number"))["top"] or 0) + 1


def _withdraw(step: SuggestionStep) -> str:
    confirmed = step.item.cosigners.filter(confirmed_at__isnull=False).count()
    # RULES.md: a deputy may withdraw in writing; a joint item needs every co-signer's agreement.
    if confirmed and step.data.get("all_cosigners_agree") is not True:
        raise ValidationError(
            {"all_cosigners_agree": [_("联名提出的议案建议须经全体附议代表同意才能撤回，请确认已取得同意。")]}
        )
    step.event_data["all_cosigners_agree"] = bool(confirmed)
    return Status.WITHDRAWN


def _accept(step: SuggestionStep) -> str:
    step.set(accepted_at=step.now)
    return Status.ACCEPTED


def _return(step: SuggestionStep) -> str:
    return Status.RETURNED


def _convert(step: SuggestionStep) -> str:
    step.set(kind=Kind.SUGGESTION)
    step.event_data["from_kind"] = Kind.MOTION
    return Status.SUBMITTED


def _merge(step: SuggestionStep) -> str:
    into: Any = step.data.get("into")  # the caller's input as given; int() refuses a missing or bad one
    try:
        into_id = int(into)
    except (TypeError, ValueError):
        raise ValidationError({"into": [_("请选择要并入的议案建议。")]}) from None
    target = Suggestion.objects.select_for_update().filter(pk=into_id).first()
    if target is None or target.pk == step.item.pk or target.status != Status.ACCEPTED:
        raise ValidationError({"into": [_("只能并入另一件已立案的议案建议。")]})
    step.set(merged_into=target)
    step.event_data["into"] = target.pk
    return Status.MERGED


def _assign(step: SuggestionStep) -> str:
    wanted = _clean_units(step.data.get("units"))
    step.item.assignments.all().delete()
    Assignment.objects.bulk_create(
        [Assignment(suggestion=step.item, unit_id=unit_id, role=role) for unit_id, role in wanted]
    )
    # 代表法 Art. 51: reply within 3 months of assignment (a per-congress setting), on a working day.
    months = step.settings["deadline.reply_months"]
    step.set(assigned_at=step.now, reply_due=deadline_after_months(step.access.congress, step.today, months))
    step.event_data["units"] = [{"unit": unit_id, "role": role} for unit_id, role in wanted]
    return Status.ASSIGNED


def _clean_units(value) -> list[tuple[int, str]]:
    """[(unit id, role)] from [{"unit": id, "role": role}]: active units, each once, exactly one lead unit."""
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError({"units": [_("请指定承办单位。")]})
    wanted: list[tuple[int, str]] = []
    for entry in value:
        try:
            unit_id, role = int(entry["unit"]), str(entry["role"])
        except (TypeError, ValueError, KeyError):
            raise ValidationError({"units": [_("每个承办单位须写明单位和办理方式。")]}) from None
        if role not in AssignmentRole.values:
            raise ValidationError({"units": [_("未知的办理方式：%(role)s。") % {"role": role}]})
        wanted.append((unit_id, role))
    ids = [unit_id for unit_id, _role in wanted]
    if len(set(ids)) != len(ids):
        raise ValidationError({"units": [_("同一承办单位只能指定一次。")]})
    if [role for _id, role in wanted].count(AssignmentRole.LEAD) != 1:
        raise ValidationError({"units": [_("须指定且只能指定一个主办单位。")]})
    if HandlingUnit.objects.filter(pk__in=ids, is_active=True).count() != len(ids):
        raise ValidationError({"units": [_("承办单位不存在或已停用。")]})
    return wanted


def _return_misassigned(step: SuggestionStep) -> str:
    item = step.item
    days = step.settings["deadline.return_misassigned_working_days"]
    # RULES.md: a unit returns a mis-assigned item within 7 working days of assignment (per-congress setting).
    last_day = add_working_days(step.access.congress, timezone.localdate(item.assigned_at), days)
    if step.today > last_day:
        raise ValidationError(
            {"status": [_("交办不当须在交办后%(n)d个工作日内（%(date)s前）退回。") % {"n": days, "date": last_day}]}
        )
    step.event_data["units"] = list(item.assignments.values("unit_id", "role"))
    step.event_data["returned_by_units"] = list(
        UnitStaff.objects.filter(user_id=step.access.user.pk, unit_id__in=item.assignments.values("unit_id"))
        .values_list("unit_id", flat=True)
        .order_by("unit_id")
    )
    item.assignments.all().delete()
    step.set(assigned_at=None, reply_due=None)
    return Status.ACCEPTED


def _reply(step: SuggestionStep) -> str:
    category = str(step.data.get("result_category") or "").strip()
    if category not in _codes(step.settings["categories.result"]):
        raise ValidationError({"result_category": [_("请选择本级人大规定的办理结果分类。")]})
    text = _required_text(step, "reply_public_text", _("请填写答复的公开文本。"))
    coming = step.item.reply_round + 1
    if step.settings["reply.letter_required"] and not reply_letter_present(step.item, coming):
        raise ValidationError({"reply_letter": [_("请先上传本次答复的答复函：本级人大规定答复须附主办单位的答复函。")]})
    meeting_held = step.item.contacts.filter(kind=ContactKind.MEETING).exists()
    if step.settings["reply.meeting_required"] and not meeting_held:
        raise ValidationError({"meeting": [_("请先记录与领衔代表的面商：本级人大规定答复前须面商。")]})
    step.set(
        replied_at=step.now,
        result_category=category,
        reply_public_text=text,
        reply_round=step.item.reply_round + 1,
    )
    # RULES.md: units meet the lead deputy (面商) and reply with a letter (答复函, uploaded as an attachment).
    # Each is refused above where the congress's settings require it; either way the event records both (the
    # bulletin's meeting rate) and the reply's text, so a re-handled item still shows its earlier answer.
    step.event_data.update(
        result_category=category,
        round=step.item.reply_round,
        meeting_held=meeting_held,
        reply_letter=reply_letter_present(step.item, step.item.reply_round),
        text=text,
    )
    return Status.REPLIED


def _evaluate(step: SuggestionStep) -> str:
    item = step.item
    levels = _codes(step.settings["categories.evaluation"])
    attitude, result = step.data.get("attitude"), step.data.get("result")
    if attitude not in levels:
        raise ValidationError({"attitude": [_("请评价办理态度。")]})
    if result not in levels:
        raise ValidationError({"result": [_("请评价办理结果。")]})
    # RULES.md: a rating below the top of the scale (基本满意, 不满意) says why, for the unit's re-handling.
    reason = str(step.data.get("reason") or "").strip()
    if (attitude != levels[0] or result != levels[0]) and not reason:
        raise ValidationError({"reason": [_("评价为基本满意或不满意时，请写明理由，供承办单位改进或重新办理。")]})
    if len(reason) > EVALUATION_REASON_MAX:
        raise ValidationError({"reason": [_("理由不能超过%(n)d字。") % {"n": EVALUATION_REASON_MAX}]})
    deputy_id = perms.deputy_id_of(step.access.user)
    assert deputy_id is not None  # the transition's predicate, perms.is_item_deputy, refuses callers who are not
    if Evaluation.objects.filter(suggestion=item, deputy_id=deputy_id, round=item.reply_round).exists():
        raise ValidationError({"result": [_("您已评价过这次答复。")]})
    Evaluation.objects.create(
        suggestion=item, deputy_id=deputy_id, round=item.reply_round, attitude=attitude, result=result, reason=reason
    )
    step.event_data.update(attitude=attitude, result=result, round=item.reply_round, reason=reason)
    if deputy_id != item.lead_deputy_id:
        return Status.REPLIED  # a co-signer's rating is kept; the lead deputy's rating moves the item
    round_results = Evaluation.objects.filter(suggestion=item, round=item.reply_round).values_list("result", flat=True)
    if EvaluationLevel.UNSATISFIED in round_results:
        # RULES.md: re-handling after "unsatisfied" gets a new reply within 1 month (per-congress setting).
        months = step.settings["deadline.rehandle_months"]
        step.set(reply_due=deadline_after_months(step.access.congress, step.today, months))
        return Status.REHANDLING
    step.set(closed_at=step.now)
    return Status.CLOSED


def _close(step: SuggestionStep) -> str:
    step.set(closed_at=step.now)
    return Status.CLOSED


# -- the table -----------------------------------------------------------------------------------------

S = Status
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        gettext_lazy("提交"),
        frozenset({S.DRAFT}),
        (S.SUBMITTED,),
        perms.can_submit,
        _submit,
        notify=Notify(notices.office, "suggestion_submitted", gettext_lazy("%(item)s已提交，请审查"), immediate=False),
    ),
    "withdraw": Transition(
        gettext_lazy("撤回"),
        frozenset({S.DRAFT, S.SUBMITTED, S.ACCEPTED}),
        (S.WITHDRAWN,),
        perms.is_lead_deputy,
        _withdraw,
        notify=Notify(
            notices.office_if_submitted,
            "suggestion_withdrawn",
            gettext_lazy("%(item)s已由领衔代表撤回"),
            immediate=False,
        ),
    ),
    "accept": Transition(
        gettext_lazy("立案"),
        frozenset({S.SUBMITTED}),
        (S.ACCEPTED,),
        lambda a, s: perms.is_office(a),
        _accept,
        notify=Notify(notices.deputies, "suggestion_accepted", gettext_lazy("您的%(item)s已立案"), immediate=False),
    ),
    "return": Transition(
        gettext_lazy("退回"),
        frozenset({S.SUBMITTED}),
        (S.RETURNED,),
        lambda a, s: perms.is_office(a),
        _return,
        note_required=True,
        notify=Notify(notices.deputies, "suggestion_returned", gettext_lazy("您的%(item)s被退回"), notices.reason),
    ),
    "convert_to_suggestion": Transition(
        gettext_lazy("议案转建议"),
        frozenset({S.SUBMITTED}),
        (S.SUBMITTED,),
        lambda a, s: perms.is_office(a),
        _convert,
        applies=lambda a, s: s.kind == Kind.MOTION,
        notify=Notify(
            notices.deputies, "suggestion_converted", gettext_lazy("您的议案已转为建议：%(item)s"), immediate=False
        ),
    ),
    "merge": Transition(
        gettext_lazy("并案"),
        frozenset({S.SUBMITTED, S.ACCEPTED}),
        (S.MERGED,),
        lambda a, s: perms.is_office(a),
        _merge,
        notify=Notify(notices.deputies, "suggestion_merged", gettext_lazy("您的%(item)s已并案办理"), immediate=False),
    ),
    "assign": Transition(
        gettext_lazy("交办"),
        frozenset({S.ACCEPTED}),
        (S.ASSIGNED,),
        lambda a, s: perms.is_office(a),
        _assign,
        notify=Notify(notices.unit_staff, "suggestion_assigned", gettext_lazy("交办：%(item)s，请按期办理答复")),
    ),
    "return_misassigned": Transition(
        gettext_lazy("退回交办"),
        frozenset({S.ASSIGNED}),
        (S.ACCEPTED,),
        perms.is_assigned_unit_staff,
        _return_misassigned,
        note_required=True,
        notify=Notify(
            notices.office, "suggestion_misassigned", gettext_lazy("%(item)s被承办单位退回，请重新交办"), notices.reason
        ),
    ),
    "reply": Transition(
        gettext_lazy("答复"),
        frozenset({S.ASSIGNED, S.REHANDLING}),
        (S.REPLIED,),
        perms.is_lead_unit_staff,
        _reply,
        notify=Notify(notices.deputies, "suggestion_replied", gettext_lazy("您的%(item)s已答复，请评价")),
    ),
    "evaluate": Transition(
        gettext_lazy("评价"),
        frozenset({S.REPLIED}),
        (S.CLOSED, S.REHANDLING, S.REPLIED),
        perms.is_item_deputy,
        _evaluate,
        notify=Notify(
            notices.after_evaluation,
            "suggestion_evaluated",
            notices.evaluation_title,
            notices.evaluation,
        ),
    ),
    "close": Transition(
        gettext_lazy("办结"),
        frozenset({S.REPLIED}),
        (S.CLOSED,),
        lambda a, s: perms.is_office(a),
        _close,
        notify=Notify(notices.deputies_and_lead_unit, "suggestion_closed", gettext_lazy("%(item)s已办结")),
    ),
}


# What the history calls each kind of event (the actions take theirs from TRANSITIONS).
EVENT_LABELS = {
    "create": gettext_lazy("起草"),
    "update": gettext_lazy("修改草稿"),
    "cosigner_add": gettext_lazy("邀请附议"),
    "cosigner_confirm": gettext_lazy("确认附议"),
    "contact_log": gettext_lazy("记录沟通"),
    "joint_opinion": gettext_lazy("会办意见"),
    "extension_request": gettext_lazy("申请延期"),
    "extension_decide": gettext_lazy("审批延期"),
    "attachment_add": gettext_lazy("上传附件"),
    "attachment_remove": gettext_lazy("删除附件"),
    "key_mark": gettext_lazy("列为重点督办"),
    "key_unmark": gettext_lazy("取消重点督办"),
    "key_followup": gettext_lazy("督办跟进"),
    "commitment_update": gettext_lazy("承诺落实进展"),
    "commitment_solved": gettext_lazy("承诺已落实"),
    "commitment_reopened": gettext_lazy("承诺重新跟踪"),
    "publish": gettext_lazy("公开"),
    "unpublish": gettext_lazy("取消公开"),
    "confidentiality": gettext_lazy("设置保密要求"),
    "remind": gettext_lazy("到期提醒"),
    "urge": gettext_lazy("催办"),
}


SUGGESTIONS = Workflow(
    name="suggestions",
    model=Suggestion,
    event_model=SuggestionEvent,
    transitions=TRANSITIONS,
    refusals=Refusals(
        elsewhere=perms.HERE_ONLY,
        wrong_status=gettext_lazy("“%(status)s”的议案建议不能%(action)s。"),
        forbidden=gettext_lazy("您无权%(action)s这件议案建议。"),
        not_applicable=gettext_lazy("这件议案建议不能%(action)s。"),
    ),
    step_class=SuggestionStep,
    # What follows every step in its transaction: a B/C answer opens its commitment; the deputies' waiting
    # counts (the workspace's read model) are recomputed.
    hooks=(commitments.on_step, inbox.on_step),
    deliver=notices.deliver,
    event_labels=EVENT_LABELS,
)


def allowed_actions(access: Access, suggestion: Suggestion) -> list[str]:
    """The actions the caller may take on the item now, in table order (the buttons a page shows)."""
    return allowed_on(SUGGESTIONS, access, suggestion)
