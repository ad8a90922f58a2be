"""Fictional people for the demo cases and the synthetic data: names, ages, households.

Every choice comes from the random.Random the caller passes, so a seed gives the same people.
The age mix follows the seeds' peer-support half year (most contacts are about people in their 30s).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from tsunagu.cases.models import AgeBand, Sex
from tsunagu.cases.rules import band_for_age, looks_like_8050
from tsunagu.core.wareki import age_on

# (kanji, kana): common surnames and given names; the combinations are fictional.
SURNAMES = [
    ("佐藤", "さとう"),
    ("鈴木", "すずき"),
    ("高橋", "たかはし"),
    ("田中", "たなか"),
    ("伊藤", "いとう"),
    ("渡辺", "わたなべ"),
    ("山本", "やまもと"),
    ("中村", "なかむら"),
    ("小林", "こばやし"),
    ("加藤", "かとう"),
    ("吉田", "よしだ"),
    ("山田", "やまだ"),
    ("佐々木", "ささき"),
    ("山口", "やまぐち"),
    ("松本", "まつもと"),
    ("井上", "いのうえ"),
    ("木村", "きむら"),
    ("林", "はやし"),
    ("斎藤", "さいとう"),
    ("清水", "しみず"),
    ("山崎", "やまざき"),
    ("森", "もり"),
    ("池田", "いけだ"),
    ("橋本", "はしもと"),
    ("阿部", "あべ"),
    ("石川", "いしかわ"),
    ("前田", "まえだ"),
    ("藤井", "ふじい"),
    ("岡田", "おかだ"),
    ("長谷川", "はせがわ"),
    ("近藤", "こんどう"),
    ("村上", "むらかみ"),
    ("遠藤", "えんどう"),
    ("青木", "あおき"),
    ("坂本", "さかもと"),
    ("西川", "にしかわ"),
    ("野口", "のぐち"),
    ("松田", "まつだ"),
    ("小川", "おがわ"),
    ("中島", "なかじま"),
]
GIVEN_NAMES = {
    Sex.MALE: [
        ("翔太", "しょうた"),
        ("大輔", "だいすけ"),
        ("健一", "けんいち"),
        ("拓也", "たくや"),
        ("直樹", "なおき"),
        ("和也", "かずや"),
        ("誠", "まこと"),
        ("隆", "たかし"),
        ("亮", "りょう"),
        ("悠斗", "ゆうと"),
        ("浩二", "こうじ"),
        ("秀樹", "ひでき"),
        ("修", "おさむ"),
        ("雄太", "ゆうた"),
        ("智也", "ともや"),
    ],
    Sex.FEMALE: [
        ("美咲", "みさき"),
        ("由美", "ゆみ"),
        ("恵", "めぐみ"),
        ("麻衣", "まい"),
        ("陽子", "ようこ"),
        ("真由美", "まゆみ"),
        ("彩", "あや"),
        ("香織", "かおり"),
        ("千尋", "ちひろ"),
        ("優子", "ゆうこ"),
        ("里奈", "りな"),
        ("沙織", "さおり"),
        ("智子", "ともこ"),
        ("奈々", "なな"),
        ("久美子", "くみこ"),
    ],
}

# Age at the first contact: the band weights follow the seeds' contacts by band (30代 the largest).
AGE_BANDS_AT_INTAKE = [((15, 19), 3), ((20, 29), 11), ((30, 39), 40), ((40, 49), 28), ((50, 59), 13), ((60, 64), 5)]


@dataclass
class Person:
    """The 当事者 of a case, as the intake would record them."""

    name: str
    furigana: str
    sex: str
    birth_date: date | None
    age_band: str  # the band the family gave when the birth date is not known
    age: int | None  # at intake, for the household; None when even the band is unknown


def person(
    rng: random.Random, on: date, *, band_only: float = 0.12, unknown: float = 0.05, nameless: float = 0.08
) -> Person:
    """Someone whose family (or who) consults on `on`."""
    sex = Sex.MALE if rng.random() < 0.72 else Sex.FEMALE  # most cases in the seeds are men
    surname, surname_kana = rng.choice(SURNAMES)
    given, given_kana = rng.choice(GIVEN_NAMES[sex])
    ((low, high),) = rng.choices([r for r, _ in AGE_BANDS_AT_INTAKE], weights=[w for _, w in AGE_BANDS_AT_INTAKE])
    age = rng.randint(low, high)
    birth_date = on - timedelta(days=round(age * 365.25) + rng.randint(1, 360))
    age = age_on(birth_date, on)
    draw = rng.random()
    name, furigana = f"{surname} {given}", f"{surname_kana} {given_kana}"
    if rng.random() < nameless:
        # A family that does not give the name yet: the case is opened on a description only.
        name, furigana = "", ""
    if draw < unknown:
        return Person(name, furigana, sex, None, AgeBand.UNKNOWN, None)
    if draw < unknown + band_only:
        return Person(name, furigana, sex, None, band_for_age(age), age)
    return Person(name, furigana, sex, birth_date, AgeBand.UNKNOWN, age)


@dataclass(frozen=True)
class Member:
    relationship: str
    age: int | None
    notes: str = ""


def household(rng: random.Random, person_age: int | None) -> list[Member]:
    """Who lives with the person: parents (aging with the child: the 8050 households), sometimes a sibling."""
    if person_age is None:
        return [Member("母", None)] if rng.random() < 0.6 else []
    members = []
    mother_age = person_age + rng.randint(24, 36)
    if mother_age < 95 and rng.random() < 0.9:
        members.append(Member("母", mother_age, _health_note(rng, mother_age)))
    father_age = mother_age + rng.randint(-1, 5)
    if father_age < 92 and rng.random() < 0.65:
        members.append(Member("父", father_age, _health_note(rng, father_age)))
    if rng.random() < 0.25:
        members.append(
            Member(rng.choice(["兄", "姉", "弟", "妹"]), max(person_age + rng.randint(-6, 6), 15), "別居がち")
        )
    return members


def _health_note(rng: random.Random, age: int) -> str:
    if age >= 75:
        return rng.choice(["年金生活", "介護保険の要支援認定あり", "通院中", ""])
    return rng.choice(["就労中", "パート勤務", "", ""])


def is_8050(person_age: int | None, members: list[Member]) -> bool:
    return looks_like_8050(person_age=person_age, household=members)
