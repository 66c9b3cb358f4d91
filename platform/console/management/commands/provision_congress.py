"""Provision one congress from the command line (the same service as the console and the API). Rerun after a
run was killed half-way, it resumes that run's request (unless that run is still alive)."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from console.services import provision_now, provisioning_request, provisioning_resume
from console.specs import CongressSpec
from tenants.models import Congress, ProvisioningSource


class Command(BaseCommand):
    help = "Create a congress: cloned from the template schema, answering on <subdomain>.<ROOT_DOMAIN>."

    def add_arguments(self, parser):
        parser.add_argument("--tier", required=True, choices=["province", "city", "county", "township"])
        parser.add_argument("--parent", default="", help="Division code or subdomain of the parent congress.")
        parser.add_argument("--code", required=True, help="12-digit statistical division code.")
        parser.add_argument("--name", required=True, help="Chinese name, e.g. 花溪区青岩镇人民代表大会.")
        parser.add_argument("--subdomain", required=True)
        parser.add_argument("--admin-email", default="", help="First administrator; gets a set-password mail.")
        parser.add_argument("--queue", action="store_true", help="Queue for the worker instead of running now.")

    def handle(self, *args, **options):
        spec = CongressSpec(
            tier=options["tier"],
            parent=find_congress(options["parent"]),
            division_code=options["code"],
            name=options["name"],
            subdomain=options["subdomain"],
            admin_email=options["admin_email"],
        )
        try:
            if options["queue"]:
                # No account acts from the command line: the history names the OS user instead.
                record = provisioning_request(
                    access=None,
                    spec=spec,
                    source=ProvisioningSource.CLI,
                    actor_label=f"cli:{getpass.getuser()}",
                )
                self.stdout.write(f"Queued provisioning request #{record.pk}.")
                return
            # Before the checks, which count a pending request as taken: a killed run's request is carried on.
            record = provisioning_resume(spec=spec)
            verb = f"Resumed request #{record.pk} and created" if record is not None else "Created"
            if record is None:
                record = provision_now(
                    access=None, spec=spec, source=ProvisioningSource.CLI, actor_label=f"cli:{getpass.getuser()}"
                )
        except ValidationError as exc:
            raise CommandError(format_errors(exc)) from None
        if record.status != "succeeded" or record.congress is None:
            raise CommandError(f"Provisioning failed: {record.error}")
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {record.congress.name} in {record.duration_ms} ms: {record.congress.url()}")
        )


def find_congress(reference: str) -> Congress | None:
    """The congress named by division code or subdomain; None for an empty reference."""
    if not reference:
        return None
    congress = (
        Congress.objects.filter(division_code=reference).first() or Congress.objects.filter(subdomain=reference).first()
    )
    if congress is None:
        raise CommandError(f"parent: no congress with code or subdomain {reference!r}.")
    return congress


def format_errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)
