"""What the one workflow core costs, and that a message's buttons do not grow with a big county. A measurement
script, not a test.

    DATABASE_URL=postgres://... .venv/bin/python bench/workflow.py [--runs 200] [--many 500]

core        apply_transition of a one-action table on PublicMessage (lock, checks, effect, save with
            update_fields, event row) — the core's own machinery, no hooks.
baseline    the same change written by hand in one transaction: SELECT … FOR UPDATE, set the fields, save with
            update_fields, create the MessageEvent (what each app's applier did before the core).
buttons     allowed_actions of the message table (MESSAGES) for the office, the deputy on duty and a station's
            staff, with a few stations and units ("few") and with `--many` stations (the deputy on duty at all,
            the staff member staff of all) and as many handling units ("many"); with the queries each costs.

A bench county (province 980000000000 → city 980100000000 → county 980101000000) is provisioned with
`provision_now`; stations, units and messages are inserted directly. Leftovers of an earlier run are removed
first; everything is removed at the end, even on error.
"""

import argparse
import statistics
import sys

from common import provision_chain, setup_django, timed

CHAIN = (
    ("province", "980000000000", "bench-wf-province", "Bench workflow province"),
    ("city", "980100000000", "bench-wf-city", "Bench workflow city"),
    ("county", "980101000000", "bench-wf-county", "Bench workflow county"),
)
EMAILS = ("bench-wf-office@example.org", "bench-wf-deputy@example.org", "bench-wf-staff@example.org")


def cleanup() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from console.specs import schema_name_for
    from shared_apps.exchange.models import InboxCount, LiaisonFigure, TrackedMatter
    from shared_apps.memberships.models import Membership, MembershipEvent
    from shared_apps.registry.models import Deputy
    from tenants import schemas
    from tenants.models import Congress, CongressEvent, Domain, ProvisioningRequest

    connection.set_schema_to_public()
    for _tier, code, _sub, _name in reversed(CHAIN):
        with transaction.atomic():
            congress = Congress.objects.filter(division_code=code).first()
            ProvisioningRequest.objects.filter(division_code=code).delete()
            if congress is not None:
                for model in (InboxCount, LiaisonFigure, TrackedMatter, Membership, MembershipEvent, CongressEvent):
                    model.objects.filter(congress=congress).delete()
                ProvisioningRequest.objects.filter(parent=congress).delete()
                Domain.objects.filter(tenant=congress).delete()
                Congress.objects.filter(pk=congress.pk).delete()
            schemas.drop_schema(schema_name_for(code))
    Deputy.objects.filter(name="Bench 工作流代表").delete()
    get_user_model().objects.filter(email__in=EMAILS).delete()


def people(county) -> dict:
    """The office, a deputy and a station's staff member of the county, as Access objects."""
    from django.contrib.auth import get_user_model

    from shared_apps.memberships.permissions import Access
    from shared_apps.memberships.services import membership_grant
    from shared_apps.registry.models import Deputy

    made = {}
    for email, role in zip(EMAILS, ("office_staff", "deputy", "state_organ_staff"), strict=True):
        user = get_user_model().objects.create_user(email=email, name=email.split("@")[0])
        membership_grant(actor=None, user=user, congress=county, role=role)
        made[role] = Access(user=user, congress=county, roles=frozenset({role}))
    made["deputy_row"] = Deputy.objects.create(name="Bench 工作流代表", user=made["deputy"].user)
    return made


def add_stations_and_units(county, who: dict, count: int) -> None:
    from tenant_apps.liaison.models import Station, StationDeputy, StationStaff
    from tenant_apps.units.models import HandlingUnit, UnitStaff

    with county:
        start = Station.objects.count()
        stations = Station.objects.bulk_create(
            Station(name=f"联络站{start + n}", code=f"bench-{start + n}") for n in range(count)
        )
        StationDeputy.objects.bulk_create(StationDeputy(station=s, deputy=who["deputy_row"]) for s in stations)
        StationStaff.objects.bulk_create(StationStaff(station=s, user=who["state_organ_staff"].user) for s in stations)
        units = HandlingUnit.objects.bulk_create(HandlingUnit(name=f"承办单位{start + n}") for n in range(count))
        UnitStaff.objects.bulk_create(UnitStaff(unit=u, user=who["office_staff"].user) for u in units)


