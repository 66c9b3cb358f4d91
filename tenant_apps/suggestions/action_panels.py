"""The item page's action panels: one per action the caller may take now, each with a heading, what it does,
its fields, and — for a step that cannot be undone — a confirmation the page asks for before posting it.

A posted action that fails comes back as the same panel with the caller's input and the errors by field, so
nothing typed is lost (views.transition re-renders the page instead of redirecting).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from tenant_apps.suggestions.workflow import TRANSITIONS

# What each action does, in one sentence for the person about to take it.
HELP = {
    "submit": gettext_lazy("提交后由人大办公室审查；提交前请确认内容和附议代表。"),
    "withdraw": gettext_lazy("撤回后本件不再办理。已有附议代表的，须全体附议代表同意。"),
    "accept": gettext_lazy("符合要求的，立案后交办承办单位。"),
    "return": gettext_lazy("不宜作为建议的，退回领衔代表并说明理由。"),
    "convert_to_suggestion": gettext_lazy("不宜作为议案的，转为建议办理，附议代表随之转入。"),
    "merge": gettext_lazy("内容相同或相近的，并入另一件已立案的议案建议一并办理。"),
    "assign": gettext_lazy("选择一个主办单位；需要时再选会办、协办或分办单位。"),
    "return_misassigned": gettext_lazy("不属于本单位职责的，退回人大办公室重新交办，并说明理由。"),
    "reply": gettext_lazy("答复前请上传答复函、记录与代表的沟通；答复后代表将收到通知并评价。"),
    "evaluate": gettext_lazy("分别评价办理态度和办理结果。满意或基本满意将办结本件；不满意将交承办单位重新办理。"),
    "close": gettext_lazy("代表逾期未评价等情形下，由人大办公室办结。"),
}

# Steps that cannot be undone ask the caller to confirm (a required box on the page; the API needs none).
CONFIRM = {
    "submit": gettext_lazy("我已核对，提交后不能再修改。"),
    "withdraw": gettext_lazy("我确认撤回，撤回后不能恢复。"),
    "return": gettext_lazy("我确认退回。"),
    "convert_to_suggestion": gettext_lazy("我确认将本议案转为建议。"),
    "merge": gettext_lazy("我确认并案，并案后本件不再单独办理。"),
    "return_misassigned": gettext_lazy("我确认退回交办。"),
    "reply": gettext_lazy("我已核对答复内容，提交后不能修改。"),
    "evaluate": gettext_lazy("我确认评价，提交后不能修改。"),
    "close": gettext_lazy("我确认办结，办结后不再办理。"),
}


# Errors shown under their own field in _actions.html; any other key is shown at the top of the panel.
FIELD_KEYS = frozenset(
    {"result_category", "reply_public_text", "commitment_text", "attitude", "result", "reason", "note", "confirm"}
)


@dataclass
class ActionPanel:
    action: str
    label: str
    help: str
    confirm: str
    posted: dict = field(default_factory=dict)  # the caller's input (last value of each key) after a failed post
    errors: dict = field(default_factory=dict)  # field → messages, after a failed post of this action

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    @property
    def general_errors(self) -> list[str]:
        """The errors no field of the panel shows (a wrong status, a missing letter, the units chosen …)."""
        return [m for key, messages in self.errors.items() if key not in FIELD_KEYS for m in messages]


def action_panels(actions, *, failed_action: str = "", post=None, errors=None) -> list[ActionPanel]:
    """A panel per allowed action; the one that failed keeps what was posted and carries its errors."""
    panels = []
    for action in actions:
        panel = ActionPanel(
            action, str(TRANSITIONS[action].label), str(HELP.get(action, "")), str(CONFIRM.get(action, ""))
        )
        if action == failed_action and post is not None:
            panel.posted = {key: post.get(key, "") for key in post}  # the pickers read their lists themselves
            panel.errors = errors or {}
        panels.append(panel)
    return panels
