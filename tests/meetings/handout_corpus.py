"""A synthetic set of case summaries for measuring the handout's masking: realistic case records from the
demo's generators (people, households, the demo prefecture's towns) with addresses and phone numbers, and
for each a summary a coordinator might write, the identifying values embedded in varied forms
(with and without spaces, full-width, katakana and half-width katakana, surnames with さん, 和暦 and
西暦 dates, phone numbers with and without hyphens).

Each summary is built from segments, each marked identifying or not, so that a span that covers no
identifying segment counts as a false positive.

    env -u DATABASE_URL TSUNAGU_TEST_DATABASE=sqlite PYTHONPATH=. python -m pytest -s \
        tests/meetings/test_handout.py -k measure
prints the figures (summaries, identifying values embedded, spans masked, false positives, survivors)."""

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from tsunagu.demo.cases_people import GIVEN_NAMES, household, person
from tsunagu.demo.network import MUNICIPALITIES

PREFECTURE = "青海県"
TOWNS = [name for _code, name in MUNICIPALITIES]
STREETS = ["本町", "中央", "栄町", "緑が丘", "港町", "旭町", "東雲", "桜木町", "新町", "大手町"]
CONFERENCE = 5  # cases discussed in one conference
STAFF = ["山本", "中村", "小林"]  # staff surnames: not masked (a family of the same surname is)


def half_width(text: str) -> str:
    """Katakana → half-width katakana (ｻﾄｳ), independently of the module under test."""
    table = {}
    for code in range(0xFF66, 0xFF9E):
        h = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", h), h)
        for mark in ("ﾞ", "ﾟ"):
            full = unicodedata.normalize("NFKC", h + mark)
            if len(full) == 1:
                table.setdefault(full, h + mark)
    return "".join(table.get(c, c) for c in text)


def katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@dataclass
class Record:
    number: str
    name: str
    furigana: str
    birth_date: date | None
    address: str
    phone: str
    municipality: str
    family: list[tuple[str, str, str]]  # (relationship, name, phone)


@dataclass
class Summary:
    record: Record
    segments: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, text: str, identifying: bool = False):
        self.segments.append((text, identifying))

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.segments)

    def identifying_ranges(self) -> list[tuple[int, int]]:
        out, at = [], 0
        for text, identifying in self.segments:
            if identifying:
                out.append((at, at + len(text)))
            at += len(text)
        return out

    def embedded(self) -> list[str]:
        return [t for t, identifying in self.segments if identifying]


def _phone(rng, mobile=False) -> str:
    if mobile:
        return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    return f"08{rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"


def records(n: int, seed: int = 20261202) -> list[Record]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        on = date(2024, 4, 1) + timedelta(days=rng.randint(0, 900))
        who = person(rng, on, nameless=0.0)
        surname = who.name.split(" ")[0]
        members = []
        for member in household(rng, who.age):
            given, _kana = rng.choice(GIVEN_NAMES[rng.choice(list(GIVEN_NAMES))])
            members.append((member.relationship, f"{surname} {given}", _phone(rng, mobile=True)))
        town = rng.choice(TOWNS)
        street = f"{rng.choice(STREETS)}{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        out.append(
            Record(
                number=f"R{6 + i % 3}-{i + 1:04d}",
                name=who.name,
                furigana=who.furigana,
                birth_date=who.birth_date or date(1980 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28)),
                address=f"{PREFECTURE}{town}{street}",
                phone=_phone(rng),
                municipality=town,
                family=members,
            )
        )
    return out


def _wareki(d: date) -> tuple[str, int]:
    if d >= date(2019, 5, 1):
        return "令和", d.year - 2018
    if d >= date(1989, 1, 8):
        return "平成", d.year - 1988
    return "昭和", d.year - 1925


