"""The duty platform at the size it serves: a deputy's ledger, a county's yearly print, and a flood of public
scores. A measurement script, not a test: it prints numbers and ratios against baselines measured in the same
run, and checks the counts (exit status 1 when a vote is lost or doubled).

    DATABASE_URL=postgres://... .venv/bin/python bench/duty.py [--runs 200] [--deputies 300] [--records 60]
        [--scores 5000] [--threads 8]

ledger      shared_apps.ledger.selectors.ledger() of a deputy with three seats (province, city, county) and
            `--records` records of the year across them (counts, months, seats included), against one indexed
            SQL read of the same record rows with their congress's name (the baseline); p50 and p95, and the
            queries each ledger costs with one seat and with three.
print       every ledger of a county's year (`--deputies` deputies × `--records` records) laid out as one PDF,
            as the worker's print job does, against one ledger alone: seconds per ledger and the ratio.
scoring     `--scores` numbers each scoring one report (code issued, then score_submit, as the API does) from
            `--threads` threads, a tenth of them submitting twice; the rows after must equal the scores sent
            minus those refused.

A bench chain (province 970000000000 → city 970100000000 → county 970101000000) is provisioned with
provision_now; terms, seats and duty records are inserted through the registry services and bulk_create.
Leftovers of an earlier run are removed first; everything is removed at the end, even on error.
"""

import argparse
import datetime
import statistics
import sys
import threading
import time

from common import provision_chain, setup_django, timed

CHAIN = (
    ("province", "970000000000", "bench-duty-province", "Bench duty province"),
    ("city", "970100000000", "bench-duty-city", "Bench duty city"),
    ("county", "970101000000", "bench-duty-county", "Bench duty county"),
)
NAME = "Bench 履职代表"
YEAR = 2026


def cleanup() -> None:
    from django.db import connection, transaction

    from console.specs import schema_name_for
    from shared_apps.exchange.models import InboxCount
    from shared_apps.ledger.models import DutyRecord
    from shared_apps.memberships.models import Membership, MembershipEvent
    from shared_apps.registry.models import Deputy, RegistryEvent, Seat, Term
    from tenants import schemas
    from tenants.models import Congress, CongressEvent, Domain, ProvisioningRequest

    connection.set_schema_to_public()
    deputies = Deputy.objects.filter(name__startswith=NAME)
    with transaction.atomic():
        DutyRecord.objects.filter(deputy__in=deputies).delete()
        Seat.objects.filter(deputy__in=deputies).delete()
        RegistryEvent.objects.filter(deputy__in=deputies).delete()
    for _tier, code, _sub, _name in reversed(CHAIN):
        with transaction.atomic():
            congress = Congress.objects.filter(division_code=code).first()
            ProvisioningRequest.objects.filter(division_code=code).delete()
            if congress is not None:
                for model in (InboxCount, DutyRecord, Membership, MembershipEvent, CongressEvent):
                    model.objects.filter(congress=congress).delete()
                RegistryEvent.objects.filter(term__congress=congress).delete()
                Term.objects.filter(congress=congress).delete()
                ProvisioningRequest.objects.filter(parent=congress).delete()
                Domain.objects.filter(tenant=congress).delete()
                Congress.objects.filter(pk=congress.pk).delete()
            schemas.drop_schema(schema_name_for(code))
    # Last: the congresses' schemas (which hold reports naming them) are gone.
    Deputy.objects.filter(name__startswith=NAME).delete()


