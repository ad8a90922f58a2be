"""What the nation's report pays for rollup rows kept per organisation (tsunagu/stats/rollups.py).

    .venv/bin/python bench/rollup_layout.py      # on var/bench-national.sqlite3 (bench/report_national.py builds it)

Prints how many contact rollup rows the national fiscal-year report sums, how many it would sum if the
nation had rows of its own, and the median time of build_report for the nation and one prefecture
(and, as a check, that the report equals the one counted from the records).
"""

import os
import secrets
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsunagu.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-national.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from tsunagu.cases.models import Contact
    from tsunagu.orgs.models import Organisation, OrgKind
    from tsunagu.stats.report import Period, build_report, counted_report

    fy = Period(date(2024, 4, 1), date(2025, 3, 31))
    months = ("2024-04-01", "2025-03-01")
    contacts = Contact.objects.count()
    orgs = Contact.objects.values("organisation_id").distinct().count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM stats_contactmonth WHERE month BETWEEN %s AND %s", months)
        rows = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT DISTINCT month, channel, consulter, age_band, with_peer "
            "FROM stats_contactmonth WHERE month BETWEEN %s AND %s) k",
            months,
        )
        national = cursor.fetchone()[0]
    print(f"{contacts:,} contacts in {orgs} organisations ({connection.vendor})")
    print(f"FY2024 contact rollup rows the nation sums: {rows:,} (rows of the nation's own: {national:,})")
    nation = Organisation.objects.get(code="000000")
    prefecture = Organisation.objects.filter(kind=OrgKind.PREFECTURE).order_by("code").first()
    for label, org in (("nation", nation), ("prefecture", prefecture)):
        build_report(org, fy)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            report = build_report(org, fy)
            times.append((time.perf_counter() - started) * 1000)
        exact = report == counted_report(org, fy)
        print(f"{label} FY2024 build_report: {statistics.median(times):.1f} ms, exact: {exact}")


if __name__ == "__main__":
    main()
