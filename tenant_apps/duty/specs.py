"""The duty module's per-congress settings (tenants.preferences): the congress's own list of activity kinds, and
whether the duties it confirms are shown to the public by default."""

from tenants.preferences import SettingSpec, register_spec

ACTIVITY_KINDS_DEFAULT = [
    ["inspection", "集中视察"],
    ["research", "专题调研"],
    ["enforcement", "执法检查"],
    ["group", "代表小组活动"],
    ["reception", "联络站接待"],
    ["attend_sc", "列席常委会会议"],
    ["training", "培训"],
    ["review", "述职评议"],
    ["other", "其他"],
]


def register() -> None:
    register_spec(
        SettingSpec(
            "duty.activity_kinds",
            "履职活动类型",
            "Kinds of duty activity",
            kind="choices",
            default=ACTIVITY_KINDS_DEFAULT,
        )
    )
    register_spec(
        SettingSpec(
            "duty.entries_public",
            "确认的履职登记默认向社会公开",
            "Confirmed duty reports are public by default",
            kind="bool",
            default=True,
        )
    )
