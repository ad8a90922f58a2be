"""The national statistics report against DuckDB computing the same tables from Parquet.

    .venv/bin/python bench/report_national.py                         # SQLite: var/bench-national.sqlite3
    scripts/with-postgres .venv/bin/python bench/report_national.py   # PostgreSQL: a throw-away cluster

The rows come from `tsunagu synth --scale national` the first time; later runs on the same SQLite file
reuse them. The script times build_report for the nation (000000) and for one prefecture over three
periods of one fiscal year — the whole year, its first half (4月〜9月末, what the seeds report) and an
arbitrary span with partial months at both ends (5/17〜翌1/9). It exports to Parquet (read in batches by
Python, written by DuckDB) the contacts, cases, referrals and 居場所 attendances (EXPORTS) and the record
tables of the report's further sections — meetings and their attending bodies and plans, 研修・啓発,
広報, supporters with their status history and activities, 居場所 and their sessions, the organisations
with their windows, placements, worked days and allowance rates, employment registrations
(reference_sections.EXPORTS) — each row with its organisation's path; runs the reference SQL in
bench/reference/ (a file or more per table of the report) on those files, and compares every number of
every section of the two reports, lists included. Each period prints two timings: the whole report
(build_report against all the reference SQL) and its consultation part alone (contacts, referrals,
connected against their files: the figure this bench printed before the further sections). It exits 1
when any number differs; a time above the target (the nation at most 0.5× DuckDB, a prefecture under
50 ms) is printed, not a failure.
"""

import argparse
import csv
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import reference_sections  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "bench" / "reference"
FISCAL_YEAR = 2024  # 令和6年度: a whole year inside the synthetic ten
PREFECTURE_LIMIT_MS = 50.0
NATIONAL_RATIO = 0.5  # the nation's report at most half DuckDB's time on the same rows
BATCH = 50_000
RUNS = 5
SHOWN_DIFFERENCES = 40  # a wrong list prints an element per line: the first ones say enough


def configure() -> None:
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsunagu.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var / 'bench-national.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))


