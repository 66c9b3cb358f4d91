"""Restore one congress backed up by backup_congress into this database, where it must not exist yet."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from console.congress_backup import BackupError, restore_congress


class Command(BaseCommand):
    help = "Restore one congress from a backup_congress directory; every check runs before anything is written."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, **options):
        if not options["directory"].is_dir():
            raise CommandError(f"{options['directory']} is not a directory.")
        try:
            summary = restore_congress(options["directory"])
        except BackupError as exc:
            raise CommandError(f"Nothing was restored: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.congress}: {summary.rows} rows of its own, {summary.referenced} new rows it refers to,"
                f" {summary.files} files restored"
                + ("; its schema was migrated to this code." if summary.migrated else ".")
            )
        )
