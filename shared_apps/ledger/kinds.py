"""The kinds of duty a record can be: the platform's own list, which modules extend with `register_kind` from
their AppConfig.ready() (a later module's inquiries, appraisals or surveys). The ledger counts and labels by kind;
`category` on a record says more precisely what it was in the congress's own words."""

from dataclasses import dataclass

from tenants.language import pick


@dataclass(frozen=True)
class DutyKind:
    key: str
    label_zh: str
    label_en: str
    # The ledger's sections: proposals, contact with the public, activities, meetings, study, other.
    group: str = "other"

    @property
    def label(self) -> str:
        return pick(self.label_zh, self.label_en)


GROUPS = (
    ("proposals", "议案建议", "Motions and suggestions"),
    ("public", "联系群众", "Contact with the public"),
    ("activities", "履职活动", "Duty activities"),
    ("meetings", "会议履职", "At meetings"),
    ("study", "学习培训", "Study and training"),
    ("reports", "述职评议", "Duty reports"),
    ("other", "其他履职", "Other duties"),
)

_kinds: dict[str, DutyKind] = {}
_ordered: list[DutyKind] = []  # all_kinds(), kept sorted as kinds are registered (read on every ledger)


def register_kind(kind: DutyKind) -> None:
    existing = _kinds.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Duty kind {kind.key!r} is registered twice with different definitions.")
    _kinds[kind.key] = kind
    order = {g[0]: i for i, g in enumerate(GROUPS)}
    _ordered[:] = sorted(_kinds.values(), key=lambda k: (order.get(k.group, len(order)), k.key))


def get_kind(key: str) -> DutyKind | None:
    return _kinds.get(key)


def all_kinds() -> list[DutyKind]:
    return list(_ordered)


def label(key: str) -> str:
    kind = _kinds.get(key)
    return kind.label if kind is not None else key


def group_label(key: str) -> str:
    for code, zh, en in GROUPS:
        if code == key:
            return pick(zh, en)
    return key


def register_platform_kinds() -> None:
    """What every congress records, whichever modules it runs (the modules that write them register more)."""
    for kind in (
        DutyKind("suggestion_led", "领衔提出议案建议", "Motions and suggestions led", "proposals"),
        DutyKind("suggestion_cosigned", "附议议案建议", "Motions and suggestions co-signed", "proposals"),
        DutyKind("message_answered", "答复群众留言", "Public messages answered", "public"),
        DutyKind("escalation_made", "上报群众诉求", "Public concerns escalated", "public"),
        DutyKind("activity_attended", "参加履职活动", "Activities attended", "activities"),
        DutyKind("activity_leave", "请假（履职活动）", "Leave from activities", "activities"),
        DutyKind("reception", "联络站接待群众", "Receptions at a liaison station", "public"),
        DutyKind("training", "参加培训", "Training completed", "study"),
        DutyKind("session_attendance", "出席人代会会议", "Attendance at sessions", "meetings"),
        DutyKind("committee_attendance", "列席常委会会议", "Attendance at standing-committee meetings", "meetings"),
        DutyKind("deliberation_speech", "审议发言", "Speeches in deliberation", "meetings"),
        DutyKind("constituent_visit", "走访联系选民", "Visits to constituents", "public"),
        DutyKind("duty_report", "向选民述职", "Duty reports given", "reports"),
        DutyKind("other", "其他履职", "Other duties", "other"),
    ):
        register_kind(kind)
