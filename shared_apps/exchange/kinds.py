"""The kinds of transfer the exchange carries, registered by the modules that send and receive them.

Shared apps never import tenant apps: a tenant app registers its kind (with the function that delivers a
transfer into the receiving congress's schema) from its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass

from tenants.language import pick

UP = "up"  # to the congress one tier up (escalation)
DOWN = "down"  # to congresses below (notices)


@dataclass(frozen=True)
class TransferKind:
    key: str
    label_zh: str
    label_en: str
    direction: str
    # Runs in the receiving congress's schema, inside the delivery transaction; returns the receiving side's
    # reference (e.g. "notice:7"). It must be idempotent on Transfer.id (a unique column on its row).
    deliver: Callable

    @property
    def label(self) -> str:
        return pick(self.label_zh, self.label_en)


_kinds: dict[str, TransferKind] = {}


def register_kind(kind: TransferKind) -> None:
    if kind.direction not in (UP, DOWN):
        raise ValueError(f"Unknown direction {kind.direction!r} for transfer kind {kind.key}.")
    _kinds[kind.key] = kind


def get_kind(key: str) -> TransferKind | None:
    return _kinds.get(key)


def all_kinds() -> list[TransferKind]:
    return [_kinds[key] for key in sorted(_kinds)]
