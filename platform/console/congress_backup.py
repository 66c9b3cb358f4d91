"""One congress backed up on its own — its schema and its public rows — and restored into another database: a
fresh one, or any where the congress does not exist. The whole province has deploy/backup/*.sh.

A backup is a directory holding
- `schema.dump`: pg_dump's custom format of the congress's schema alone;
- `public.json`: the public rows the congress owns (itself, its domains, memberships, terms and seats, read
  models, notifications, calendar, ledger records, history) and the rows those or its schema refer to: accounts
  with their e-mail addresses, authenticators, preferences and password history; deputies; the congresses above it
  and any other congress named, restored as archived placeholders without a schema when the target lacks them;
- `files/<storage>/…`: the files its rows name (attachments, photos);
- `manifest.json` and `SHA256SUMS` (checkable with `sha256sum -c`).

Left out: provisioning requests and batches, audit entries, API tokens, sessions and queued jobs (the platform's,
not the congress's). Identifiers are kept as they are: congress tables refer to accounts, deputies and congresses
by id, without a database constraint.

Restore checks the sums and every conflict before it writes anything: a row the congress owns must not exist yet;
an account, a deputy or a congress it refers to may exist already only as the same one (same user name, same
division code). The schema and the rows then go in, and a failure at any point removes what was written. A
backup made by older code is migrated after it is restored.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django_tenants.utils import schema_context

from shared_apps.registry.models import Deputy
from tenants import schemas
from tenants.connection import set_public
from tenants.models import Congress, CongressStatus

FORMAT = 1
SCHEMA_DUMP = "schema.dump"
PUBLIC_ROWS = "public.json"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"

# The platform's records, not the congress's.
SKIPPED_APPS = {"sessions", "admin", "contenttypes", "auth", "procrastinate", "audit"}
SKIPPED_MODELS = {
    "tenants.provisioningbatch",
    "tenants.provisioningbatchevent",
    "tenants.provisioningrequest",
    "tenants.provisioningevent",
    "tenants.provisioningclaim",
    "tenants.spareschema",
    "tenants.templatesnapshot",
    "tenants.hostsgeneration",
    "tenants.platformdefaults",
    "security.throttle",
    "security.apitoken",
    "account.emailconfirmation",
    # Answers kept 24 h for retried API calls and forms: a restored congress starts without them.
    "idempotency.idempotencykey",
}
# Rows that go wherever their account goes: signing in works on the restored platform as before.
WITH_ACCOUNT = {
    "account.emailaddress",
    "mfa.authenticator",
    "notifications.deliverypreference",
    "security.passwordrecord",
}


class BackupError(Exception):
    """Why a backup or a restore was refused; nothing was written."""


@dataclass
class Rows:
    owned: dict[type[models.Model], set] = field(default_factory=lambda: defaultdict(set))
    referenced: dict[type[models.Model], set] = field(default_factory=lambda: defaultdict(set))

    def has(self, model, pk) -> bool:
        return pk in self.owned[model] or pk in self.referenced[model]


def _label(model) -> str:
    return model._meta.label_lower


def public_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in schemas.tenant_app_labels()
        and model._meta.app_label not in SKIPPED_APPS
        and _label(model) not in SKIPPED_MODELS
    ]


def tenant_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model._meta.app_label in schemas.tenant_app_labels()]


def _keys(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def _target(key: models.ForeignKey) -> type[models.Model]:
    return cast(type[models.Model], key.related_model)


def collect(congress: Congress) -> Rows:
    """The public rows `congress` owns, and every public row they or its schema refer to."""
    user_model = get_user_model()
    identities = {Congress, user_model, Deputy}
    rows = Rows()
    rows.owned[Congress].add(congress.pk)
    candidates = [m for m in public_models() if m is not Congress and _label(m) not in WITH_ACCOUNT]
    # Owned: tied to the congress by a key, or hanging under a row that is (a term's seats, a matter's steps).
    grew = True
    while grew:
        grew = False
        for model in candidates:
            condition = models.Q()
            for key in _keys(model):
                if _target(key) is Congress:
                    condition |= models.Q(**{key.attname: congress.pk})
                elif _target(key) not in identities and rows.owned.get(_target(key)):
                    condition |= models.Q(**{f"{key.attname}__in": rows.owned[_target(key)]})
            if not condition:
                continue
            found = set(model._default_manager.filter(condition).values_list("pk", flat=True)) - rows.owned[model]
            if found:
                rows.owned[model] |= found
                grew = True
    # Referred to by the congress's own tables (ids without a constraint).
    wanted: dict[type[models.Model], set] = defaultdict(set)
    with schema_context(congress.schema_name):
        for model in tenant_models():
            for key in _keys(model):
                if _target(key) in identities:
                    values = model._default_manager.exclude(**{key.attname: None}).values_list(key.attname, flat=True)
                    wanted[_target(key)] |= set(values.distinct())
    set_public()
    for model, ids in wanted.items():
        # Only ids the source still has: a reference may outlive what it named (no constraint holds it).
        rows.referenced[model] |= (
            set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)) - rows.owned[model]
        )
    # Referred to by the rows collected so far, then by those, until nothing new: parents, accounts, deputies.
    pending = [(model, set(pks)) for model, pks in (*rows.owned.items(), *rows.referenced.items())]
    while pending:
        model, pks = pending.pop()
        for key in _keys(model):
            pointed = set(
                model._default_manager.filter(pk__in=pks)
                .exclude(**{key.attname: None})
                .values_list(key.attname, flat=True)
            )
            new = {v for v in pointed if not rows.has(_target(key), v)}
            if new:
                rows.referenced[_target(key)] |= new
                pending.append((_target(key), new))
        if model is user_model:
            for dependent in (m for m in public_models() if _label(m) in WITH_ACCOUNT):
                found = set(dependent._default_manager.filter(user_id__in=pks).values_list("pk", flat=True))
                rows.referenced[dependent] |= found
    return rows


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps milliseconds only: a restored row keeps its microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _serialize(by_model: dict[type[models.Model], set]) -> list[dict]:
    out = []
    for model, pks in sorted(by_model.items(), key=lambda item: _label(item[0])):
        if not pks:
            continue
        # Many-to-many links go to the skipped auth tables (groups, permissions): roles are memberships here.
        fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        out += serializers.serialize("python", model._default_manager.filter(pk__in=pks).order_by("pk"), fields=fields)
    return out


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _storage_alias(file_field: models.FileField) -> str:
    location = getattr(file_field.storage, "location", None)
    return "private" if location == getattr(storages["private"], "location", None) else "default"


def _named_files(congress: Congress, rows: Rows) -> set[tuple[str, str]]:
    """(storage alias, name) of every file the congress's tables and its public rows name."""
    named = set()
    with schema_context(congress.schema_name):
        for model in tenant_models():
            for file_field in _file_fields(model):
                values = model._default_manager.exclude(**{file_field.attname: ""}).values_list(
                    file_field.attname, flat=True
                )
                named |= {(_storage_alias(file_field), name) for name in values.distinct()}
    set_public()
    for by_model in (rows.owned, rows.referenced):
        for model, pks in by_model.items():
            for file_field in _file_fields(model):
                values = model._default_manager.filter(pk__in=pks).exclude(**{file_field.attname: ""})
                named |= {(_storage_alias(file_field), n) for n in values.values_list(file_field.attname, flat=True)}
    return named


