"""Peak memory (RSS) and time of importing hostile ledger files, through the command and the web upload.

    .venv/bin/python bench/ledger_bombs.py                 # every file, both paths
    .venv/bin/python bench/ledger_bombs.py --only bomb     # the files whose name contains "bomb"

Each import runs in a process of its own under `/usr/bin/time -v`, so the peak is the whole process's:
Django, the file in memory, the reader and the answer. `cli` is `tsunagu import-ledger --org BENCH FILE`;
`web` posts the file to the upload page with django.test.Client and waits for the job's background
thread in the same process, as a web server runs it. Each import goes into a new, empty
centre, so that every run does the same work. The database is SQLite in var/bench-ledger.sqlite3 with
production settings; the files are built by tests/ledger/hostile.py into var/bench-ledger/ (the
shared-strings bomb is the spine issue's: 2 MB that expands to 2 GB). Besides the hostile files, three
that are accepted or checked in full at the limits show the worst memory and time a file can cost:
32,000,000 characters of shared strings that take 4 bytes each in Python, 2,000,000 cells, and 30 MB of
CSV; and a real ledger of 10,000 cases and 50,000 contacts.
"""

import argparse
import gc
import os
import re
import secrets
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
FILES = VAR / "bench-ledger"
ORG = "BENCH"
LIMIT_MB = 300


