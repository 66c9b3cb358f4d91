"""Provision a county's townships from a CSV file (code, name, subdomain). Safe to re-run."""

import csv
import getpass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from console.management.commands.provision_congress import find_congress, format_errors
from console.services import provision_now
from console.specs import CongressSpec, congress_spec_errors, normalise_spec
from tenants.models import Congress, ProvisioningSource

COLUMNS = ("code", "name", "subdomain")


class Command(BaseCommand):
    help = "Provision the townships of one county from a CSV with columns code,name,subdomain."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="Division code or subdomain of the county congress.")
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, **options):
        county = find_congress(options["county"])
        if county.tier != "county":
            raise CommandError(f"--county: {county.name} is a {county.tier} congress, not a county.")
        rows = read_rows(options["csv_file"])
        created, skipped, rejected = 0, 0, []
        for line, row in tqdm(rows, desc="provisioning", unit="congress", disable=options["verbosity"] == 0):
            outcome = self.provision_row(county, row)
            if outcome == "created":
                created += 1
            elif outcome == "exists":
                skipped += 1
            else:
                rejected.append((line, row, outcome))
        self.report(created, skipped, rejected)
        if rejected:
            raise CommandError(f"{len(rejected)} row(s) rejected.")

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
            return "exists"
        errors = congress_spec_errors(spec)
        if errors:
            return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        try:
            record = provision_now(
                access=None, spec=spec, source=ProvisioningSource.BULK, actor_label=f"cli:{getpass.getuser()}"
            )
        except ValidationError as exc:
            return format_errors(exc)
        return "created" if record.status == "succeeded" else record.error

    def report(self, created: int, skipped: int, rejected: list) -> None:
        self.stdout.write(f"Created {created}, already there {skipped}, rejected {len(rejected)}.")
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
