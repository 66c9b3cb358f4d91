"""Rules of the layout that a reviewer would otherwise have to remember."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

ROOT = Path(__file__).resolve().parent.parent


def tenant_models():
    labels = {apps.get_containing_app_config(name).label for name in settings.TENANT_APPS}
    return [m for m in apps.get_models() if m._meta.app_label in labels]


def test_congress_tables_refer_to_public_tables_by_id_without_a_constraint():
    """A foreign key constraint puts two triggers on the referenced table: one per congress made every new congress
    cost more and loaded tens of thousands of triggers with the accounts table (docs/province.md). A tenant →
    public key is DO_NOTHING (Django's deletion collector cannot see congress schemas) and has no constraint."""
    tenant_labels = {m._meta.app_label for m in tenant_models()}
    for model in tenant_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model._meta.app_label not in tenant_labels:
                assert field.remote_field.on_delete is models.DO_NOTHING, f"{model.__name__}.{field.name}"
                assert not field.db_constraint, f"{model.__name__}.{field.name}"


def test_no_constraint_in_the_template_leaves_its_schema(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE connamespace = %s::regnamespace AND contype = 'f'"
            " AND confrelid::regclass::text NOT LIKE %s",
            [settings.CONGRESS_TEMPLATE_SCHEMA, settings.CONGRESS_TEMPLATE_SCHEMA + ".%"],
        )
        assert cursor.fetchall() == []


# The project's packages, by the folder they live in, bottom layer first. `platform/` is not a package (it would
# shadow the standard library's `platform`): its apps are imported by their own names.
PACKAGES = {
    "tenants": ROOT / "tenants",
    "shared_apps": ROOT / "shared_apps",
    "tenant_apps": ROOT / "tenant_apps",
    "console": ROOT / "platform" / "console",
    "config": ROOT / "platform" / "config",
    "demo": ROOT / "platform" / "demo",
}
# What each layer may import from the project (docs: README "Layout"): platform → tenant_apps → shared_apps → tenants.
ALLOWED = {
    "tenants": {"tenants"},
    "shared_apps": {"tenants", "shared_apps"},
    "tenant_apps": {"tenants", "shared_apps", "tenant_apps"},
    "console": {"tenants", "shared_apps", "tenant_apps", "console"},
    "config": set(PACKAGES),
    "demo": set(PACKAGES),
}


def _modules() -> dict[str, Path]:
    found = {}
    for top, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = [top, *path.relative_to(folder).with_suffix("").parts]
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """module → the project modules it imports, counting imports inside functions (they hide loops, they do not
    break them). `from a.b import c` counts as importing `a.b.c` when that is a module, else `a.b`."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {resolve(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else resolve(base))
        graph[module] = {t for t in targets if t and t != module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_import_cycle_in_the_project():
    assert _cycles(import_graph()) == []


def test_the_cycle_check_finds_a_loop():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_dependencies_point_one_way():
    """platform (console, config, demo) → tenant_apps → shared_apps → tenants: nothing imports a layer above it."""
    wrong = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if target.split(".")[0] not in ALLOWED[module.split(".")[0]]
    ]
    assert wrong == []


def test_no_module_imports_another_modules_private_names():
    """A module's `_name` is its own: what other modules need is public (a service, a selector, the core)."""
    modules = _modules()
    private = [
        f"{path.relative_to(ROOT)}:{node.lineno} takes {alias.name} from {node.module}"
        for path in modules.values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PACKAGES
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert private == []


def test_the_workflow_core_sits_at_the_bottom():
    """tenants.workflow imports nothing of the project but itself and tenants.connection."""
    graph = import_graph()
    for module, targets in graph.items():
        if module.startswith("tenants.workflow"):
            assert targets <= {"tenants.connection", *[m for m in graph if m.startswith("tenants.workflow")]}, module


def workflows() -> dict[str, object]:
    """Every Workflow the project defines ("NAME = Workflow(...)" at a module's top level), imported."""
    import importlib

    found = {}
    for module, path in _modules().items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            call = getattr(node, "value", None)
            if (
                isinstance(node, ast.Assign)
                and isinstance(call, ast.Call)
                and getattr(call.func, "id", "") == "Workflow"
            ):
                name = node.targets[0].id  # type: ignore[attr-defined]
                found[f"{module}.{name}"] = getattr(importlib.import_module(module), name)
    return found


def test_every_transition_of_every_workflow_declares_who_is_told():
    """Each step tells whoever must act next (a Notify), or says it concerns no one else (NO_ONE, with a comment
    why): a table can never forget to notify."""
    from tenants.workflow import Workflow

    found = workflows()
    assert len(found) >= 5 and all(isinstance(w, Workflow) for w in found.values())
    silent = [
        f"{name}.{action}" for name, w in found.items() for action, t in w.transitions.items() if t.notify is None
    ]
    assert silent == []
    undelivered = [name for name, w in found.items() if w.deliver is None]
    assert undelivered == []


def test_every_history_table_derives_from_the_cores_event_model():
    from tenants.workflow.history import Event

    ours = {app.label for app in apps.get_app_configs() if app.name.split(".")[0] in PACKAGES}
    history = [m for m in apps.get_models() if m._meta.app_label in ours and m.__name__.endswith(("Event", "Revision"))]
    assert len(history) >= 12
    assert [m.__name__ for m in history if not issubclass(m, Event)] == []


def test_accounts_and_deputies_are_never_deleted_so_no_congress_row_loses_its_reference(db, congresses):
    """What the constraints guarded, one trigger per table keeps, at a cost that does not grow with congresses."""
    import pytest
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, transaction

    from shared_apps.registry.models import Deputy

    with pytest.raises(IntegrityError, match="deactivate"), transaction.atomic():
        get_user_model().objects.create_user(email="temp@example.org").delete()
    luo = Deputy.objects.get(name="罗国华")
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic():
        luo.seats.all().delete()
        luo.delete()


def test_congress_tables_reference_only_the_reference_tables():
    """Scale-out (docs/scale-out.md): a congress's tables reference in the public schema only the tables that
    would be reference tables under Citus schema-based sharding."""

    from tenants.scaleout import REFERENCE_TABLES

    tenant_labels = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    referenced = {
        field.related_model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in tenant_labels
        for field in model._meta.get_fields()
        if getattr(field, "many_to_one", False)
        and field.related_model is not None
        and field.related_model._meta.app_label not in tenant_labels
    }
    assert referenced == REFERENCE_TABLES
