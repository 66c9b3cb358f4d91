"""Provision the demo province and one user per role. Re-running reuses what is there."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context

from demo.data import CONGRESSES, DEMO_PASSWORD, PROFILES, USERS
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.services import membership_grant
from tenant_apps.about.services import profile_update
from tenants.models import Congress, ProvisioningSource
from tenants.services import CongressSpec, provision_now


class Command(BaseCommand):
    help = "Create the demo province (Guizhou), its congresses and one demo user per role."

    def handle(self, *args, **options):
        for tier, parent_code, code, name, subdomain in CONGRESSES:
            if Congress.objects.filter(division_code=code).exists():
                continue
            parent = Congress.objects.get(division_code=parent_code) if parent_code else None
            spec = CongressSpec(tier=tier, parent=parent, division_code=code, name=name, subdomain=subdomain)
            record = provision_now(access=None, spec=spec, source=ProvisioningSource.DEMO)
            if record.status != "succeeded":
                raise SystemExit(f"Could not provision {name}: {record.error}")
            self.stdout.write(f"  provisioned {name} ({record.duration_ms} ms)")
        users = self._users()
        self._profiles(users["huaxi.office@example.org"])
        self.stdout.write("\nDemo users (password for all: %s):" % DEMO_PASSWORD)
        for email, name, seats in USERS:
            where = ", ".join(f"{Congress.objects.get(division_code=c).subdomain}:{r}" for c, r in seats)
            self.stdout.write(f"  {email:34} {name}  [{where}]")

    @transaction.atomic
    def _users(self) -> dict:
        user_model = get_user_model()
        users = {}
        for email, name, seats in USERS:
            user = user_model.objects.filter(email=email).first()
            if user is None:
                user = user_model.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
            for code, role in seats:
                congress = Congress.objects.get(division_code=code)
                membership_grant(actor=None, user=user, congress=congress, role=role)
            users[email] = user
        return users

    def _profiles(self, office_user) -> None:
        for code, data in PROFILES.items():
            congress = Congress.objects.get(division_code=code)
            access = Access(user=office_user, congress=congress, roles=frozenset({"office_staff"}))
            with schema_context(congress.schema_name):
                profile_update(access=access, data=data)
