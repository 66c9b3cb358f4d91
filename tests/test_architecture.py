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


def test_foreign_keys_from_congress_schemas_to_public_tables_leave_deletion_to_the_database():
    """Django's deletion collector runs in the public schema and cannot see congress tables: a tenant → public
    foreign key must be DO_NOTHING so the database's own constraint decides (it refuses to delete a row in use)."""
    tenant_labels = {m._meta.app_label for m in tenant_models()}
    for model in tenant_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model._meta.app_label not in tenant_labels:
                assert field.remote_field.on_delete is models.DO_NOTHING, f"{model.__name__}.{field.name}"
                assert field.db_constraint, f"{model.__name__}.{field.name}"


def test_shared_apps_and_tenants_never_import_tenant_apps():
    for folder in ("shared_apps", "tenants"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                assert not any(n.startswith("tenant_apps") for n in names), f"{path} imports {names}"


def test_an_unused_user_can_be_deleted_and_a_deputy_in_use_in_a_congress_cannot(db, congresses):
    import pytest
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, connection, transaction

    from shared_apps.registry.models import Deputy
    from tenant_apps.groups.models import DeputyGroup, DeputyGroupMember

    get_user_model().objects.create_user(email="temp@example.org").delete()
    luo = Deputy.objects.get(name="罗国华")
    with congresses["huaxi"]:
        DeputyGroupMember.objects.create(group=DeputyGroup.objects.create(name="测试小组"), deputy=luo)
    luo.seats.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys are checked at commit
        luo.delete()
