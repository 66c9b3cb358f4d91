"""How long the monthly progress bulletin takes for 400 items across 30 units. A measurement script, not a test.

    DATABASE_URL=postgres://... .venv/bin/python bench/suggestions.py [--runs 20]

bulletin    `bulletin.bulletin_for()`: two aggregate queries, whatever the number of units.
baseline    the same figures computed with a query per unit (what a per-unit loop costs), same connection.
xlsx, pdf   rendering the computed bulletin to .xlsx (openpyxl) and PDF (reportlab), without HTTP.

A bench county (division code 970000000000 chain: province 970000000000, city 970100000000, county
970101000000) is provisioned with `provision_now`; items are inserted directly (a read-model bench). Leftovers of
an earlier run are removed first; everything is removed at the end, even on error.
"""

import argparse
import datetime
import statistics
import sys
import zoneinfo

from common import provision_chain, setup_django, timed

CHAIN = (
    ("province", "970000000000", "bench-sug-province", "Bench suggestions province"),
    ("city", "970100000000", "bench-sug-city", "Bench suggestions city"),
    ("county", "970101000000", "bench-sug-county", "Bench suggestions county"),
)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def remove_congress(code: str) -> None:
    from django.db import transaction

    from console.specs import schema_name_for
    from tenants import schemas
    from tenants.models import Congress, CongressEvent, Domain, ProvisioningRequest

    with transaction.atomic():
        ProvisioningRequest.objects.filter(division_code=code).delete()
        congress = Congress.objects.filter(division_code=code).first()
        if congress is not None:
            ProvisioningRequest.objects.filter(parent=congress).delete()
            CongressEvent.objects.filter(congress=congress).delete()
            Domain.objects.filter(tenant=congress).delete()
            Congress.objects.filter(pk=congress.pk).delete()
        schemas.drop_schema(schema_name_for(code))


def cleanup() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from shared_apps.registry.models import Deputy

    connection.set_schema_to_public()
    for _tier, code, _sub, _name in reversed(CHAIN):
        remove_congress(code)
    Deputy.objects.filter(name="Bench 代表").delete()
    get_user_model().objects.filter(email="bench-suggestions@example.org").delete()


def fill(congress, units: int, items: int) -> None:
    """As the tests' _bulk_items: item i to unit i % units, a quarter each overdue, on time A, late B, on time C."""
    from django.contrib.auth import get_user_model

    from shared_apps.registry.models import Deputy
    from tenant_apps.suggestions.models import Assignment, Evaluation, Suggestion
    from tenant_apps.units.models import HandlingUnit

    user = get_user_model().objects.create_user(email="bench-suggestions@example.org", name="bench")
    deputy = Deputy.objects.create(name="Bench 代表", user=user)

    def at(day):
        return datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)

    replied = {0: None, 1: datetime.date(2026, 5, 1), 2: datetime.date(2026, 6, 15), 3: datetime.date(2026, 5, 1)}
    with congress:
        made = HandlingUnit.objects.bulk_create(HandlingUnit(name=f"承办单位{n:02d}") for n in range(units))
        saved = Suggestion.objects.bulk_create(
            Suggestion(
                title=f"建议{i}",
                body="……",
                lead_deputy=deputy,
                created_by=user,
                status="assigned" if i % 4 == 0 else "replied",
                assigned_at=at(datetime.date(2026, 3, 1)),
                reply_due=datetime.date(2026, 6, 1),
                replied_at=at(replied[i % 4]) if replied[i % 4] else None,
                result_category="_ABC"[i % 4].strip("_"),
            )
            for i in range(items)
        )
        Assignment.objects.bulk_create(
            Assignment(suggestion=s, unit=made[i % units], role="lead") for i, s in enumerate(saved)
        )
        Evaluation.objects.bulk_create(
            Evaluation(suggestion=s, deputy=deputy, round=1, attitude="satisfied", result="satisfied")
            for i, s in enumerate(saved)
            if i % 2
        )


def per_unit_loop(congress, year: int, month: int):
    """The baseline: the same figures with queries per unit."""
    from django.db.models import F, Q
    from django.db.models.functions import TruncDate

    from tenant_apps.suggestions.bulletin import Bulletin, BulletinRow, cut_off
    from tenant_apps.suggestions.models import Evaluation, Suggestion
    from tenant_apps.units.models import HandlingUnit

    as_of = cut_off(year, month)
    rows = []
    for unit in HandlingUnit.objects.all():
        items = Suggestion.objects.filter(
            assignments__unit=unit, assignments__role="lead", assigned_at__date__lte=as_of
        ).annotate(replied_on=TruncDate("replied_at"))
        replied = items.filter(replied_on__lte=as_of).exclude(status__in=("assigned", "rehandling"))
        evaluations = Evaluation.objects.filter(suggestion__in=items, created_at__date__lte=as_of)
        rows.append(
            BulletinRow(
                unit.pk,
                unit.name,
                assigned=items.count(),
                replied=replied.count(),
                on_time=replied.filter(replied_on__lte=F("reply_due")).count(),
                overdue=items.filter(Q(status__in=("assigned", "rehandling")), reply_due__lt=as_of).count(),
                a_replies=replied.filter(result_category="A").count(),
                evaluations=evaluations.count(),
                satisfied=evaluations.filter(result__in=("satisfied", "basically_satisfied")).count(),
            )
        )
    return Bulletin(congress.name, year, month, as_of, rows)


def p(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1] if len(samples) > 1 else samples[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--items", type=int, default=400)
    args = parser.parse_args()
    setup_django("suggestions.py")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from openpyxl import Workbook

    from shared_apps.registry.exports import workbook_bytes, write_sheet
    from tenant_apps.suggestions.bulletin import bulletin_for
    from tenant_apps.suggestions.bulletin_views import bulletin_pdf_bytes, headers, table_rows

    cleanup()
    try:
        county = provision_chain(CHAIN)
        fill(county, args.units, args.items)
        with county:
            built = bulletin_for(county, 2026, 6)
            assert built.totals.assigned == args.items, built.totals
            loop = per_unit_loop(county, 2026, 6)
            assert [r.on_time for r in loop.rows] == [r.on_time for r in built.rows]

            def xlsx():
                workbook = Workbook()
                write_sheet(workbook.active, headers(), table_rows(built))
                return workbook_bytes(workbook)

            results = {
                "bulletin": timed(lambda: bulletin_for(county, 2026, 6), args.runs),
                "baseline": timed(lambda: per_unit_loop(county, 2026, 6), args.runs),
                "xlsx": timed(xlsx, args.runs),
                "pdf": timed(lambda: bulletin_pdf_bytes(built), args.runs),
            }
        print(f"{args.items} items, {args.units} units, {args.runs} runs each (ms)")
        for name, samples in results.items():
            print(f"{name:9} p50 {p(samples, 50):8.1f}  p95 {p(samples, 95):8.1f}")
        ratio = statistics.median(results["baseline"]) / statistics.median(results["bulletin"])
        print(f"baseline / bulletin (p50): {ratio:.1f}x")
    finally:
        cleanup()
        print("[bench] cleaned up", file=sys.stderr)


if __name__ == "__main__":
    main()
