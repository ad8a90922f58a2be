"""Time a ledger import: N cases and M contacts (and a referral for one case in ten) as the three CSVs,
into a fresh SQLite database in a temporary directory (or the PostgreSQL of DATABASE_URL), then the same
files again (all unchanged). Wall-clock and CPU seconds of the process (on SQLite the CPU time includes
the database's, and a busy machine does not stretch it).

    .venv/bin/python bench/ledger_import.py                      # 10,000 cases, 50,000 contacts, SQLite
    .venv/bin/python bench/ledger_import.py --cases 1000 --contacts 5000
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def ledger(cases: int, contacts: int, seed: int = 1) -> dict[str, list[list[str]]]:
    rng = random.Random(seed)
    start = date(2019, 4, 1)
    case_rows, contact_rows, referral_rows = [], [], []
    per_case = [contacts // cases] * cases
    for i in range(contacts - sum(per_case)):
        per_case[i] += 1
    for i in range(cases):
        number = f"2019-{i + 1:05d}"
        opened = start + timedelta(days=rng.randint(0, 1500))
        case_rows.append(
            [
                number,
                opened.isoformat(),
                f"山田 太郎{i}",
                f"やまだ たろう{i}",
                (opened - timedelta(days=365 * rng.randint(16, 60))).isoformat(),
                "",
                rng.choice(["男性", "女性", "不明"]),
                "",
                rng.choice(["家族", "本人"]),
                "",
                str(rng.randint(1, 4)),
                str(rng.randint(0, 200)),
                rng.choice(["はい", "いいえ", ""]),
                "支援中",
                "",
            ]
        )
        for k in range(per_case[i]):
            day = opened + timedelta(days=k * 7)
            contact_rows.append(
                [number, day.isoformat(), rng.choice(["電話", "来所", "訪問"]), "家族", "佐藤", "30", f"記録{k}"]
            )
        if i % 10 == 0:
            referral_rows.append([number, opened.isoformat(), "本人", "保健所・保健センター", "", "", ""])
    return {"ケース": case_rows, "相談記録": contact_rows, "つなぎ": referral_rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=50_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="ledger-bench-")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("TSUNAGU_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from tests.ledger.builders import HEADERS, csv_files  # tests/ledger/builders.py
    from tsunagu.ledger.importing import import_ledger
    from tsunagu.orgs import actions
    from tsunagu.orgs.models import OrgKind
    from tsunagu.orgs.rules import Actor

    system = Actor.system("bench")
    nation = actions.create_organisation(actor=system, code="000000", name="国", kind=OrgKind.NATIONAL)
    pref = actions.create_organisation(
        actor=system, code="990001", name="青海県", kind=OrgKind.PREFECTURE, parent=nation
    )
    org = actions.create_organisation(actor=system, code="99CENTER", name="センター", kind=OrgKind.CENTER, parent=pref)
    files = csv_files({name: [HEADERS[name], *rows] for name, rows in ledger(args.cases, args.contacts).items()})
    print(f"{connection.vendor}: {args.cases:,} cases, {args.contacts:,} contacts")
    for label in ("first import", "same file again"):
        started, cpu = time.perf_counter(), time.process_time()
        result = import_ledger(actor=system, organisation=org, files=files)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert result.ok, result.errors[:5]
        print(f"{label}: {elapsed:.2f} s wall, {cpu:.2f} s CPU  {dict(sorted(result.counts.items()))}")


if __name__ == "__main__":
    main()
