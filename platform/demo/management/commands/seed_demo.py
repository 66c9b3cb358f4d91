"""Provision the demo province and one user per role. Re-running reuses what is there."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context

from console import bulk, bulk_runner
from demo import data as demo
from demo.data import CONGRESSES, DEMO_PASSWORD, PROFILES, USERS
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.services import membership_grant
from shared_apps.registry import identifiers
from shared_apps.registry import services as registry
from shared_apps.registry.models import Seat, Term
from tenant_apps.about.services import profile_update
from tenants.models import Congress, ProvisioningSource


class Command(BaseCommand):
    help = "Create the demo province (Guizhou), its congresses and one demo user per role."

    def handle(self, *args, **options):
        self._province()
        users = self._users()
        self._profiles(users["huaxi.office@example.org"])
        seated = self._registry()
        self.stdout.write(f"  registry: {seated} serving seats")
        self.stdout.write(f"  {self._work(users)}")
        from demo.duty import seed_duty

        self.stdout.write(f"  {seed_duty(users)}")
        self.stdout.write("\nDemo users (password for all: %s):" % DEMO_PASSWORD)
        for email, name, seats in USERS:
            where = ", ".join(f"{Congress.objects.get(division_code=c).subdomain}:{r}" for c, r in seats)
            self.stdout.write(f"  {email:34} {name}  [{where}]")

    def _province(self) -> None:
        """The congresses not made yet, as one tree file through the bulk provisioning the console offers (so its
        page shows a batch); parents before children."""
        made = set(Congress.objects.values_list("division_code", flat=True))
        missing = [row for row in CONGRESSES if row[2] not in made]
        if not missing:
            return
        lines = ["tier,parent,code,name,subdomain"]
        lines += [f"{tier},{parent or ''},{code},{name},{sub}" for tier, parent, code, name, sub in missing]
        batch = bulk.batch_create(
            access=None,
            text="\n".join(lines),
            file_name="demo-province.csv",
            source=ProvisioningSource.DEMO,
            by_worker=False,
        )
        progress = bulk_runner.run_batch_here(batch, workers=1)
        for request in batch.requests.order_by("pk"):
            if request.status != "succeeded":
                raise SystemExit(f"Could not provision {request.name}: {request.error}")
            self.stdout.write(f"  provisioned {request.name} ({request.duration_ms} ms)")
        self.stdout.write(f"  batch #{batch.pk}: {progress.succeeded} made")

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

    @transaction.atomic
    def _registry(self) -> int:
        """Open terms, eight generated deputies per congress, and the demo deputy at three tiers."""
        root = Access(user=None, congress=None, is_platform_admin=True)
        terms = {}
        for code, (number, starts_on) in demo.TERMS.items():
            congress = Congress.objects.get(division_code=code)
            # A re-run reuses the open term: term_open refuses a second one (term_one_open_per_congress).
            terms[code] = Term.objects.filter(congress=congress, status="open").first() or registry.term_open(
                access=root, congress=congress, number=number, starts_on=datetime.date.fromisoformat(starts_on)
            )
        for index, (code, term) in enumerate(terms.items()):
            for n in range(demo.DEPUTIES_PER_CONGRESS):
                self._demo_deputy(root, term, code, index, n)
        yang, _created = registry.deputy_register(
            actor=None, data={k: demo.DEMO_DEPUTY[k] for k in ("name", "id_number", "mobile")}
        )
        # On a re-run deputy_register finds her again by ID number, with her account already linked.
        if yang.user_id is None:
            yang.user = get_user_model().objects.get(email=demo.DEMO_DEPUTY["email"])
            yang.save(update_fields=["user"])
        for code in demo.DEMO_DEPUTY["seats"]:
            term = terms[code]
            registry.seat_add(
                access=root,
                deputy=yang,
                term=term,
                starts_on=term.starts_on,
                constituency=registry.constituency_get_or_create(term, "青岩镇选区"),
            )
        return Seat.objects.filter(status="serving").count()

    def _demo_deputy(self, root, term, code: str, index: int, n: int) -> None:
        birth = datetime.date(1960 + (index * 7 + n * 3) % 35, 1 + (n * 5) % 12, 1 + (index + n * 3) % 28)
        # An ID number starts with the area code of the holder's registration (GB 11643): here the congress's own.
        first17 = f"{code[:6]}{birth:%Y%m%d}{(index * 10 + n) % 1000:03d}"
        occupation, work_unit = demo.OCCUPATIONS[(index + n) % len(demo.OCCUPATIONS)]
        deputy, _created = registry.deputy_register(
            actor=None,
            data={
                "name": demo.SURNAMES[(index + n * 3) % len(demo.SURNAMES)]
                + demo.GIVEN[(index * 3 + n) % len(demo.GIVEN)],
                # A valid check digit: the registry refuses ID numbers that fail it.
                "id_number": first17 + identifiers.id_check_digit(first17),
                "mobile": f"139{index:04d}{n:04d}",
                "ethnicity": demo.ETHNICITIES[(index + n) % len(demo.ETHNICITIES)],
                "occupation": occupation,
                "work_unit": work_unit,
                "biography": f"{work_unit}。长期关注当地民生，积极履行代表职责。",
            },
        )
        registry.seat_add(
            access=root,
            deputy=deputy,
            term=term,
            starts_on=term.starts_on,
            constituency=registry.constituency_get_or_create(term, f"第{n % 4 + 1}选区"),
        )

    def _work(self, users) -> str:
        """Some daily work to look at: Huaxi's handling units and suggestions in several states, Qingyan's liaison
        station with the demo deputy on duty and messages from the public, a notice from Huaxi to its townships.
        Done once (skipped when Huaxi already has units)."""
        from demo.work import seed_work

        return seed_work(users)
