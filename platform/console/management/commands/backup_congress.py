"""Back up one congress on its own: its schema, its public rows and its files (console.congress_backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from console.congress_backup import BackupError, backup_congress
from tenants.models import Congress


class Command(BaseCommand):
    help = "Back up one congress (schema, public rows, files) into a new directory, for restore_congress."

    def add_arguments(self, parser):
        parser.add_argument("congress", help="Division code or subdomain.")
        parser.add_argument("directory", type=Path, help="Where to write the backup; must not exist.")

    def handle(self, *args, **options):
        reference = options["congress"]
        congress = Congress.objects.filter(division_code=reference).first() or (
            Congress.objects.filter(subdomain=reference).first()
        )
        if congress is None:
            raise CommandError(f"No congress with code or subdomain {reference!r}.")
        try:
            summary = backup_congress(congress, options["directory"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{congress.name}: {summary.rows} rows of its own, {summary.referenced} referred to,"
                f" {summary.files} files → {options['directory']}"
            )
        )
