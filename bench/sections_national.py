"""The report's further sections (meetings, events, materials, supporters, 居場所, network, work_experience,
employment) timed one by one on the synthetic nation.

    .venv/bin/python bench/sections_national.py                           # SQLite: var/bench-national.sqlite3
    .venv/bin/python bench/sections_national.py --save var/sections.json  # keep the figures
    .venv/bin/python bench/sections_national.py --check var/sections.json # and compare with them later
    .venv/bin/python bench/sections_national.py --queries                 # the SQL of each builder

Each builder (`SECTION.build` of tsunagu/stats/sections/) is called as build_report calls it (in Japanese)
for the nation (000000) and one prefecture over the three periods of bench/report_national.py (a fiscal
year, its first half, 5/17〜翌1/9), once to warm up and then 5 times; the table gives the median in
wall-clock and CPU milliseconds (`wall/cpu`) and the number of SQL statements of one call. `--check` exits 1 when any figure differs from
the saved ones (saved before a change, compared after it). The data is the nation report_national.py
builds; this script does not build it.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_national  # noqa: E402  (configure() must run before Django is imported)


def timed(fn, runs: int = 5) -> tuple[float, float, object]:
    """Median wall-clock and CPU milliseconds of `runs` calls after one warm-up, and the last result. On
    SQLite the CPU time includes the database's, and a machine busy with other work stretches it less."""
    result = fn()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


def _plain(value):
    """The figures as JSON has them (sets sorted, dates as text), so that two runs compare."""
    return json.loads(json.dumps(value, default=lambda v: sorted(v) if isinstance(v, set) else str(v)))


def _profile(build, out) -> None:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(build)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    out.write(text.getvalue())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fiscal-year", type=int, default=report_national.FISCAL_YEAR)
    parser.add_argument("--prefecture", type=int, default=13, help="prefecture number (default 13)")
    parser.add_argument("--only", help="the sections whose key contains this")
    parser.add_argument("--save", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--check", type=Path, help="compare every figure with this JSON file (exit 1 if any differs)")
    parser.add_argument("--queries", action="store_true", help="print the SQL of each builder (FY, nation)")
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top functions of each builder (FY, nation)"
    )
    args = parser.parse_args(argv)
    report_national.configure()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from tsunagu.demo.synth_national import NATION_CODE, prefecture_code
    from tsunagu.orgs.models import Organisation
    from tsunagu.stats import sections

    fy = args.fiscal_year
    periods = report_national.timed_periods(fy)
    nation = Organisation.objects.get(code=NATION_CODE)
    prefecture = Organisation.objects.get(code=prefecture_code(args.prefecture))
    scopes = [(f"全国 {nation.code}", nation), (f"{prefecture.name} {prefecture.code}", prefecture)]
    out = sys.stdout
    out.write(f"\n{connection.vendor} | {fy}年度 | load average {report_national.os.getloadavg()[0]:.2f}\n")
    header = f"{'節':<18}" + "".join(
        report_national._pad(f"{scope.split()[0]} {p}", 18) for scope, _org in scopes for p, _period in periods
    )
    out.write(header + "\n" + "-" * len(header) + "\n")
    figures: dict = {}
    for section in sections.sections():
        if args.only and args.only not in section.key:
            continue
        cells = []
        for _scope, org in scopes:
            for label, period in periods:

                def build(section=section, org=org, period=period):
                    with translation.override("ja"):
                        return section.build(org, period, None)

                ms, cpu, result = timed(build)
                with CaptureQueriesContext(connection) as captured:
                    build()
                cells.append(f"{ms:6.1f}/{cpu:5.1f} {len(captured):>2}q")
                figures[f"{section.key} {org.code} {label}"] = _plain(result)
                if args.profile and org is nation and period is periods[0][1]:
                    _profile(build, out)
                if args.queries and org is nation and period is periods[0][1]:
                    for query in captured.captured_queries:
                        out.write(f"    [{section.key}] {query['time']}s {query['sql'][:600]}\n")
        out.write(report_national._pad(section.key, 18) + "".join(f"{c:<18}" for c in cells) + "\n")
    if args.save:
        args.save.write_text(json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True))
        out.write(f"\n{len(figures)} 件の数値を {args.save} に保存しました\n")
    if args.check:
        saved = json.loads(args.check.read_text())
        wrong = [key for key in figures if figures[key] != saved.get(key)]
        for key in wrong:
            out.write(f"  不一致: {key}\n")
            out.write(
                "    " + "\n    ".join(report_national.differences(figures[key], saved.get(key) or {}))[:4000] + "\n"
            )
        out.write(f"\n{'すべて一致' if not wrong else f'{len(wrong)}件不一致'}（{args.check} と比較）\n")
        return 1 if wrong else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
