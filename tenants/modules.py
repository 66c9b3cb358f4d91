"""The module registry.

Each tenant app describes itself as a `Module` and registers it from its AppConfig.ready(). The platform
builds the congress URLconf, the menus and the module switches from this registry, so the shared code
never imports a tenant app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tenants.language import pick


@dataclass(frozen=True)
class MenuEntry:
    """A link in a congress's menu. `roles` None means everyone, including the public."""

    label_zh: str
    label_en: str
    url_name: str
    roles: frozenset[str] | None = None
    # Where the entry sits in the menu of someone who holds a role here (config.menus.GROUPS); visitors see
    # every entry open to them in one flat row.
    group: str = "public"

    @property
    def label(self) -> str:
        return pick(self.label_zh, self.label_en)


@dataclass(frozen=True)
class News:
    """One public item on a congress's front page: what, where to read it, when, and which module it is from."""

    title: str
    url: str
    when: Any
    kind: str = ""


@dataclass(frozen=True)
class Module:
    """A switchable feature of a congress: its pages live under /<key>/, its API under /api/v1/<key>/."""

    key: str
    label_zh: str
    label_en: str
    urls: str
    api_urls: str | None = None
    menu: tuple[MenuEntry, ...] = field(default_factory=tuple)
    description_zh: str = ""
    description_en: str = ""
    # Recomputes, from the congress's own schema (the caller switches to it), every public read model the module
    # keeps for that congress (workspace counts, figures); returns how many rows it wrote. The modules keep them
    # current as they write; this repairs them after a fault (manage.py rebuild_read_models).
    rebuild_read_models: Callable[..., int] | None = None
    # What is new in the module for the congress's front page (最新动态): called in the congress's schema (a
    # page on its host) with how many to return, newest first, public items only: [News].
    news: Callable[[int], list["News"]] | None = None

    @property
    def label(self) -> str:
        return pick(self.label_zh, self.label_en)

    @property
    def description(self) -> str:
        return pick(self.description_zh, self.description_en)


_registry: dict[str, Module] = {}


def register(module: Module) -> None:
    """Add a module. Registering one key twice with different definitions is a programming error."""
    existing = _registry.get(module.key)
    if existing is not None and existing != module:
        raise ValueError(f"Module {module.key!r} is registered twice with different definitions.")
    _registry[module.key] = module


def all_modules() -> list[Module]:
    """Every registered module, in key order."""
    return [_registry[key] for key in sorted(_registry)]


def get_module(key: str) -> Module | None:
    return _registry.get(key)


def module_keys() -> set[str]:
    return set(_registry)
