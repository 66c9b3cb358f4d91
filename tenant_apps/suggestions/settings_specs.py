"""The module's own per-congress settings (RULES.md defaults), registered when the app is ready."""

from tenants.preferences import SettingSpec, register_spec

# RULES.md "Not admissible as a suggestion": phrases that hint an item is a personal matter, a court case, a
# complaint or a forwarded letter. They only warn the reviewer; the office decides.
ADMISSIBILITY_DEFAULT = [
    ["本人", "个人或家庭事务"],
    ["我家", "个人或家庭事务"],
    ["家属", "个人或家庭事务"],
    ["工资待遇", "个人或家庭事务"],
    ["判决", "具体司法或仲裁案件"],
    ["裁定", "具体司法或仲裁案件"],
    ["诉讼", "具体司法或仲裁案件"],
    ["仲裁", "具体司法或仲裁案件"],
    ["检举", "检举、申诉、控告"],
    ["申诉", "检举、申诉、控告"],
    ["控告", "检举、申诉、控告"],
    ["举报", "检举、申诉、控告"],
    ["转来", "转交的来信"],
    ["来信", "转交的来信"],
    ["推销", "推介产品或学术成果"],
    ["推广我公司", "推介产品或学术成果"],
]


def register() -> None:
    for spec in (
        SettingSpec(
            "reminder.before_working_days",
            "到期前提醒（工作日）",
            "Remind before a deadline (working days)",
            kind="int",
            default=5,
            min_value=1,
            max_value=60,
        ),
        SettingSpec(
            "reminder.urge_every_working_days",
            "逾期后催办间隔（工作日）",
            "Urge again after (working days overdue)",
            kind="int",
            default=5,
            min_value=1,
            max_value=60,
        ),
        SettingSpec(
            "categories.commitment",
            "须跟踪落实的办理结果分类",
            "Result categories tracked as commitments",
            kind="choices",
            default=[["B", "正在解决或者列入规划逐步解决"], ["C", "因目前条件限制需待以后解决"]],
        ),
        SettingSpec(
            "reply.letter_required",
            "主办单位答复须附答复函",
            "The lead unit's reply needs its reply letter",
            kind="bool",
            default=True,
        ),
        SettingSpec(
            "reply.meeting_required",
            "答复前须与领衔代表面商（记录面商）",
            "A meeting with the lead deputy is logged before the reply",
            kind="bool",
            default=False,
        ),
        SettingSpec(
            "screening.admissibility",
            "不宜作为建议的提示词",
            "Phrases that suggest an item is not admissible",
            kind="choices",
            default=ADMISSIBILITY_DEFAULT,
        ),
    ):
        register_spec(spec)