def summary(record: Record, rng: random.Random) -> Summary:
    s = Summary(record)
    surname, given = record.name.split(" ")
    kana_surname, kana_given = record.furigana.split(" ")
    name_form = rng.choice([record.name, surname + given, f"{surname}\u3000{given}"])
    kana_form = rng.choice(
        [record.furigana, katakana(record.furigana), half_width(katakana(kana_surname + " " + kana_given))]
    )
    s.add("本人：")
    s.add(name_form, True)
    s.add("（")
    s.add(kana_form, True)
    s.add("）、")
    era, year = _wareki(record.birth_date)
    b = record.birth_date
    s.add(
        rng.choice(
            [
                f"{era}{year}年{b.month}月{b.day}日",
                f"{b.year}年{b.month}月{b.day}日",
                f"{ {'令和': 'R', '平成': 'H', '昭和': 'S'}[era] }{year}.{b.month}.{b.day}",
                f"{b.year}/{b.month}/{b.day}",
                full_width(f"{b.year}/{b.month}/{b.day}"),
            ]
        ),
        True,
    )
    s.add("生まれ。")
    s.add(record.municipality, True)
    s.add("在住（")
    street = record.address[len(PREFECTURE) + len(record.municipality) :]
    digits = re.search(r"(\d+)-(\d+)-(\d+)$", street)
    place = street[: digits.start()]
    form = rng.choice(
        [
            record.address,
            record.address[len(PREFECTURE) :],
            full_width(street),
            f"{place}{digits.group(1)}丁目{digits.group(2)}番{digits.group(3)}号",
            f"{record.municipality}{place}{full_width(digits.group(0))}",
        ]
    )
    s.add(form, True)
    s.add("）。自宅")
    phone = record.phone
    plain = phone.replace("-", "")
    a, b2, c = phone.split("-")
    s.add(rng.choice([phone, full_width(phone), f"{a}({b2}){c}", plain, f"{a} {b2} {c}", full_width(plain)]), True)
    s.add("。\n")
    for relationship, name, mobile in record.family:
        fam_given = name.split(" ")[1]
        s.add(f"{relationship}の")
        s.add(rng.choice([name, name.replace(" ", ""), fam_given]), True)
        s.add("さん" if rng.random() < 0.5 else "")
        s.add("（携帯 ")
        s.add(rng.choice([mobile, full_width(mobile), mobile.replace("-", "")]), True)
        s.add("）。")
    s.add("\n")
    staff = rng.choice(STAFF)
    first = date(2024, 4, 1) + timedelta(days=rng.randint(0, 700))
    era, year = _wareki(first)
    s.add(rng.choice([f"R{year}.{first.month}.{first.day}", f"{first.year}年{first.month}月{first.day}日"]), True)
    s.add(f" 電話相談。担当{staff}。")
    called, honorific = rng.choice([(surname, "さん"), (given, "さん"), (kana_given, "くん"), (surname, "")])
    s.add(called, True)
    s.add(honorific + "は週3回ほど夜にコンビニへ外出。8050世帯の傾向あり、")
    s.add(f"{first.month}月{first.day}日", True)
    s.add("に")
    s.add(record.municipality, True)
    s.add("の保健師と同行訪問（2-3回を予定）。ケース")
    s.add(record.number, True)
    s.add("として継続。\n")
    return s


def corpus(n: int = 60, seed: int = 20261202) -> list[Summary]:
    rng = random.Random(seed + 1)
    return [summary(record, rng) for record in records(n, seed)]


def identity(record: Record, label: str):
    from tsunagu.meetings.handout import Identity

    return Identity(
        label=label,
        number=record.number,
        names=[record.name, record.furigana],
        family=[(rel, name) for rel, name, _phone in record.family],
        addresses=[record.address],
        phones=[record.phone, *(phone for _rel, _name, phone in record.family)],
        birth_date=record.birth_date,
    )


def survivors(record: Record, output: str) -> list[str]:
    """The record's identifying values still readable in `output`, in any form."""
    from tsunagu.core.text import fold

    folded = fold(output)
    digits_only = re.sub(r"[\s\-‐－−―ー()（）]", "", unicodedata.normalize("NFKC", output))
    found = []
    names = [record.name, record.furigana] + [name for _r, name, _p in record.family]
    for name in names:
        for part in [name, *name.split(" ")]:
            if len(fold(part)) >= 2 and fold(part) in folded:
                found.append(part)
    street = record.address[len(PREFECTURE) + len(record.municipality) :]
    for value in (record.address, street, record.municipality, record.number):
        if fold(value) in folded:
            found.append(value)
    for phone in [record.phone] + [p for _r, _n, p in record.family]:
        if phone.replace("-", "") in digits_only:
            found.append(phone)
    normal = unicodedata.normalize("NFKC", output)
    # No day of any date is left (dates go to 年月; the birth date goes altogether).
    for pattern in (r"\d+\s*月\s*\d+\s*日", r"\d{1,4}[./]\d{1,2}[./]\d{1,2}", r"\d+丁目", r"\d+番"):
        found += re.findall(pattern, normal)
    b = record.birth_date
    if f"{b.year}年{b.month}月" in normal:
        found.append(f"{b.year}年{b.month}月")
    return found


def measure(n: int = 60, seed: int = 20261202, debug: bool = False) -> dict:
    from tsunagu.meetings.handout import mask_all

    summaries = corpus(n, seed)
    results = []
    for first in range(0, len(summaries), CONFERENCE):  # conferences of five cases
        group = summaries[first : first + CONFERENCE]
        results += mask_all([(identity(s.record, f"事例{i + 1}"), s.text) for i, s in enumerate(group)], TOWNS)
    figures = {"summaries": len(summaries), "embedded": 0, "spans": 0, "false_positives": 0, "survivors": []}
    for s, result in zip(summaries, results, strict=True):
        ranges = s.identifying_ranges()
        figures["embedded"] += len(ranges)
        figures["spans"] += len(result.spans)
        for span in result.spans:
            if not any(span.start < end and span.end > start for start, end in ranges):
                figures["false_positives"] += 1
                if debug:
                    print("false positive:", span.text, span.kind)
        output = result.render()
        figures["survivors"] += [(s.record.number, value) for value in survivors(s.record, output)]
        # Every embedded identifying segment lies wholly under masked spans.
        for (start, end), value in zip(ranges, s.embedded(), strict=True):
            covered = set()
            for span in result.spans:
                covered.update(range(max(span.start, start), min(span.end, end)))
            if len(covered) < end - start:
                figures["survivors"].append((s.record.number, value))
        if debug and figures["survivors"]:
            print(s.text, "\n->", output, figures["survivors"])
            debug = False
    return figures
