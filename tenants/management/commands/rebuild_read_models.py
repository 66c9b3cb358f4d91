from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import schema_context

from tenants.models import Congress, CongressStatus
from tenants.modules import get_module


class Command(BaseCommand):
    help = (
        "Recompute the public read models (workspace counts, figures) of the given congresses (default: every "
        "active one) from their own schemas, module by module, one transaction per congress. The modules keep "
        "them current as they write; this repairs them after a fault or a restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("congresses", nargs="*", help="subdomains or division codes (default: every active one)")

    def handle(self, *args, **options):
        wanted = options["congresses"]
        congresses = Congress.objects.filter(status=CongressStatus.ACTIVE).order_by("division_code")
        if wanted:
            congresses = Congress.objects.filter(subdomain__in=wanted) | Congress.objects.filter(
                division_code__in=wanted
            )
            found = {c.subdomain for c in congresses} | {c.division_code for c in congresses}
            missing = [name for name in wanted if name not in found]
            if missing:
                raise CommandError(f"Unknown congress: {', '.join(missing)}")
        for congress in congresses:
            written = {}
            with schema_context(congress.schema_name), transaction.atomic():
                for key in congress.enabled_modules:
                    module = get_module(key)
                    if module is not None and module.rebuild_read_models is not None:
                        written[key] = module.rebuild_read_models(congress)
            summary = ", ".join(f"{key} {n}" for key, n in sorted(written.items())) or "nothing to rebuild"
            self.stdout.write(f"{congress.subdomain}: {summary}")
