"""Provision a county's townships from a CSV file (code, name, subdomain), or a whole province's tree from one
(tier, parent, code, name, subdomain[, admin_email]) with --tree, over several processes. Safe to re-run: what
exists is skipped, and a row whose earlier run was killed half-way is resumed (unless that run is still alive).
Exits 1 when a row is rejected."""

import csv
import getpass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from console import bulk, bulk_runner
from console.management.commands.provision_congress import find_congress, format_errors
from console.services import provision_now, provisioning_resume
from console.specs import CongressSpec, congress_spec_errors, normalise_spec
from tenants.models import Congress, ProvisioningSource

COLUMNS = ("code", "name", "subdomain")
# How a row ended, when not rejected (a rejected row ends with its reason).
CREATED, RESUMED, EXISTS = "created", "resumed", "exists"


class Command(BaseCommand):
    help = (
        "Provision the townships of one county from a CSV with columns code,name,subdomain; or, with --tree, a"
        " province's tree from a CSV with columns tier,parent,code,name,subdomain[,admin_email]."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", help="Division code or subdomain of the county congress.")
        parser.add_argument("--tree", action="store_true", help="The file holds a tree: tier,parent,code,name,…")
        parser.add_argument("--workers", type=int, default=2, help="Processes making congresses (--tree).")
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, **options):
        if options["tree"]:
            return self.handle_tree(options)
        if not options["county"]:
            raise CommandError("Give --county (a county's townships) or --tree (a whole tree).")
        county = find_congress(options["county"])
        if county.tier != "county":
            raise CommandError(f"--county: {county.name} is a {county.tier} congress, not a county.")
        rows = read_rows(options["csv_file"])
        counts = {CREATED: 0, RESUMED: 0, EXISTS: 0}
        rejected = []
        for line, row in tqdm(rows, desc="provisioning", unit="congress", disable=options["verbosity"] == 0):
            outcome = self.provision_row(county, row)
            if outcome in counts:
                counts[outcome] += 1
            else:
                rejected.append((line, row, outcome))
        self.report(counts, rejected)
        if rejected:
            raise CommandError(f"{len(rejected)} row(s) rejected.")

    def handle_tree(self, options) -> None:
        path = options["csv_file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            batch = bulk.batch_create(
                access=None,
                text=text,
                file_name=path.name,
                source=ProvisioningSource.BULK,
                actor_label=f"cli:{getpass.getuser()}",
                by_worker=False,
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.message_dict.get("file", exc.messages))) from None
        total = batch.rows - batch.already_there
        with tqdm(total=total, desc="provisioning", unit="congress", disable=options["verbosity"] == 0) as bar:
            progress = bulk_runner.run_batch_here(
                batch, workers=max(1, options["workers"]), on_result=lambda _id, _status: bar.update()
            )
            bar.n = progress.succeeded + progress.failed
            bar.refresh()
        self.stdout.write(
            f"Batch #{batch.pk}: created {progress.succeeded}, already there {progress.already_there},"
            f" failed {progress.failed}."
        )
        if progress.failed:
            for request in batch.requests.filter(status="failed").order_by("pk"):
                self.stdout.write(self.style.ERROR(f"  {request.division_code} {request.name}: {request.error}"))
            raise CommandError(f"{progress.failed} congress(es) failed.")

    def provision_row(self, county: Congress, row: dict) -> str:
        spec = normalise_spec(
            CongressSpec(
                tier="township",
                parent=county,
                division_code=row["code"],
                name=row["name"],
                subdomain=row["subdomain"],
            )
        )
        existing = Congress.objects.filter(division_code=spec.division_code).first()
        # A re-run skips rows already made exactly so; a code held by a different congress is rejected below.
        if existing is not None and (existing.subdomain, existing.name, existing.parent_id) == (
            spec.subdomain,
            spec.name,
            county.pk,
        ):
            return EXISTS
        # Before the checks, which count a pending request as taken: a killed run's request is carried on.
        resumed = provisioning_resume(spec=spec)
        if resumed is not None:
            return RESUMED if resumed.status == "succeeded" else resumed.error
        errors = congress_spec_errors(spec)
        if errors:
            return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        try:
            record = provision_now(
                access=None, spec=spec, source=ProvisioningSource.BULK, actor_label=f"cli:{getpass.getuser()}"
            )
        except ValidationError as exc:
            return format_errors(exc)
        return CREATED if record.status == "succeeded" else record.error

    def report(self, counts: dict[str, int], rejected: list) -> None:
        self.stdout.write(
            f"Created {counts[CREATED]}, resumed {counts[RESUMED]}, already there {counts[EXISTS]},"
            f" rejected {len(rejected)}."
        )
        for line, row, reason in rejected:
            self.stdout.write(
                self.style.ERROR(f"  line {line} ({row.get('code', '')} {row.get('name', '')}): {reason}")
            )


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """The file's rows as (line number, {code, name, subdomain}); a header row is optional; UTF-8 with or
    without BOM (as Excel saves it). Duplicate codes or subdomains within the file are refused up front."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    rows = []
    for line, values in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [v.strip() for v in values]
        if not any(cells) or (line == 1 and cells[:3] == list(COLUMNS)):
            continue
        if len(cells) < 3:
            raise CommandError(f"line {line}: expected 3 columns (code,name,subdomain), got {len(cells)}.")
        rows.append((line, dict(zip(COLUMNS, cells[:3], strict=True))))
    for column in ("code", "subdomain"):
        seen: dict[str, int] = {}
        for line, row in rows:
            if row[column] in seen:
                raise CommandError(f"line {line}: {column} {row[column]} repeats line {seen[row[column]]}.")
            seen[row[column]] = line
    return rows