def message(county):
    from tenant_apps.liaison.models import PublicMessage, Station

    with county:
        station = Station.objects.exclude(code="online").order_by("pk").first()
        return PublicMessage.objects.create(
            tracking_code=f"BENCH{PublicMessage.objects.count():05d}",
            station=station,
            category="problem",
            text="路灯不亮。",
            sender_name="张三",
            mobile_last4="0000",
        )


def queries(func) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured.captured_queries)


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def core_against_baseline(county, who: dict, runs: int) -> tuple[list[float], list[float]]:
    """One action, NEW → CLOSED and back by a raw update, through the core and by hand."""
    from django.db import transaction
    from django.utils import timezone

    from tenant_apps.liaison.models import MessageEvent, MessageStatus, PublicMessage
    from tenants.workflow import Refusals, Transition, Workflow, apply_transition
    from tenants.workflow.history import record_event

    def close(step):
        step.set(closed_at=step.now)
        return MessageStatus.CLOSED

    table = {
        "close": Transition("办结", frozenset({MessageStatus.NEW}), (MessageStatus.CLOSED,), lambda a, m: True, close)
    }
    words = Refusals(elsewhere="elsewhere", wrong_status="%(status)s", forbidden="%(action)s", not_applicable="no")
    workflow = Workflow(name="bench", model=PublicMessage, event_model=MessageEvent, transitions=table, refusals=words)
    item = message(county)
    office = who["office_staff"]

    def reopen():
        PublicMessage.objects.filter(pk=item.pk).update(status=MessageStatus.NEW, closed_at=None)

    def by_core():
        apply_transition(workflow, access=office, obj=item, action="close", data={"note": "已办结"})
        reopen()

    def by_hand():
        with transaction.atomic():
            locked = PublicMessage.objects.select_for_update().get(pk=item.pk)
            from_status = locked.status
            locked.status, locked.closed_at = MessageStatus.CLOSED, timezone.now()
            locked.save(update_fields=["status", "closed_at", "updated_at"])
            record_event(
                MessageEvent, locked, actor=office.user, action="close", from_status=from_status, note="已办结"
            )
        reopen()

    with county:
        return timed(by_core, runs), timed(by_hand, runs)


def buttons(county, who: dict, runs: int) -> dict:
    from tenant_apps.liaison.workflow import allowed_actions

    item = message(county)
    found = {}
    with county:
        for role in ("office_staff", "deputy", "state_organ_staff"):
            access = who[role]
            found[role] = (
                timed(lambda access=access: allowed_actions(access, item), runs),
                queries(lambda access=access: allowed_actions(access, item)),
                allowed_actions(access, item),
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--many", type=int, default=500)
    args = parser.parse_args()
    setup_django("workflow.py")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    cleanup()
    try:
        county = provision_chain(CHAIN)
        who = people(county)
        add_stations_and_units(county, who, 5)
        core, baseline = core_against_baseline(county, who, args.runs)
        few = buttons(county, who, args.runs)
        add_stations_and_units(county, who, args.many - 5)
        many = buttons(county, who, args.runs)
        print(f"{args.runs} runs each (ms, p50)")
        print(f"core      {p50(core):7.2f}")
        print(f"baseline  {p50(baseline):7.2f}")
        print(f"core / baseline (p50): {p50(core) / p50(baseline):.2f}x")
        print(f"buttons: 5 stations and units vs {args.many} (the caller on duty at, or staff of, every one)")
        for role in few:
            (few_t, few_q, few_a), (many_t, many_q, many_a) = few[role], many[role]
            assert few_a == many_a, (role, few_a, many_a)
            print(
                f"  {role:18} few {p50(few_t):6.2f} ms {few_q} queries   many {p50(many_t):6.2f} ms {many_q} queries"
                f"   many / few {p50(many_t) / p50(few_t):.2f}x   actions {','.join(few_a)}"
            )
    finally:
        cleanup()
        print("[bench] cleaned up", file=sys.stderr)


if __name__ == "__main__":
    main()