def registry(congresses, deputies: int):
    """A term per congress; the three-seat deputy; `deputies` more seated in the county."""
    from shared_apps.memberships.permissions import Access
    from shared_apps.registry import services
    from shared_apps.registry.identifiers import id_check_digit
    from shared_apps.registry.models import Deputy, Seat

    root = Access(user=None, congress=None, is_platform_admin=True)
    terms = [
        services.term_open(access=root, congress=c, number=1, starts_on=datetime.date(2022, 1, 1)) for c in congresses
    ]

    def person(n: int) -> Deputy:
        first17 = f"970101{datetime.date(1950, 1, 1) + datetime.timedelta(days=n):%Y%m%d}{n % 1000:03d}"
        return Deputy(
            name=f"{NAME}{n}",
            gender="female",
            id_number_token="-",
            id_number_hash=f"bench-duty-{first17}{id_check_digit(first17)}",
            id_number_masked="-",
        )

    made = Deputy.objects.bulk_create([person(n) for n in range(deputies + 1)])
    seats = [Seat(deputy=made[0], term=t, congress=t.congress, tier=t.tier, starts_on=t.starts_on) for t in terms]
    county = terms[-1]
    seats += [
        Seat(deputy=d, term=county, congress=county.congress, tier="county", starts_on=county.starts_on)
        for d in made[1:]
    ]
    Seat.objects.bulk_create(seats)
    return made


def records(congresses, deputies, per_deputy: int) -> None:
    from shared_apps.ledger.models import DutyRecord

    kinds = ("activity_attended", "suggestion_led", "deliberation_speech", "message_answered", "training")
    rows = []
    for n, deputy in enumerate(deputies):
        for r in range(per_deputy):
            congress = congresses[r % len(congresses)] if n == 0 else congresses[-1]
            day = datetime.date(YEAR, 1 + r % 12, 1 + r % 28)
            rows.append(
                DutyRecord(
                    deputy=deputy,
                    congress=congress,
                    source="bench",
                    source_ref=f"bench:{r}",
                    kind=kinds[r % len(kinds)],
                    category="集中视察" if r % 5 == 0 else "",
                    title=f"第{r + 1}项履职：视察调研乡村振兴工作",
                    occurred_on=day,
                    year=YEAR,
                    url=f"https://bench.example/duty/{r}/",
                    public=r % 2 == 0,
                )
            )
    DutyRecord.objects.bulk_create(rows, batch_size=5000)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_ledger(deputies, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shared_apps.ledger.selectors import ledger

    three, one = deputies[0], deputies[1]

    def ours():
        ledger(three, YEAR, public_only=False)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.occurred_on, c.name, r.kind, r.category, r.title, r.url, r.public FROM ledger_dutyrecord r "
                "JOIN tenants_congress c ON c.id = r.congress_id WHERE r.deputy_id = %s AND r.year = %s "
                "ORDER BY r.occurred_on, r.id",
                [three.pk, YEAR],
            )
            cursor.fetchall()

    a, b = timed(ours, runs), timed(baseline, runs)
    queries = {}
    for label, deputy in (("1 seat", one), ("3 seats", three)):
        with CaptureQueriesContext(connection) as captured:
            data = ledger(deputy, YEAR, public_only=False)
        queries[label] = (len(captured), data.total)
    print(f"ledger ({runs} runs, ms)         p50 {statistics.median(a):6.2f}   p95 {percentile(a, 0.95):6.2f}")
    print(f"one SQL read of the same rows   p50 {statistics.median(b):6.2f}   p95 {percentile(b, 0.95):6.2f}")
    print(f"ledger / read (p95): {percentile(a, 0.95) / percentile(b, 0.95):.2f}x   (goal <= 2x)")
    for label, (count, total) in queries.items():
        print(f"queries for a deputy with {label}: {count} ({total} records)")


def bench_print(deputies) -> None:
    from shared_apps.ledger import exports
    from shared_apps.ledger.selectors import ledger

    county = deputies[1:]
    one = county[0]
    singles = []
    for _ in range(5):
        started = time.perf_counter()
        exports.ledger_pdf(ledger(one, YEAR, public_only=False))
        singles.append(time.perf_counter() - started)
    single = statistics.median(singles)
    started = time.perf_counter()
    content = exports.ledgers_pdf((ledger(d, YEAR, public_only=False) for d in county), title="bench")
    total = time.perf_counter() - started
    per = total / len(county)
    print(
        f"print {len(county)} ledgers: {total:.1f} s in all, {per:.3f} s per ledger; one ledger alone {single:.3f} s; "
        f"ratio {per / single:.2f}x; {len(content) // 1024} KiB"
    )


