"""Per-congress settings: typed specs with statutory defaults, province-wide defaults, local overrides.

The effective value of a setting is the spec's default, replaced by the provincial administrator's default,
replaced by the congress's own value. Modules add their own specs with `register_spec`.
"""

from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tenants.language import pick

KINDS = ("int", "bool", "text", "choices", "terms")


@dataclass(frozen=True)
class SettingSpec:
    """One setting. `kind`: int (with bounds), bool (a rule on or off), text, choices (list of [code, label]),
    terms (key → label)."""

    key: str
    label_zh: str
    label_en: str
    kind: str
    default: Any
    min_value: int | None = None
    max_value: int | None = None
    help_zh: str = ""

    @property
    def label(self) -> str:
        return pick(self.label_zh, self.label_en)


_specs: dict[str, SettingSpec] = {}


def register_spec(spec: SettingSpec) -> None:
    if spec.kind not in KINDS:
        raise ValueError(f"Unknown setting kind {spec.kind!r} for {spec.key}.")
    _specs[spec.key] = spec


def all_specs() -> list[SettingSpec]:
    return [_specs[key] for key in sorted(_specs)]


def get_spec(key: str) -> SettingSpec:
    return _specs[key]


def clean_preferences(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a mapping of setting key → value; return it normalised or raise ValidationError by key."""
    if not isinstance(values, dict):
        raise ValidationError(_("设置必须是键值对。"))
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        spec = _specs.get(key)
        if spec is None:
            errors[key] = [_("未知的设置项。")]
            continue
        try:
            cleaned[key] = _clean_value(spec, value)
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_value(spec: SettingSpec, value: Any) -> Any:
    if spec.kind == "int":
        return _clean_int(spec, value)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ValidationError(_("必须是“是”或“否”。"))
        return value
    if spec.kind == "text":
        if not isinstance(value, str):
            raise ValidationError(_("必须是文本。"))
        return value.strip()
    if spec.kind == "choices":
        return _clean_choices(value)
    return _clean_terms(spec, value)


def _clean_int(spec: SettingSpec, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(_("必须是整数。"))
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(_("必须是整数。")) from None
    if spec.min_value is not None and number < spec.min_value:
        raise ValidationError(_("不能小于 %(n)d。") % {"n": spec.min_value})
    if spec.max_value is not None and number > spec.max_value:
        raise ValidationError(_("不能大于 %(n)d。") % {"n": spec.max_value})
    return number


def _clean_choices(value: Any) -> list[list[str]]:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("至少需要一个选项。"))
    codes: set[str] = set()
    cleaned = []
    for item in value:
        if not (isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            raise ValidationError(_("每个选项必须是 [代码, 名称]。"))
        code, label = item[0].strip(), item[1].strip()
        if not code or not label:
            raise ValidationError(_("选项的代码和名称都不能为空。"))
        if code in codes:
            raise ValidationError(_("选项代码“%(code)s”重复。") % {"code": code})
        codes.add(code)
        cleaned.append([code, label])
    return cleaned


def _clean_terms(spec: SettingSpec, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValidationError(_("术语必须是键值对。"))
    unknown = set(value) - set(spec.default)
    if unknown:
        raise ValidationError(_("未知的术语：%(keys)s。") % {"keys": ", ".join(sorted(unknown))})
    cleaned = {}
    for key, label in value.items():
        if not isinstance(label, str) or not label.strip():
            raise ValidationError(_("术语“%(key)s”的名称不能为空。") % {"key": key})
        cleaned[key] = label.strip()
    return cleaned


def effective_preferences(platform: dict[str, Any], congress: dict[str, Any]) -> dict[str, Any]:
    """Merge spec defaults, the province's defaults and the congress's own values (terms merge by key)."""
    result: dict[str, Any] = {}
    for spec in all_specs():
        value = spec.default
        for layer in (platform, congress):
            if spec.key in layer:
                value = {**value, **layer[spec.key]} if spec.kind == "terms" else layer[spec.key]
        result[spec.key] = value
    return result


class _IntBounds(TypedDict):
    kind: str
    min_value: int
    max_value: int


def register_core_specs() -> None:
    """The settings every congress has, with defaults from shared/domain/RULES.md."""
    days: _IntBounds = {"kind": "int", "min_value": 1, "max_value": 365}
    months: _IntBounds = {"kind": "int", "min_value": 1, "max_value": 12}
    for spec in (
        # 代表法 Art. 51 and local rules: assign between-session suggestions within 7 working days.
        SettingSpec(
            "deadline.assign_between_sessions_working_days",
            "闭会期间建议交办时限（工作日）",
            "Assign a between-sessions suggestion within (working days)",
            default=7,
            **days,
        ),
        SettingSpec(
            "deadline.assign_after_session_months",
            "大会期间建议交办时限（闭会后月数）",
            "Assign the session's suggestions within (months after closing)",
            default=1,
            **months,
        ),
        SettingSpec(
            "deadline.return_misassigned_working_days",
            "交办不当退回时限（工作日）",
            "Return a mis-assigned item within (working days)",
            default=7,
            **days,
        ),
        SettingSpec(
            "deadline.joint_opinion_months",
            "会办意见时限（月）",
            "Joint unit's opinion to the lead unit within (months)",
            default=1,
            **months,
        ),
        # 代表法 Art. 51: reply within 3 months of assignment, at most 6 for complex items.
        SettingSpec("deadline.reply_months", "答复时限（月）", "Reply within (months)", default=3, **months),
        SettingSpec(
            "deadline.extension_max_months",
            "延期上限（月）",
            "Longest extension (months)",
            default=3,
            **months,
        ),
        SettingSpec(
            "deadline.consultation_days",
            "面商时限（日）",
            "Meet the lead deputy within (days)",
            default=20,
            **days,
        ),
        SettingSpec(
            "deadline.evaluation_working_days",
            "代表评价时限（工作日）",
            "Deputy's evaluation within (working days)",
            default=20,
            **days,
        ),
        SettingSpec(
            "deadline.rehandle_months",
            "重新办理时限（月）",
            "Re-handling reply within (months)",
            default=1,
            **months,
        ),
        SettingSpec(
            "categories.result",
            "办理结果分类",
            "Result categories",
            kind="choices",
            default=[
                ["A", "已经解决或者基本解决"],
                ["B", "正在解决或者列入规划逐步解决"],
                ["C", "因目前条件限制需待以后解决"],
                ["D", "留作参考"],
            ],
        ),
        SettingSpec(
            "categories.public_message",
            "群众留言分类",
            "Public message categories",
            kind="choices",
            default=[["public_sentiment", "社情民意"], ["opinion", "意见建议"], ["problem", "问题反映"]],
        ),
        SettingSpec(
            "categories.evaluation",
            "评价等级",
            "Evaluation scale",
            kind="choices",
            default=[["satisfied", "满意"], ["basically_satisfied", "基本满意"], ["unsatisfied", "不满意"]],
        ),
        SettingSpec(
            "notices.channels",
            "通知可用的发送方式（sms 短信、email 电子邮件；删去一行即停用）",
            "Channels notices may use (sms, email; remove a row to switch it off)",
            kind="choices",
            default=[["sms", "短信"], ["email", "电子邮件"]],
        ),
        SettingSpec(
            "terminology",
            "术语",
            "Terminology",
            kind="terms",
            default={
                "office": "人大办公室",
                "liaison_station": "代表联络站",
                "studio": "代表工作室",
                "deputy_home": "代表之家",
                "deputy_group": "代表小组",
                "suggestion": "代表建议",
            },
        ),
    ):
        register_spec(spec)
