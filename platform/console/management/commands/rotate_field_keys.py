"""Re-encrypt every protected field under the configured cipher's first key (FIELD_CIPHER, FIELD_ENCRYPTION_KEYS,
FIELD_SM4_KEYS): after adding a new first key, or changing from Fernet to SM4.

The deputy registry (public schema) is done here in batches, with a progress bar; the public's mobile numbers
live in each congress's schema and are done by one worker job per congress (liaison.reencrypt_personal), which
this command queues. Safe to run again: what is current already is left as it is.

    python manage.py rotate_field_keys [--batch 500]
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from shared_apps.registry import crypto
from shared_apps.registry.models import Deputy
from tenant_apps.liaison import tasks as liaison_tasks


class Command(BaseCommand):
    help = "Re-encrypt the protected fields under the first key of the configured cipher."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options):
        ids = list(Deputy.objects.order_by("pk").values_list("pk", flat=True))
        changed = 0
        with tqdm(total=len(ids), unit="deputy", desc="registry", disable=not ids) as bar:
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                with transaction.atomic():
                    for deputy in Deputy.objects.select_for_update().filter(pk__in=chunk):
                        id_token, mobile_token = deputy.id_number_token, deputy.mobile_token
                        deputy.id_number_token = crypto.reencrypt(id_token)
                        deputy.mobile_token = crypto.reencrypt(mobile_token)
                        if (deputy.id_number_token, deputy.mobile_token) != (id_token, mobile_token):
                            deputy.save(update_fields=["id_number_token", "mobile_token"])
                            changed += 1
                bar.update(len(chunk))
        queued = liaison_tasks.defer_reencryption()
        self.stdout.write(
            f"registry: {changed} of {len(ids)} deputies re-encrypted; "
            f"{queued} congress jobs queued for the public's mobile numbers (liaison.reencrypt_personal)"
        )