def ensure_data(out, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from tsunagu.demo import synth_national

    call_command("migrate", verbosity=0)
    if synth_national.status() != "done":
        out.write("合成の全国データがないため作ります: tsunagu synth --scale national\n")
        call_command("synth", scale="national", seed=seed)
        if connection.vendor == "postgresql":
            # What autovacuum would do a minute after the bulk load.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def timed(fn, runs: int = RUNS) -> tuple[float, object]:
    """Median milliseconds of `runs` calls after one warm-up, and the last result."""
    result = fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def timed_periods(fy: int) -> list:
    """The three periods every bench times: the fiscal year, its first half and 5/17〜1/9."""
    from tsunagu.stats.report import Period

    return [
        (f"{fy}年度", Period(date(fy, 4, 1), date(fy + 1, 3, 31))),
        ("上半期", Period(date(fy, 4, 1), date(fy, 9, 30))),
        ("5/17〜1/9", Period(date(fy, 5, 17), date(fy + 1, 1, 9))),
    ]


# --- The Parquet export ----------------------------------------------------------------------------

EXPORTS = {
    # name: (SQL over Django's tables, DuckDB column types)
    "contacts": (
        "SELECT c.id, c.case_id, c.date, c.channel, c.consulter, c.age_band, c.with_peer, o.path "
        "FROM {contact} c JOIN {org} o ON o.id = c.organisation_id",
        {
            "id": "BIGINT",
            "case_id": "BIGINT",
            "date": "DATE",
            "channel": "VARCHAR",
            "consulter": "VARCHAR",
            "age_band": "VARCHAR",
            "with_peer": "BOOLEAN",
            "path": "VARCHAR",
        },
    ),
    "cases": (
        "SELECT c.id, c.first_contact_on, c.birth_date, c.age_band, o.path "
        "FROM {case} c JOIN {org} o ON o.id = c.organisation_id",
        {"id": "BIGINT", "first_contact_on": "DATE", "birth_date": "DATE", "age_band": "VARCHAR", "path": "VARCHAR"},
    ),
    "referrals": (
        "SELECT r.id, r.case_id, r.date, r.status, r.target, p.name, r.to_ibasho, o.path "
        "FROM {referral} r JOIN {org} o ON o.id = r.organisation_id LEFT JOIN {category} p ON p.id = r.category_id",
        {
            "id": "BIGINT",
            "case_id": "BIGINT",
            "date": "DATE",
            "status": "VARCHAR",
            "target": "VARCHAR",
            "category": "VARCHAR",
            "to_ibasho": "BOOLEAN",
            "path": "VARCHAR",
        },
    ),
    # Every attendee; case_id is empty for a nickname or an anonymous attendee.
    "attendances": (
        "SELECT a.id, a.event_id, a.case_id, a.anonymous, a.target, a.date, a.is_first, o.path "
        "FROM {attendance} a JOIN {org} o ON o.id = a.organisation_id",
        {
            "id": "BIGINT",
            "event_id": "BIGINT",
            "case_id": "BIGINT",
            "anonymous": "BOOLEAN",
            "target": "VARCHAR",
            "date": "DATE",
            "is_first": "BOOLEAN",
            "path": "VARCHAR",
        },
    ),
}


def export(directory: Path, out) -> dict[str, Path]:
    """Each table read from the database in batches, written to CSV, then to Parquet by DuckDB."""
    import duckdb
    from django.db import connection

    from tsunagu.cases.models import Case, Contact, Referral
    from tsunagu.ibasho.models import Attendance
    from tsunagu.orgs.models import Organisation, PartnerCategory

    tables = {
        "contact": Contact._meta.db_table,
        "case": Case._meta.db_table,
        "referral": Referral._meta.db_table,
        "attendance": Attendance._meta.db_table,
        "org": Organisation._meta.db_table,
        "category": PartnerCategory._meta.db_table,
    } | reference_sections.tables()
    files = {}
    con = duckdb.connect()
    for name, (sql, types) in (EXPORTS | reference_sections.EXPORTS).items():
        started = time.perf_counter()
        staging = directory / f"{name}.csv"
        rows = 0
        with connection.cursor() as cursor, staging.open("w", newline="") as f:
            writer = csv.writer(f)
            cursor.execute(sql.format(**tables))
            while batch := cursor.fetchmany(BATCH):
                writer.writerows(tuple(_cell(v) for v in row) for row in batch)
                rows += len(batch)
        files[name] = directory / f"{name}.parquet"
        columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
        # DuckDB cannot read an empty CSV: a table with no rows (no placements yet) is an empty typed SELECT.
        empty = "SELECT " + ", ".join(f'NULL::{t} AS "{c}"' for c, t in types.items()) + " WHERE false"
        rows_of = f"SELECT * FROM read_csv('{staging}', header = false, columns = {columns})" if rows else empty
        con.execute(f"COPY ({rows_of}) TO '{files[name]}' (FORMAT parquet)")
        staging.unlink()
        out.write(f"  {name}: {rows:,}行を Parquet に書き出し（{time.perf_counter() - started:.1f}秒）\n")
    con.close()
    return files


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


# --- The reference tables ---------------------------------------------------------------------------


CONSULTATION_FILES = {
    "totals": "contacts_totals",
    "new_cases": "new_cases",
    "by_channel": "contacts_by_channel",
    "by_consulter": "contacts_by_consulter",
    "by_age_band": "contacts_by_age_band",
    "cross": "contacts_channel_by_consulter",
    "by_category": "referrals_by_category",
    "by_target": "referrals_by_target",
    "connected": "connected",
}
SQL = {path.stem: path.read_text() for path in REFERENCE.glob("*.sql")}


def run_files(con, names, params: dict) -> dict:
    """{name: rows} of the reference files, each given the parameters it names ($root, $start…)."""
    return {
        name: con.execute(SQL[name], {k: v for k, v in params.items() if f"${k}" in SQL[name]}).fetchall()
        for name in names
    }


def reference_consultation(con, params: dict) -> dict:
    """The consultation tables (contacts, referrals, connected) from the reference SQL, by build_report's labels."""
    rows = run_files(con, CONSULTATION_FILES.values(), params)
    return {label: rows[name] for label, name in CONSULTATION_FILES.items()}


def reference_report(con, params: dict) -> tuple[dict, dict]:
    """Every table of the report from the reference SQL: the consultation tables and {file: rows} of the
    further sections' files (reference_sections.FILES)."""
    return reference_consultation(con, params), run_files(
        con, [name for names in reference_sections.FILES.values() for name in names], params
    )


def consultation_part(org, period) -> dict:
    """Our consultation sections alone (contacts, referrals, connected), as build_report computes them:
    the figure the bench timed before the further sections joined the report. stats.published reads the
    same three sections for the published tables."""
    from tsunagu.stats.published import published_counts

    return published_counts(org, period)


def as_contract(raw: dict) -> dict:
    """The reference rows in the shape of the report contract (labels, zeros, shares)."""
    from django.utils import translation

    from tsunagu.cases.models import AgeBand, Channel, Consulter, ReferralTarget
    from tsunagu.orgs.models import PartnerCategory
    from tsunagu.stats.report import IBASHO_LABEL, rate

    with translation.override("ja"):

        def labelled(choices, rows):
            counts = dict(rows)
            return {str(label): counts.get(value, 0) for value, label in choices}

        total, persons, with_peer = raw["totals"][0]
        by_channel = dict(raw["by_channel"])
        cross = {(a, b): n for a, b, n in raw["cross"]}
        categories = {name: (n, decided) for name, n, decided in raw["by_category"]}
        referrals = sum(n for n, _ in categories.values())
        by_category = {}
        for name in [*PartnerCategory.objects.order_by("order").values_list("name", flat=True), IBASHO_LABEL]:
            n, decided = categories.get(name, (0, 0))
            by_category[name] = {"count": n, "rate": rate(n, referrals), "decided": decided}
        connected = dict(raw["connected"])
        person, family = connected.get(ReferralTarget.PERSON, 0), connected.get(ReferralTarget.FAMILY, 0)
        return {
            "contacts": {
                "total": total,
                "persons": persons,
                "new_cases": raw["new_cases"][0][0],
                "by_channel": labelled(Channel.choices, raw["by_channel"]),
                "by_consulter": labelled(Consulter.choices, raw["by_consulter"]),
                "by_age_band": labelled(AgeBand.choices, raw["by_age_band"]),
                "channel_by_consulter": {
                    str(cl): {str(pl): cross.get((c, p), 0) for p, pl in Consulter.choices} for c, cl in Channel.choices
                },
                "outreach": {
                    "visits": by_channel.get(Channel.HOME_VISIT, 0),
                    "accompaniment": by_channel.get(Channel.ACCOMPANY, 0),
                    "with_peer": with_peer,
                },
            },
            "referrals": {
                "total": referrals,
                "decided": sum(d for _, d in categories.values()),
                "by_category": by_category,
                "by_target": labelled(ReferralTarget.choices, raw["by_target"]),
            },
            "connected": {
                "total": person + family,
                str(ReferralTarget.PERSON.label): person,
                str(ReferralTarget.FAMILY.label): family,
            },
        }


def differences(ours: dict, theirs: dict, prefix: str = "") -> list[str]:
    """Every key whose value differs, as 'a.b.c: ours != reference' (a list of the same length element by
    element: meetings.held.3.people)."""
    found = []
    for key in sorted(set(ours) | set(theirs), key=str):
        a, b = ours.get(key), theirs.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            found += differences(a, b, f"{prefix}{key}.")
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            found += differences(dict(enumerate(a)), dict(enumerate(b)), f"{prefix}{key}.")
        elif a != b:
            found.append(f"{prefix}{key}: {a!r} != {b!r}")
    return found


def _pad(text: str, width: int) -> str:
    """Left-aligned in `width` columns, a wide (CJK) character taking two."""
    return text + " " * max(0, width - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))


