"""Enter a year's province-wide calendar from a CSV file (the same service as the console upload)."""

import getpass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shared_apps.memberships.permissions import Access
from shared_apps.workdays import csvfile, services


class Command(BaseCommand):
    help = (
        "Replace the province-wide calendar of one year with a CSV file of columns date,kind,name "
        "(kind: holiday or workday). All rows or none. See docs/workdays.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, **options):
        path = options["csv_file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        # The command line is the server's operator: it acts as a platform administrator.
        operator = Access(user=None, congress=None, is_platform_admin=True)
        try:
            rows = csvfile.parse_rows(csvfile.decode(data))
            days = services.calendar_year_import(
                access=operator,
                congress_or_none=None,
                year=options["year"],
                rows=rows,
                actor_label=f"cli:{getpass.getuser()}",
            )
        except ValidationError as exc:
            messages = [f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs]
            raise CommandError("Nothing imported.\n" + "\n".join(messages)) from None
        holidays = sum(day.is_holiday for day in days)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(days)} day(s) for {options['year']}: "
                f"{holidays} holiday(s), {len(days) - holidays} make-up working day(s)."
            )
        )
