"""Check the audit log's hash chain: every row follows the one before it and matches its hash.

Exit status 0 when the chain holds, 1 at the first row where it does not (its id and why).
"""

from django.core.management.base import BaseCommand, CommandError

from shared_apps.audit import chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain."

    def handle(self, *args, **options):
        verdict = chain.verify()
        if not verdict.ok:
            raise CommandError(
                f"audit chain broken at row {verdict.broken_at} after {verdict.checked} good rows: {verdict.reason}"
            )
        self.stdout.write(f"audit chain holds: {verdict.checked} rows")
