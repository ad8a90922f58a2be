"""The rollup-fed part of the national report alone: build_report minus its further sections.

    .venv/bin/python bench/report_parts.py        # SQLite: var/bench-national.sqlite3, as report_national.py

Times contact_section, referral_section and connected_section (and the three together, as build_report
calls them) for the nation (000000) and prefecture 13 over the periods of report_national.py, with more
runs than it takes (medians of 15 after a warm-up): on a loaded machine the whole report's time is mostly
the further sections (stats/sections/), which this leaves out. It reads the rows the database holds.
"""

import statistics
import sys
import time

from report_national import FISCAL_YEAR, _pad, configure, timed_periods


def timed(fn, runs: int = 15) -> float:
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> int:
    configure()
    import django

    django.setup()
    import os

    from django.core.management import call_command

    from tsunagu.demo.synth_national import NATION_CODE, prefecture_code
    from tsunagu.orgs.models import Organisation
    from tsunagu.stats.report import Records, connected_section, contact_section, referral_section

    call_command("migrate", verbosity=0)
    fy = FISCAL_YEAR
    periods = timed_periods(fy)
    sys.stdout.write(f"load average {os.getloadavg()[0]:.2f}; medians in ms\n")
    sys.stdout.write(f"{'org':<8}{'period':<12}{'contacts':>10}{'referrals':>10}{'connected':>10}{'all three':>10}\n")
    for code in (NATION_CODE, prefecture_code(13)):
        org = Organisation.objects.get(code=code)
        for label, period in periods:
            parts = [
                timed(lambda section=section, org=org, period=period: section(org, period, Records(org)))
                for section in (contact_section, referral_section, connected_section)
            ]

            def three(org=org, period=period):
                records = Records(org)
                for section in (contact_section, referral_section, connected_section):
                    section(org, period, records)

            sys.stdout.write(
                f"{code:<8}{_pad(label, 12)}" + "".join(f"{ms:>10.1f}" for ms in (*parts, timed(three))) + "\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