def configure() -> None:
    VAR.mkdir(exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsunagu.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{VAR / 'bench-ledger.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("STATIC_ROOT", str(VAR / "bench-static"))
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    sys.path.insert(0, str(ROOT))


def text_at_limit() -> bytes:
    """999 shared strings of 32,000 characters, each ASCII with one emoji (so Python stores it in 4
    bytes a character): just under MAX_TEXT_CHARS, and about as compressible as real text."""
    import random

    from tests.ledger import hostile

    words = ["soudan", "houmon", "denwa", "kazoku", "honnin", "tsunagi", "ibasho", "shien"]
    rng = random.Random(1)
    block = " ".join(rng.choice(words) + str(rng.randrange(100)) for _ in range(200_000))
    extra = "".join(f"<si><t>{block[n * 997 : n * 997 + 32_000]}😀</t></si>" for n in range(999))
    parts = hostile.ledger_parts()
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b"</sst>", extra.encode() + b"</sst>")
    return hostile.xlsx_of(parts)


def cells_at_limit() -> bytes:
    """A contact sheet of 100,000 rows × 20 columns (2,000,000 cells, the limit), every date wrong, so
    that all of it is read and checked and nothing is written."""
    from tests.ledger import hostile

    headings = ["ケース番号", "日付", "方法", "相談者", *[f"列{n}" for n in range(16)]]
    header = "".join(
        f'<c r="{hostile.get_column_letter(c)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in enumerate(headings, start=1)
    )
    rows = [f'<row r="1">{header}</row>']
    for n in range(2, 100_001):
        cells = f'<c r="A{n}" t="inlineStr"><is><t>A</t></is></c><c r="B{n}" t="inlineStr"><is><t>x</t></is></c>'
        cells += "".join(f'<c r="{hostile.get_column_letter(c)}{n}"><v>{n * c % 9973}</v></c>' for c in range(3, 21))
        rows.append(f'<row r="{n}">{cells}</row>')
    parts = hostile.ledger_parts()
    parts["xl/worksheets/sheet2.xml"] = (
        f'<worksheet xmlns="{hostile.MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'.encode()
    )
    return hostile.xlsx_of(parts)


def csv_at_limit(directory: Path) -> None:
    """ケース.csv and 相談記録.csv of 30 MB together, 内容 ASCII with one emoji in each cell."""
    from tests.ledger.builders import HEADERS, case_row, contact_row, csv_bytes

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ケース.csv").write_bytes(csv_bytes([HEADERS["ケース"], case_row(number="A")], "utf-8"))
    rows = [HEADERS["相談記録"], *([contact_row(number="A", notes="x" * 2_900 + "😀")] * 10_200)]
    (directory / "相談記録.csv").write_bytes(csv_bytes(rows, "utf-8"))


def build_files() -> dict[str, list[Path]]:
    from tests.ledger import hostile
    from tests.ledger.builders import big_ledger, xlsx_bytes

    FILES.mkdir(parents=True, exist_ok=True)
    makers = {
        "shared-strings-bomb.xlsx": lambda: hostile.shared_strings_bomb(crc=True),
        "lying-size-bomb.xlsx": hostile.lying_bomb,
        "billion-laughs.xlsx": hostile.billion_laughs,
        "external-entity.xlsx": lambda: hostile.external_entity("/etc/passwd"),
        "million-empty-rows.xlsx": hostile.many_empty_rows,
        "text-at-limit.xlsx": text_at_limit,
        "cells-at-limit.xlsx": cells_at_limit,
        "ledger-10000x5.xlsx": lambda: xlsx_bytes(big_ledger(10_000, 5, [])),
    }
    paths = {}
    for name, make in makers.items():
        path = FILES / name
        if not path.exists():
            path.write_bytes(make())
        paths[name] = [path]
    if not (FILES / "csv-at-limit" / "相談記録.csv").exists():
        csv_at_limit(FILES / "csv-at-limit")
    paths["csv-at-limit"] = [FILES / "csv-at-limit" / "ケース.csv", FILES / "csv-at-limit" / "相談記録.csv"]
    return paths


def new_centre() -> str:
    """The code of a new, empty centre with a coordinator, for one import."""
    from django.contrib.auth import get_user_model

    from tsunagu.orgs import actions
    from tsunagu.orgs.models import Membership, Organisation, OrgKind, Role
    from tsunagu.orgs.rules import Actor

    system = Actor.system("bench")
    nation = Organisation.objects.filter(code="000000").first() or actions.create_organisation(
        actor=system, code="000000", name="国", kind=OrgKind.NATIONAL
    )
    pref = Organisation.objects.filter(code="990001").first() or actions.create_organisation(
        actor=system, code="990001", name="ベンチ県", kind=OrgKind.PREFECTURE, parent=nation
    )
    code = f"{ORG}-{Organisation.objects.filter(parent=pref).count() + 1}"
    org = actions.create_organisation(
        actor=system, code=code, name=f"ベンチセンター{code}", kind=OrgKind.CENTER, parent=pref
    )
    user, _created = get_user_model().objects.get_or_create(username="bench-coordinator")
    Membership.objects.create(user=user, organisation=org, role=Role.COORDINATOR)
    return code


def web_upload(code: str, paths: list[Path]) -> int:
    """The upload page and its job in this process; prints the job's first message."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from tsunagu.ledger.models import ImportJob
    from tsunagu.orgs.middleware import SESSION_KEY
    from tsunagu.orgs.models import Membership

    settings.LEDGER_JOBS_IN_WEB, settings.LEDGER_JOBS_INLINE = True, False  # a background thread, as deployed
    membership = Membership.objects.select_related("user").get(organisation__code=code)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    uploads = [SimpleUploadedFile(path.name, path.read_bytes()) for path in paths]
    status = client.post(reverse("ledger_import"), {"files": uploads}, secure=True).status_code
    # What the client side holds (the files and the request body it encoded) is no web server's memory.
    del uploads
    gc.collect()
    if status != 302:
        print(f"HTTP {status}")
        return 1
    job = ImportJob.objects.order_by("-pk").first()
    for thread in threading.enumerate():
        if thread.name == f"ledger-job-{job.pk}":
            thread.join()
    job.refresh_from_db()
    print(job.get_status_display(), (job.errors or [job.summary.get("counts")])[0])
    return 0 if job.status == "done" else 1


def measure(command: list[str]) -> tuple[float, float, int, str]:
    """Peak RSS in MB, wall seconds, exit status and the first line the command printed."""
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, env=os.environ)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip() and not line.startswith("\t")]
    said = [
        line for line in said if not line.startswith(("Command being timed", "確認中", "書き込み中", "CommandError"))
    ]
    status = re.search(r"Exit status: (\d+)", done.stderr)
    return peak, seconds, int(status.group(1)) if status else -1, (said[0] if said else "")[:150]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only the files whose name contains this")
    parser.add_argument("--web-upload", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure()
    if args.web_upload:
        return web_upload(args.web_upload[0], [Path(p) for p in args.web_upload[1:]])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    files = {name: paths for name, paths in build_files().items() if args.only in name}
    tsunagu = str(Path(sys.executable).with_name("tsunagu"))
    print(f"{'file':28} {'MB on disk':>10} {'path':4} {'peak MB':>8} {'seconds':>8} exit  message")
    worst = 0.0
    for name, paths in files.items():
        size = sum(path.stat().st_size for path in paths) / 2**20
        for label in ("cli", "web"):
            code = new_centre()
            if label == "cli":
                command = [tsunagu, "import-ledger", "--org", code, *map(str, paths)]
            else:
                command = [sys.executable, __file__, "--web-upload", code, *map(str, paths)]
            peak, seconds, status, said = measure(command)
            if not name.startswith("ledger-"):
                worst = max(worst, peak)
            print(f"{name:28} {size:10.1f} {label:4} {peak:8.0f} {seconds:8.1f} {status:4}  {said}")
    print(
        f"peak of the hostile files and those at the limits: {worst:.0f} MB ({'under' if worst < LIMIT_MB else 'OVER'} {LIMIT_MB} MB)"
    )
    return 0 if worst < LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