def pg_tool(name: str) -> str:
    bindir = settings.CONGRESS_PG_BINDIR
    found = str(Path(bindir) / name) if bindir else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(f"{name} not found: install PostgreSQL's client tools or set CONGRESS_PG_BINDIR.")
    return found


def _run(args: list[str], what: str) -> None:
    """Run a PostgreSQL tool against this process's database (its connection settings, passed as PG* variables)."""
    params = connection.settings_dict
    env = {
        "PGHOST": params.get("HOST") or "",
        "PGPORT": str(params.get("PORT") or ""),
        "PGUSER": params.get("USER") or "",
        "PGPASSWORD": params.get("PASSWORD") or "",
    }
    done = subprocess.run(  # noqa: S603 — our own tool paths and arguments, no shell
        [*args, "--dbname", params["NAME"]],
        env={**os.environ, **{key: value for key, value in env.items() if value}},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.stdout.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Summary:
    congress: str
    rows: int
    referenced: int
    files: int
    migrated: bool = False


def backup_congress(congress: Congress, dest: Path) -> Summary:
    """Write `congress`'s backup into `dest`, which must not exist; named so only once complete."""
    if dest.exists():
        raise BackupError(f"{dest} exists: give a new directory.")
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        dump = [pg_tool("pg_dump"), "--format=custom", f"--schema={congress.schema_name}", "--no-owner"]
        own_transaction = not connection.in_atomic_block
        with transaction.atomic():
            if own_transaction:
                # One snapshot for the rows, the file names and the schema: pg_dump takes this transaction's.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute("SELECT pg_export_snapshot()")
                    dump.append(f"--snapshot={cursor.fetchone()[0]}")
            rows = collect(congress)
            named = _named_files(congress, rows)
            public = {"owned": _serialize(rows.owned), "referenced": _serialize(rows.referenced)}
            migrations = sorted(schemas.applied_migrations(congress.schema_name))
            _run([*dump, "--file", str(partial / SCHEMA_DUMP)], "pg_dump")
        (partial / PUBLIC_ROWS).write_text(json.dumps(public, cls=_Encoder, ensure_ascii=False))
        copied = 0
        for alias, name in sorted(named):
            storage = storages[alias]
            if not storage.exists(name):
                continue  # named but gone from the source too: nothing to restore
            target = partial / "files" / alias / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
            copied += 1
        manifest = {
            "format": FORMAT,
            "division_code": congress.division_code,
            "schema_name": congress.schema_name,
            "name": congress.name,
            "migrated_fingerprint": congress.migrated_fingerprint,
            "migrations": [f"{app}.{name}" for app, name in migrations],
            "rows": len(public["owned"]),
            "referenced": len(public["referenced"]),
            "files": copied,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        sums = [
            f"{_sha256(path)}  {path.relative_to(partial).as_posix()}"
            for path in sorted(partial.rglob("*"))
            if path.is_file()
        ]
        (partial / SUMS).write_text("\n".join(sums) + "\n")
        partial.rename(dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Summary(congress.division_code, len(public["owned"]), len(public["referenced"]), copied)


def _check_sums(src: Path) -> dict:
    sums = src / SUMS
    if not sums.exists():
        raise BackupError(f"{src} has no {SUMS}: not a congress backup, or not a complete one.")
    listed = {}
    for line in sums.read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file()} - {SUMS}
    if present != set(listed) or not {MANIFEST, PUBLIC_ROWS, SCHEMA_DUMP} <= present:
        raise BackupError(f"{src}: the files present do not match {SUMS}.")
    for name, digest in listed.items():
        if _sha256(src / name) != digest:
            raise BackupError(f"{src}/{name} is damaged: its checksum does not match.")
    manifest = json.loads((src / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src}: backup format {manifest.get('format')} is not one this code restores.")
    return manifest


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def _same_identity(model, existing, incoming) -> bool:
    """An account, a deputy or a congress already here is the same one (its data here is newer: kept)."""
    if model is Congress:
        return existing.division_code == incoming.division_code
    if model is get_user_model():
        return existing.get_username() == incoming.get_username()
    if model is Deputy:
        return existing.user_id == incoming.user_id and existing.name == incoming.name
    return _same_row(existing, incoming)


def _same_row(existing, incoming) -> bool:
    """Whether every column of `existing` holds what `incoming` would write (a row two congresses share, such as
    a transfer between them, restored with the first)."""
    return all(
        f.value_from_object(existing) == f.value_from_object(incoming) for f in type(existing)._meta.concrete_fields
    )


def _placeholder_of(existing, incoming) -> bool:
    """Whether `existing` is an archived congress without a schema standing in for `incoming`."""
    return (
        isinstance(existing, Congress)
        and existing.division_code == incoming.division_code
        and existing.status == CongressStatus.ARCHIVED
        and not _schema_exists(existing.schema_name)
    )


def _plan(manifest: dict, public: dict, src: Path) -> tuple[list, list]:
    """The objects to write (owned, referenced), after every check; raises BackupError on the first conflict."""
    if not schemas.template_is_current():
        raise BackupError("This database is not migrated: run `manage.py migrate` first.")
    schema_name = manifest["schema_name"]
    if _schema_exists(schema_name):
        raise BackupError(f"Schema {schema_name} exists already in this database.")
    extra = set(manifest.get("migrations", [])) - {f"{app}.{name}" for app, name in schemas.code_migrations()}
    if extra:
        raise BackupError(f"The backup was made by newer code (migrations unknown here: {', '.join(sorted(extra))}).")
    owned: list[Any] = []
    referenced: list[Any] = []
    user_model = get_user_model()
    items = {kind: list(serializers.deserialize("python", public[kind])) for kind in ("owned", "referenced")}
    # Accounts already here, the same ones (checked below): they keep their own sign-in data.
    accounts_here = set(
        user_model._default_manager.filter(
            pk__in=[i.object.pk for i in items["referenced"] if isinstance(i.object, user_model)]
        ).values_list("pk", flat=True)
    )
    for kind, out in (("owned", owned), ("referenced", referenced)):
        for item in items[kind]:
            incoming = item.object
            model = type(incoming)
            existing = model._default_manager.filter(pk=incoming.pk).first()
            if _label(model) in WITH_ACCOUNT and getattr(incoming, "user_id", None) in accounts_here:
                continue  # an account already here keeps its own addresses, authenticators and preferences
            if kind == "owned":
                if existing is not None and _placeholder_of(existing, incoming):
                    out.append(item)
                    continue
                if existing is not None:
                    if isinstance(incoming, Congress) or not _same_row(existing, incoming):
                        raise BackupError(f"{model._meta.label} #{incoming.pk} exists already: {existing}.")
                    continue  # shared with a congress restored before (a transfer between the two)
                if isinstance(incoming, Congress):
                    clash = Congress._default_manager.exclude(pk=incoming.pk).filter(
                        models.Q(division_code=incoming.division_code)
                        | models.Q(subdomain=incoming.subdomain)
                        | models.Q(schema_name=incoming.schema_name)
                    )
                    if clash.exists():
                        raise BackupError(
                            f"Another congress has this one's code, subdomain or schema: {clash.first()}."
                        )
                out.append(item)
            elif existing is None:
                if isinstance(incoming, Congress):
                    # Above the congress or named by it, restored without its schema: its host answers "archived".
                    incoming.status = CongressStatus.ARCHIVED
                out.append(item)
            elif not _same_identity(model, existing, incoming):
                raise BackupError(f"{model._meta.label} #{incoming.pk} is another one here: {existing}.")
    for path in (src / "files").rglob("*") if (src / "files").exists() else ():
        if path.is_file():
            alias, name = path.relative_to(src / "files").as_posix().split("/", 1)
            storage = storages[alias]
            if storage.exists(name) and _sha256(Path(storage.path(name))) != _sha256(path):
                raise BackupError(f"A different file exists already at {alias}:{name}.")
    return owned, referenced


def _copy_files(src: Path, written: list[tuple[str, str]]) -> None:
    """Copy the backup's files into place, noting each in `written` as soon as it exists."""
    for path in sorted((src / "files").rglob("*")) if (src / "files").exists() else ():
        if not path.is_file():
            continue
        alias, name = path.relative_to(src / "files").as_posix().split("/", 1)
        storage = storages[alias]
        if storage.exists(name):
            continue  # the same bytes (checked in _plan)
        with path.open("rb") as handle:
            saved = storage.save(name, handle)
        written.append((alias, saved))
        if saved != name:
            raise BackupError(f"{alias}:{name} could not be written under its own name.")


def _reset_sequences(touched: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(touched))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def restore_congress(src: Path) -> Summary:
    """Restore the backup in `src` into this database (see the module's docstring)."""
    manifest = _check_sums(src)
    public = json.loads((src / PUBLIC_ROWS).read_text())
    set_public()
    owned, referenced = _plan(manifest, public, src)
    schema_name = manifest["schema_name"]
    _run(
        [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", str(src / SCHEMA_DUMP)],
        "pg_restore",
    )
    written: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            for item in referenced + owned:
                item.save()
            _reset_sequences({type(item.object) for item in referenced + owned})
            _copy_files(src, written)
    except BaseException:
        for alias, name in written:
            storages[alias].delete(name)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
        raise
    migrated = manifest["migrated_fingerprint"] != schemas.code_fingerprint()
    if migrated:
        call_command("migrate_schemas", schema_name=schema_name, verbosity=0)
    return Summary(manifest["division_code"], len(owned), len(referenced), len(written), migrated)
