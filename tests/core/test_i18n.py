"""The English catalogue: every Japanese source string has a translation, the committed .mo is the
compiled .po, the .po holds every string the source marks, and English pages show English.

The source strings are Japanese; English exists only through tsunagu/locale/en. A string added
without running `make messages` (and translating it) would show Japanese to an English reader, so
these tests fail until the catalogue is regenerated, translated and compiled.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import make_staff

SOURCE = Path(settings.BASE_DIR)
LOCALE = SOURCE / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The same arguments as `make messages`.
IGNORE = ["static/*", "var/*"]
# Hiragana, katakana, CJK ideographs and full-width forms: text an English reader should not meet
# in the interface's own labels.
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def missing(reason: str):
    """In CI a missing tool fails the run; on a developer's machine it skips, saying why
    (as tests/browser/conftest.py does for the browser)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing component is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def gettext_tools():
    for tool in ("msgfmt", "xgettext", "msgmerge", "msguniq"):
        if shutil.which(tool) is None:
            missing(f"{tool} not found; install Debian's gettext (apt-get install gettext) or run `make test`")


def msgfmt(*args: str) -> subprocess.CompletedProcess:
    # LC_ALL=C: msgfmt translates its own messages, and the statistics line is parsed below.
    return subprocess.run(["msgfmt", *args], capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})


def msgids(po: Path) -> set[str]:
    """The msgids of a .po file (the header excluded), each with its context as the .mo keys it
    ("context\\x04msgid"). Continuation lines are joined; PO escapes (\\n, \\", \\\\) are those of
    Python string literals."""
    text = po.read_text(encoding="utf-8")
    ids = set()
    for match in re.finditer(r'^(?:msgctxt (".*")\n)?msgid (".*"\n(?:".*"\n)*)', text, re.M):
        msgid = "".join(ast.literal_eval(line) for line in match.group(2).splitlines())
        if msgid:
            context = ast.literal_eval(match.group(1)) if match.group(1) else None
            ids.add(f"{context}\x04{msgid}" if context else msgid)
    return ids


def catalogue(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


def test_every_entry_is_translated_and_none_is_fuzzy(gettext_tools):
    result = msgfmt("--statistics", "--check", "-o", os.devnull, str(PO))
    assert result.returncode == 0, result.stderr
    # With untranslated or fuzzy entries msgfmt adds ", N untranslated messages" / ", N fuzzy translations".
    stats = re.fullmatch(r"(\d+) translated messages?\.", result.stderr.strip())
    assert stats, f"{PO.name}: {result.stderr.strip()} - translate them (see `make messages`)"
    assert int(stats.group(1)) == len(msgids(PO))
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_the_committed_mo_is_the_compiled_po(gettext_tools, tmp_path):
    fresh = tmp_path / "django.mo"
    result = msgfmt("--check-format", "-o", str(fresh), str(PO))
    assert result.returncode == 0, result.stderr
    committed, compiled = catalogue(MO), catalogue(fresh)
    assert committed.keys() == compiled.keys(), "django.mo is out of date: run `make messages`"
    assert committed == compiled, "django.mo is out of date: run `make messages`"
    # The catalogue holds every translated entry: one key per singular, one per plural form.
    assert len({key if isinstance(key, str) else key[0] for key in compiled} - {""}) == len(msgids(PO))


def test_the_catalogue_has_every_string_the_source_marks(gettext_tools, tmp_path, monkeypatch):
    # makemessages writes into the locale directory beside the sources it reads: run it on a copy so
    # the committed catalogue is never touched.
    copy = tmp_path / "tsunagu"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("static", "var", "__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["en"], ignore_patterns=IGNORE, no_obsolete=True, verbosity=0)
    current, committed = msgids(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"), msgids(PO)
    assert sorted(current - committed) == [], "strings missing from the catalogue: run `make messages` and translate"
    assert sorted(committed - current) == [], "strings no longer in the source: run `make messages`"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def texts(html: str, pattern: str) -> list[str]:
    """The text of each match of pattern's one group, tags removed and whitespace collapsed."""
    return [" ".join(re.sub(r"<[^>]+>", " ", m).split()) for m in re.findall(pattern, html, re.S)]


def nav(html: str, label: str) -> list[str]:
    block = re.search(rf'<nav[^>]*aria-label="{label}"[^>]*>(.*?)</nav>', html, re.S)
    assert block, f"no navigation labelled {label!r}"
    return texts(block.group(1), r"<(?:a|button)\b[^>]*>(.*?)</(?:a|button)>")


@pytest.fixture
def admin_client(client, network):
    return english(act_as(client, make_staff(network["own"], Role.ADMIN)))


def test_the_staff_navigation_and_header_are_english(admin_client):
    page = admin_client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    links = nav(page, "Main menu")
    assert links[:4] == ["Home", "Cases", "Incoming referrals", "Organizations"]
    assert links[-2:] == ["Change password", "Log out"]
    assert {"Statistics", "Audit log", "Ibasho"} <= set(links)
    assert [link for link in links if JAPANESE.search(link)] == []
    assert texts(page, r'<span class="role">(.*?)</span>') == ["Administrator"]
    assert texts(page, r'<a class="skip"[^>]*>(.*?)</a>') == ["Skip to main content"]


def test_the_same_page_stays_japanese_by_default(client, network):
    page = act_as(client, make_staff(network["own"], Role.ADMIN)).get(reverse("home")).content.decode()
    assert nav(page, "メインメニュー")[:2] == ["ホーム", "ケース"]


def test_the_case_list_is_english(admin_client):
    page = admin_client.get(reverse("case_list")).content.decode()
    assert texts(page, r"<h1>(.*?)</h1>") == ["Cases"]
    assert texts(page, r'<th scope="col">(.*?)</th>') == [
        "Case number",
        "Name",
        "Age band",
        "Municipality",
        "Status",
        "Staff member",
        "Last contact date",
        "Intake date",
    ]
    assert texts(page, r'data-testid="case-count">(.*?)</p>') == ["0 results"]


def test_the_statistics_page_is_english(admin_client):
    page = admin_client.get(reverse("stats_report")).content.decode()
    assert texts(page, r"<h1>(.*?)</h1>") == ["Statistics"]
    assert nav(page, "Statistics pages") == ["Figures for a period", "By fiscal year"]
    assert texts(page, r"<dt>(.*?)</dt>")[:3] == ["Total contacts", "Individuals", "New cases"]


def test_the_public_top_page_is_english(client, db):
    page = english(client).get(reverse("public_top")).content.decode()
    assert nav(page, "Site menu") == [
        "Contact points",
        "Find help by answering questions",
        "Web consultation",
        "Ibasho",
        "Training and lectures",
    ]
    assert texts(page, r"<h1>(.*?)</h1>") == ["There are places you can talk to about hikikomori"]
