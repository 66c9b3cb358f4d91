from django.core.management.base import BaseCommand

from tenants import schemas


class Command(BaseCommand):
    help = "Top up the pool of pre-cloned spare schemas (the worker also does this in the background)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=None)

    def handle(self, *args, **options):
        made = schemas.refill_spares(options["size"])
        self.stdout.write(f"Made {made} spare schema(s).")
