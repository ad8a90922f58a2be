"""Server time of the case list and the case page with 100,000 cases and 1,000,000 contacts.

    .venv/bin/python bench/case_pages.py                         # SQLite: var/bench.sqlite3
    scripts/with-postgres .venv/bin/python bench/case_pages.py   # PostgreSQL: a throw-away cluster

The rows come from `tsunagu synth` the first time (a few minutes); later runs on the same database
reuse them. Requests go through django.test.Client in this process, with the production settings
(DEBUG off, collected static files), logged in as a 相談員 of the synthetic centre: the time is
everything Django does for the page (middleware, queries, the audit entry, the template), without a
network. Each page is warmed up, then requested --runs times; the table gives the median and the 95th
percentile, and whether each is under 100 ms.
"""

import argparse
import math
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES, CONTACTS, ORG, SEED = 100_000, 1_000_000, "98CENTER", 1
LIMIT_MS = 100.0


def configure() -> None:
    """Production settings, with a database and static files of the benchmark's own."""
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsunagu.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("STATIC_ROOT", str(var / "bench-static"))
    sys.path.insert(0, str(ROOT))


def ensure_data(out) -> None:
    from django.core.management import call_command
    from django.db import connection

    from tsunagu.cases.models import Case, Contact

    call_command("migrate", verbosity=0)
    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", verbosity=0, interactive=False)
    cases = Case.objects.filter(organisation__code=ORG).count()
    if cases == 0:
        out.write(f"{ORG} にケースがないため作ります: tsunagu synth --cases {CASES} --contacts {CONTACTS}\n")
        call_command("synth", cases=CASES, contacts=CONTACTS, org=ORG, seed=SEED)
        if connection.vendor == "postgresql":
            # What autovacuum does on its own a minute after a bulk load; without it the planner has
            # no statistics for the new rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        cases = Case.objects.filter(organisation__code=ORG).count()
    contacts = Contact.objects.filter(organisation__code=ORG).count()
    if (cases, contacts) != (CASES, CONTACTS):
        raise SystemExit(
            f"{ORG} has {cases:,} cases and {contacts:,} contacts, not {CASES:,} and {CONTACTS:,} "
            "(an interrupted synth run?): remove the benchmark database and run again."
        )


def logged_in_client():
    from django.test import Client

    from tsunagu.orgs.middleware import SESSION_KEY
    from tsunagu.orgs.models import Membership, Role

    membership = (
        Membership.objects.select_related("user")
        .filter(organisation__code=ORG, role=Role.COORDINATOR)
        .order_by("user__username")
        .first()
    )
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    return client, membership


def pages() -> list[tuple[str, str, dict]]:
    """(label, path, query) of each measured request."""
    from django.db.models import Count
    from django.urls import reverse

    from tsunagu.cases.models import Case

    cases = Case.objects.filter(organisation__code=ORG)
    busiest = cases.annotate(n=Count("contacts")).order_by("-n", "pk").values_list("pk", "n").first()
    number = cases.order_by("pk").values_list("number", flat=True)[CASES // 2]
    surname = "サトウ"  # katakana for a furigana stored in hiragana: the search folds both
    listing = reverse("case_list")
    return [
        ("ケース一覧 1ページ目", listing, {}),
        ("ケース一覧 検索（ふりがな）", listing, {"q": surname}),
        ("ケース一覧 状態（支援中）", listing, {"status": "support"}),
        ("ケース一覧 検索＋状態", listing, {"q": surname, "status": "closed"}),
        ("ケース一覧 ケース番号", listing, {"q": number}),
        ("ケース一覧 最終ページ", listing, {"page": "last"}),
        (f"ケースページ（相談記録{busiest[1]}件）", reverse("case_detail", kwargs={"pk": busiest[0]}), {}),
    ]


def measure(client, path: str, query: dict, *, warmup: int, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of this process per request. The CPU time is the part a busy
    machine cannot stretch (on SQLite it includes the database's work; PostgreSQL's runs elsewhere)."""
    wall, cpu = [], []
    for i in range(warmup + runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, query, secure=True)
        elapsed, elapsed_cpu = (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} {query}: HTTP {response.status_code}")
        if i >= warmup:
            wall.append(elapsed)
            cpu.append(elapsed_cpu)
    return wall, cpu


def queries_of(client, path: str, query: dict):
    """The SQL of one request, with each statement's time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, query, secure=True)
    return [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]


def explain(sql: str) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    return "\n".join("      " + " ".join(str(c) for c in row) for row in rows)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="requests per page before measuring (default 5)")
    parser.add_argument("--explain", action="store_true", help="print the plan of each page's slowest query")
    args = parser.parse_args(argv)
    configure()
    import django

    django.setup()
    from django.db import connection

    out = sys.stdout
    ensure_data(out)
    client, membership = logged_in_client()
    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            engine = f"PostgreSQL {cursor.fetchone()[0]}"
    out.write(
        f"\n{engine} | {ORG}: ケース {CASES:,}件・相談記録 {CONTACTS:,}件 | "
        f"{membership.user.username}（相談員） | {args.warmup}回の後{args.runs}回 | "
        f"load average {os.getloadavg()[0]:.2f}\n\n"
    )
    header = f"{'ページ':<28}{'中央値 ms':>10}{'p95 ms':>9}{'CPU ms':>9}{'SQL':>5}{'最遅SQL ms':>11}  100ms未満"
    out.write(header + "\n" + "-" * 87 + "\n")
    failures = 0
    for label, path, query in pages():
        samples, cpu = measure(client, path, query, warmup=args.warmup, runs=args.runs)
        median, p95 = statistics.median(samples), percentile(samples, 95)
        sql = queries_of(client, path, query)
        slowest = max(sql, default=(0.0, ""))
        ok = p95 < LIMIT_MS
        failures += not ok
        pad = 28 - sum(2 if ord(ch) > 0x2E80 else 1 for ch in label) + len(label)
        out.write(
            f"{label:<{pad}}{median:>10.1f}{p95:>9.1f}{statistics.median(cpu):>9.1f}{len(sql):>5}"
            f"{slowest[0]:>11.1f}  {'はい' if ok else 'いいえ'}\n"
        )
        if args.explain and slowest[1]:
            out.write(f"    {slowest[0]:.1f} ms: {slowest[1][:400]}\n{explain(slowest[1])}\n")
    out.write(f"\n{'すべてのページが100ms未満（p95）' if not failures else f'{failures}ページが100ms以上（p95）'}\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
