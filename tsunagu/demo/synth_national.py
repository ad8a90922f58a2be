"""A synthetic nation for the national-scale statistics benchmark (`tsunagu synth --scale national`).

47 prefectures and 20 designated cities under 厚生労働省 (000000), each with its ひきこもり地域支援センター,
about 1,741 municipalities (designated cities included, as the real count does), and ten fiscal years of
case work, with one 居場所 and its attendance, in every centre and in one municipality per prefecture.
Names are fictional; codes follow the real numbering (prefecture NN000, designated city NN100,
municipalities NN201…) with valid check digits.
The same seed gives the same rows; each target organisation gets its own CaseWriter and random stream.
"""

import random
from dataclasses import dataclass, replace
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs import actions
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.orgs.rules import Actor

from .synth_activities import Activities, ActivityWriter
from .synth_cases import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, CaseWriter, Generated
from .synth_network import SynthTarget, ensure_staff, municipalities_for, public_code

NATION_CODE = "000000"
DONE_ACTION = "synth.national"
# Fictional place names: two characters from these lists, never a real prefecture's name.
FIRST = "青朝東西若緑白赤高広長新古中星月花桜"
SECOND = "山川野原浜島沢森田谷丘浦"


@dataclass(frozen=True)
class NationSpec:
    prefectures: int = 47
    designated_cities: int = 20
    municipalities: int = 1741  # designated cities included
    cases: int = 150_000
    contacts: int = 1_000_000
    referral_rate: float = 0.7  # at most one referral per case: 0.7 × 150,000 ≈ 105,000
    staff_per_target: int = 1  # hashing passwords is the slow part of making staff


SCALES = {
    "national": NationSpec(),
    # For tests: three prefectures, one designated city, a few hundred contacts.
    "small": NationSpec(prefectures=3, designated_cities=1, municipalities=10, cases=60, contacts=300),
}


def spec_for(scale: str, contacts: int | None = None) -> NationSpec:
    spec = SCALES[scale]
    if contacts is not None:
        # Keep the national proportions: 0.15 cases per contact.
        spec = replace(spec, contacts=contacts, cases=max(1, round(contacts * spec.cases / spec.contacts)))
    return spec


def place(n: int) -> str:
    return FIRST[n % len(FIRST)] + SECOND[(n // len(FIRST) + n * 5) % len(SECOND)]


def prefecture_code(p: int) -> str:
    return public_code(f"{p:02d}000")


def centre_code(body_code: str) -> str:
    return f"{body_code}-CENTER"


def status() -> str:
    """The state of this database: "done" (a complete nation), "partial" (a run that did not finish) or
    "absent"."""
    if AuditEntry.objects.filter(action=DONE_ACTION).exists():
        return "done"
    if Organisation.objects.filter(code=centre_code(prefecture_code(1))).exists():
        return "partial"
    return "absent"


def _org(actor: Actor, code: str, name: str, kind: str, parent: Organisation | None) -> Organisation:
    return Organisation.objects.filter(code=code).first() or actions.create_organisation(
        actor=actor, code=code, name=name, kind=kind, parent=parent
    )


@transaction.atomic
def build_network(actor: Actor, spec: NationSpec) -> list[tuple[Organisation, int]]:
    """Every organisation of the nation; returns the organisations that hold cases with their weight."""
    nation = _org(actor, NATION_CODE, "厚生労働省", OrgKind.NATIONAL, None)
    holders: list[tuple[Organisation, int]] = []
    city_of = {1 + k * spec.prefectures // spec.designated_cities for k in range(spec.designated_cities)}
    regular = spec.municipalities - spec.designated_cities
    for p in range(1, spec.prefectures + 1):
        name = place(p * 7)
        prefecture = _org(actor, prefecture_code(p), f"{name}県", OrgKind.PREFECTURE, nation)
        holders.append(
            (
                _org(
                    actor,
                    centre_code(prefecture.code),
                    f"{name}県ひきこもり地域支援センター",
                    OrgKind.CENTER,
                    prefecture,
                ),
                3,
            )
        )
        if p in city_of:
            city = _org(actor, public_code(f"{p:02d}100"), f"{name}市", OrgKind.DESIGNATED_CITY, nation)
            holders.append(
                (_org(actor, centre_code(city.code), f"{name}市ひきこもり地域支援センター", OrgKind.CENTER, city), 2)
            )
        # Spread the municipalities as evenly as the count allows.
        count = regular // spec.prefectures + (p <= regular % spec.prefectures)
        for m in range(count):
            suffix = "市" if m < count // 2 else ("町" if m % 5 else "村")
            town = _org(
                actor,
                public_code(f"{p:02d}{201 + m:03d}"),
                f"{name}{place(m + p)}{suffix}",
                OrgKind.MUNICIPALITY,
                prefecture,
            )
            if m == 0:  # one municipality per prefecture runs its own window
                holders.append((town, 1))
    return holders


def split(total: int, weights: list[float]) -> list[int]:
    """`total` in proportion to `weights`, summing exactly (largest remainders get the rest)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    parts = [int(s) for s in shares]
    for i in sorted(range(len(weights)), key=lambda i: parts[i] - shares[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


def generate(*, actor: Actor, spec: NationSpec, seed: int, progress=None) -> tuple[Generated, Activities]:
    """The nation's cases (with their contacts, referrals and 居場所) and its network activities."""
    holders = build_network(actor, spec)
    rng = random.Random(seed)
    # Busier and quieter windows: each holder's weight times a deterministic random factor.
    weights = [w * (0.5 + rng.random()) for _, w in holders]
    total, activities = Generated(), Activities()
    last_day = date(LAST_FISCAL_YEAR + 1, 3, 31)
    for (org, _weight), cases, contacts in zip(holders, split(spec.cases, weights), split(spec.contacts, weights)):
        with transaction.atomic():
            target = SynthTarget(org, municipalities_for(org), tuple(ensure_staff(actor, org, spec.staff_per_target)))
        writer = CaseWriter(
            target,
            random.Random(f"{seed}:{org.code}"),
            referral_rate=spec.referral_rate,
            ibasho_rng=random.Random(f"{seed}:{org.code}:ibasho"),
        )

        def report(done, before=total):
            if progress:
                progress(before + done)

        total = total + writer.write(cases=cases, contacts=contacts, progress=report)
        activities = (
            activities
            + ActivityWriter(
                org,
                target.municipalities,
                random.Random(f"{seed}:{org.code}:activities"),
                first_fy=FIRST_FISCAL_YEAR,
                last_fy=LAST_FISCAL_YEAR,
                last_day=last_day,
            ).write()
        )
    nation = Organisation.objects.get(code=NATION_CODE)
    with transaction.atomic():
        # The marker of a complete run: `status` looks for it.
        log_action(
            actor,
            DONE_ACTION,
            obj=nation,
            organisation=nation,
            changes={
                "cases": [None, total.cases],
                "contacts": [None, total.contacts],
                "referrals": [None, total.referrals],
                "attendances": [None, total.attendances],
                "seed": [None, seed],
                **{name: [None, value] for name, value in vars(activities).items()},
            },
        )
    return total, activities


def refusal() -> str:
    return _("合成の全国データの作成が途中で終わっています。データベースを作り直してから実行してください。")