def bench_scoring(congresses, deputies, count: int, threads: int) -> bool:
    from django.contrib.auth import get_user_model
    from django.db import close_old_connections, connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.memberships.permissions import Access
    from tenant_apps.reports import scoring
    from tenant_apps.reports.models import Report, Round, Score

    county = congresses[-1]
    now = timezone.now()

    user = get_user_model().objects.filter(
        email="bench-duty@example.org"
    ).first() or get_user_model().objects.create_user(email="bench-duty@example.org", name="bench")
    with schema_context(county.schema_name):
        round_ = Round.objects.create(
            title="bench",
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(minutes=10),
            status="open",
            created_by=user,
        )
        report = Report.objects.create(
            round=round_, deputy=deputies[1], constituency="第一选区", title="述职", text="述职", status="published"
        )
    public = Access(user=None, congress=county)
    twice = {n for n in range(0, count, 10)}
    sent, refused, errors = [0], [0], []
    lock = threading.Lock()

    def work(part: range) -> None:
        try:
            with schema_context(county.schema_name):
                for n in part:
                    mobile = f"139{n:08d}"
                    for _attempt in range(2 if n in twice else 1):
                        code = scoring.code_issue(report, mobile)
                        try:
                            scoring.score_submit(
                                access=public,
                                report=report,
                                mobile=mobile,
                                code=code,
                                rating=("satisfied", "basically_satisfied", "unsatisfied")[n % 3],
                                address=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
                            )
                            outcome = "sent"
                        except Exception as exc:  # a refusal (the second of a number) or a fault
                            outcome = "refused" if "已经评过分" in str(exc) else f"error: {exc}"
                        with lock:
                            if outcome == "sent":
                                sent[0] += 1
                            elif outcome == "refused":
                                refused[0] += 1
                            else:
                                errors.append(outcome)
        finally:
            close_old_connections()
            connection.close()

    step = (count + threads - 1) // threads
    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(range(i, min(count, i + step)),)) for i in range(0, count, step)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    with schema_context(county.schema_name):
        stored = Score.objects.filter(report=report).count()
    attempts = count + len(twice)
    ok = stored == sent[0] and sent[0] == count and refused[0] == len(twice) and not errors
    print(
        f"scoring: {attempts} submissions from {count} numbers on {threads} threads in {elapsed:.1f} s "
        f"({attempts / elapsed:.0f}/s); accepted {sent[0]}, refused {refused[0]} (second of a number), "
        f"errors {len(errors)}; rows after {stored} = sent − refused: {'yes' if ok else 'NO'}"
    )
    for error in sorted(set(errors))[:5]:
        print(f"  {error}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--deputies", type=int, default=300)
    parser.add_argument("--records", type=int, default=60)
    parser.add_argument("--scores", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    setup_django("duty.py")
    from django.conf import settings
    from django.core.management import call_command

    settings.SMS_BACKEND = "shared_apps.accounts.sms.MemorySmsSender"
    call_command("migrate", interactive=False, verbosity=0)
    cleanup()
    ok = True
    try:
        from tenants.models import Congress

        provision_chain(CHAIN)
        congresses = [Congress.objects.get(division_code=code) for _t, code, _s, _n in CHAIN]
        deputies = registry(congresses, args.deputies)
        records(congresses, deputies, args.records)
        bench_ledger(deputies, args.runs)
        bench_print(deputies)
        ok = bench_scoring(congresses, deputies, args.scores, args.threads)
    finally:
        cleanup()
    if not ok:
        print("[bench] FAILED: a score was lost or counted twice")
        sys.exit(1)


if __name__ == "__main__":
    main()