def sections_line(report: dict) -> str:
    """What the further sections counted (they are inside build_report's time and compared with DuckDB)."""
    meetings = sum(row["held"] for row in report["meetings"]["by_kind"].values())
    if not meetings:
        return "    （このデータベースには会議などの記録がありません。ファイルを消すと作り直します）\n"
    return (
        f"    会議 {meetings:,}回・研修啓発 {report['events']['held']:,}回・サポーター活動 "
        f"{report['supporters']['activities']:,}件・居場所 {report['ibasho']['sessions']:,}回・就労体験 "
        f"{report['work_experience']['placements']:,}件・就労支援の新規登録 {report['employment']['new_registrations']:,}件\n"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fiscal-year", type=int, default=FISCAL_YEAR, help="fiscal year (default %(default)s)")
    parser.add_argument("--prefecture", type=int, default=13, help="prefecture number timed alone (default 13)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic nation (default 1)")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs after the warm-up (default %(default)s)")
    parser.add_argument(
        "--rows-as-they-are",
        action="store_true",
        help="time the rows the database holds (a partly built nation, say) without building the nation",
    )
    args = parser.parse_args(argv)
    configure()
    import django

    django.setup()
    import duckdb
    from django.db import connection
    from django.utils import timezone

    from tsunagu.demo.synth_national import NATION_CODE, prefecture_code
    from tsunagu.orgs.models import Organisation
    from tsunagu.stats.report import build_report

    out = sys.stdout
    if args.rows_as_they_are:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    else:
        ensure_data(out, args.seed)
    fy = args.fiscal_year
    periods = timed_periods(fy)
    nation = Organisation.objects.get(code=NATION_CODE)
    prefecture = Organisation.objects.get(code=prefecture_code(args.prefecture))
    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            engine = f"PostgreSQL {cursor.fetchone()[0]}"
    out.write(f"\n{engine} | DuckDB {duckdb.__version__} | {fy}年度 | load average {os.getloadavg()[0]:.2f}\n")
    failures = 0
    params = reference_sections.parameters(timezone.localdate())
    with tempfile.TemporaryDirectory(prefix="tsunagu-bench-") as tmp:
        files = export(Path(tmp), out)
        con = duckdb.connect()
        for name, path in files.items():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        reference_sections.prepare(con)
        out.write(
            f"\n{'対象':<24}{'期間':<12}{'範囲':<8}{'ours ms':>10}{'DuckDB ms':>11}{'比':>7}  一致\n" + "-" * 80 + "\n"
        )
        for label, org in [(f"全国 {nation.code}", nation), (f"{prefecture.name} {prefecture.code}", prefecture)]:
            for period_label, period in periods:
                at = params | {"root": org.path, "start": period.start, "end": period.end}
                ours_ms, ours = timed(lambda org=org, period=period: build_report(org, period), args.runs)
                ref_ms, (consultation, further) = timed(lambda at=at: reference_report(con, at), args.runs)
                theirs = as_contract(consultation) | reference_sections.contract(further)
                wrong = differences({key: ours[key] for key in theirs}, theirs)
                part_ms, _ = timed(lambda org=org, period=period: consultation_part(org, period), args.runs)
                part_ref_ms, _ = timed(lambda at=at: reference_consultation(con, at), args.runs)
                failures += bool(wrong)
                for scope, mine, reference, verdict in [
                    ("全体", ours_ms, ref_ms, f"{'すべて一致' if not wrong else f'{len(wrong)}件不一致'}"),
                    ("うち相談", part_ms, part_ref_ms, ""),
                ]:
                    ratio = mine / reference
                    if org is nation:
                        verdict += "" if ratio <= NATIONAL_RATIO else f"  (above target: ratio > {NATIONAL_RATIO})"
                    else:
                        verdict += "" if mine < PREFECTURE_LIMIT_MS else "  (above target: 50ms以上)"
                    out.write(
                        f"{_pad(label if scope == '全体' else '', 24)}{_pad(period_label if scope == '全体' else '', 12)}"
                        f"{_pad(scope, 8)}{mine:>10.1f}{reference:>11.1f}{ratio:>7.2f}  {verdict}\n"
                    )
                for line in wrong[:SHOWN_DIFFERENCES]:
                    out.write(f"    {line}\n")
                if len(wrong) > SHOWN_DIFFERENCES:
                    out.write(f"    …ほか{len(wrong) - SHOWN_DIFFERENCES}件\n")
                if org is nation:
                    out.write(
                        f"    延べ {ours['contacts']['total']:,}・実人数 {ours['contacts']['persons']:,}・"
                        f"新規 {ours['contacts']['new_cases']:,}・つなぎ {ours['referrals']['total']:,}"
                        f"（決定 {ours['referrals']['decided']:,}）・つながった {ours['connected']['total']:,}\n"
                    )
                    out.write(sections_line(ours))
        con.close()
    out.write(
        f"\n{'すべての数値が参照SQLと一致' if not failures else 'CORRECTNESS FAILURE: 参照SQLと違う数値があります'}\n"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
