"""Peak memory (RSS) and time of importing hostile ledger files, through the command and the web upload.

    .venv/bin/python bench/ledger_bombs.py                 # every file, both paths
    .venv/bin/python bench/ledger_bombs.py --only bomb     # the files whose name contains "bomb"

Each import runs in a process of its own under `/usr/bin/time -v`, so the peak is the whole process's:
Django, the file in memory, the reader and the answer. `cli` is `tsunagu import-ledger --org BENCH FILE`;
`web` posts the file to the upload page with django.test.Client and runs the job in the same process
(LEDGER_JOBS_INLINE, what the web process's background thread does). The database is SQLite in
var/bench-ledger.sqlite3 with production settings; the files are built by tests/ledger/hostile.py into
var/bench-ledger/ (the shared-strings bomb is the spine issue's: 2 MB that expands to 2 GB).
"""

import argparse
import os
import re
import secrets
import subprocess
import sys
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


def build_files() -> dict[str, Path]:
    from tests.ledger import hostile
    from tests.ledger.builders import big_ledger, xlsx_bytes

    FILES.mkdir(parents=True, exist_ok=True)
    makers = {
        "shared-strings-bomb.xlsx": lambda: hostile.shared_strings_bomb(crc=True),
        "lying-size-bomb.xlsx": hostile.lying_bomb,
        "billion-laughs.xlsx": hostile.billion_laughs,
        "external-entity.xlsx": lambda: hostile.external_entity("/etc/passwd"),
        "million-empty-rows.xlsx": hostile.many_empty_rows,
        "ledger-10000x5.xlsx": lambda: xlsx_bytes(big_ledger(10_000, 5, [])),
    }
    paths = {}
    for name, make in makers.items():
        path = FILES / name
        if not path.exists():
            path.write_bytes(make())
        paths[name] = path
    return paths


def prepare_database() -> None:
    from django.core.management import call_command

    from tsunagu.orgs.models import Membership, Organisation, OrgKind, Role

    call_command("migrate", verbosity=0)
    org = Organisation.objects.filter(code=ORG).first()
    if org is None:
        from django.contrib.auth import get_user_model

        from tsunagu.orgs import actions
        from tsunagu.orgs.rules import Actor

        system = Actor.system("bench")
        nation = Organisation.objects.filter(kind=OrgKind.NATIONAL).first() or actions.create_organisation(
            actor=system, code="000000", name="国", kind=OrgKind.NATIONAL
        )
        pref = actions.create_organisation(
            actor=system, code="990001", name="ベンチ県", kind=OrgKind.PREFECTURE, parent=nation
        )
        org = actions.create_organisation(
            actor=system, code=ORG, name="ベンチセンター", kind=OrgKind.CENTER, parent=pref
        )
        user = get_user_model().objects.create_user("bench-coordinator")
        Membership.objects.create(user=user, organisation=org, role=Role.COORDINATOR)


def web_upload(path: Path) -> int:
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

    settings.LEDGER_JOBS_INLINE = True
    membership = Membership.objects.select_related("user").get(organisation__code=ORG)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("ledger_import"), {"files": [upload]}, secure=True)
    if response.status_code != 302:
        print(f"HTTP {response.status_code}")
        return 1
    job = ImportJob.objects.order_by("-pk").first()
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
    parser.add_argument("--web-upload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure()
    if args.web_upload:
        return web_upload(Path(args.web_upload))
    import django

    django.setup()
    prepare_database()
    files = {name: path for name, path in build_files().items() if args.only in name}
    tsunagu = str(Path(sys.executable).with_name("tsunagu"))
    print(f"{'file':28} {'MB on disk':>10} {'path':4} {'peak MB':>8} {'seconds':>8} exit  message")
    worst = 0.0
    for name, path in files.items():
        for label, command in (
            ("cli", [tsunagu, "import-ledger", "--org", ORG, str(path)]),
            ("web", [sys.executable, __file__, "--web-upload", str(path)]),
        ):
            peak, seconds, status, said = measure(command)
            if not name.startswith("ledger-"):
                worst = max(worst, peak)
            print(
                f"{name:28} {path.stat().st_size / 2**20:10.1f} {label:4} {peak:8.0f} {seconds:8.1f} {status:4}  {said}"
            )
    print(f"peak of the hostile files: {worst:.0f} MB ({'under' if worst < LIMIT_MB else 'OVER'} {LIMIT_MB} MB)")
    return 0 if worst < LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
