"""Send the suggestion reminders and urgings owed today (or on --today) now, without waiting for the worker's
08:00 sweep: for one congress (--congress SUBDOMAIN) or every active congress with the module on.

Runs the same job as the worker (tasks.send_reminders), congress by congress, so it is idempotent: what has
been sent is not sent again. Text messages are queued for the worker, as always.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tenant_apps.suggestions.tasks import MODULE_KEY, send_reminders
from tenants.models import Congress, CongressStatus


class Command(BaseCommand):
    help = "Send the motions and suggestions reminders owed today (idempotent). See docs/reminders.md."

    def add_arguments(self, parser):
        parser.add_argument("--congress", metavar="SUBDOMAIN", help="only this congress (its subdomain)")
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="the day to send for (default: today)")

    def handle(self, *args, **options):
        try:
            today = datetime.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError("--today must be a date such as 2026-05-11.") from None
        congresses = Congress.objects.filter(status=CongressStatus.ACTIVE, enabled_modules__contains=[MODULE_KEY])
        if options["congress"]:
            congresses = congresses.filter(subdomain=options["congress"])
            if not congresses.exists():
                raise CommandError(f"No active congress with the module on at subdomain {options['congress']!r}.")
        total = 0
        for congress in congresses.order_by("division_code"):
            sent = send_reminders(schema_name=congress.schema_name, today=today.isoformat())
            total += sent
            self.stdout.write(f"{congress.subdomain}: {sent} reminder(s)")
        self.stdout.write(self.style.SUCCESS(f"Sent {total} reminder(s) for {today}."))
