"""Bulk synthetic case work for scale tests: cases, contacts, status history, referrals and 居場所
attendance of one organisation, written with bulk_create in batches.

The per-row actions would take hours for a million contacts, so this module builds the rows with the
bulk functions of cases.domain, which give them the derived fields the actions keep (Case.search_key,
first_contact_on and last_contact_on, Contact.age_band and organisation); it keeps the organisation on
every referral, event and attendance, and Attendance.is_first (ibasho.actions._refresh_first).
The same seed gives the same rows.
"""

import random
import time
from bisect import bisect_right
from dataclasses import dataclass, fields
from datetime import date, timedelta
from datetime import time as clock

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.cases import domain
from tsunagu.cases.models import (
    Case,
    Channel,
    Consulter,
    Contact,
    HouseholdMember,
    Referral,
    ReferralStatus,
    ReferralTarget,
    Status,
    StatusChange,
)
from tsunagu.ibasho.models import Attendance, Ibasho, IbashoEvent, IbashoKind
from tsunagu.orgs.models import PartnerCategory

from .cases_people import household, is_8050, person
from .synth_network import SynthTarget

FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2016, 2025  # ten whole fiscal years: H28年度 … R7年度
BATCH = 2000  # cases per transaction; their contacts go in the same transaction
CHANNELS = {
    Channel.PHONE: 30,
    Channel.EMAIL: 20,
    Channel.VISIT_OFFICE: 22,
    Channel.HOME_VISIT: 14,
    Channel.ACCOMPANY: 4,
    Channel.WEB: 3,
    Channel.SNS: 3,
    Channel.ONLINE: 4,
}
CONSULTERS = {Consulter.FAMILY: 50, Consulter.PERSON: 40, Consulter.AGENCY: 8, Consulter.OTHER: 2}
FIRST_CONSULTERS = {Consulter.FAMILY: 70, Consulter.PERSON: 16, Consulter.AGENCY: 11, Consulter.OTHER: 3}
# Shares of the national referral table (FY2016), so a report over synthetic data looks like the real one.
CATEGORY_WEIGHTS = {
    "福祉事務所": 5.1,
    "福祉事務所以外の市区町村窓口": 6.3,
    "社会福祉協議会": 3.9,
    "自立相談支援事業実施機関": 6.8,
    "地域包括支援センター": 2.6,
    "児童相談所": 0.9,
    "児童家庭支援センター": 0.2,
    "保健所・保健センター": 9.0,
    "精神保健福祉センター": 17.6,
    "発達障害者支援センター": 4.1,
    "医療機関": 15.4,
    "子ども・若者総合相談センター": 1.1,
    "地域若者サポートステーション": 9.8,
    "ハローワーク": 3.2,
    "企業": 0.5,
    "学校・教育委員会等": 2.2,
    "民間支援団体（当事者団体・NPO法人等）": 5.5,
    "障害者雇用促進関連施設": 0.8,
    "障害者総合支援関連施設": 2.5,
    "他のひきこもり地域支援センター": 0.6,
    "その他": 1.9,
}
REFERRAL_OUTCOMES = {
    ReferralStatus.DECIDED: 62,
    ReferralStatus.FAILED: 14,
    ReferralStatus.WITHDRAWN: 6,
    ReferralStatus.ARRANGING: 10,
    ReferralStatus.REQUESTED: 8,
}
NOTES = [
    "電話で近況を聞いた。",
    "家族から相談。",
    "本人と面談。",
    "訪問したが会えなかった。",
    "関係機関と情報共有。",
    "",
]
# 居場所: one per organisation, open every other week on one weekday. A share of the cases come to 1–6
# sessions within a year: the person (本人) once the centre has reached them (11% of those cases, about
# 8% of all), a family member (家族) from intake (2%). A few people come to each session under a
# nickname or anonymously.
IBASHO_NAMES = ["ひだまり", "こもれび", "よりみち", "あおぞら", "ゆるり", "のきした", "まどべ", "ふらっと"]
IBASHO_EVERY = timedelta(weeks=2)
ATTENDING = {ReferralTarget.PERSON: 0.11, ReferralTarget.FAMILY: 0.02}
ATTENDED_SESSIONS = (1, 6)
ATTENDANCE_WINDOW = timedelta(days=365)
WALK_INS = [0, 1, 1, 2, 2, 3]  # nickname or anonymous attendees of one session
NICKNAMES = ["ゆう", "そら", "はる", "みー", "くま", "ぽん", "ねこすけ", "あお"]


@dataclass
class Generated:
    cases: int = 0
    contacts: int = 0
    referrals: int = 0
    attendances: int = 0  # 居場所 attendees: cases (本人/家族), nicknames and anonymous

    def __add__(self, other: "Generated") -> "Generated":
        return Generated(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def contact_counts(rng: random.Random, cases: int, contacts: int) -> list[int]:
    """Exactly `contacts` spread over `cases`: one each first, the rest heavy-tailed (a few cases have
    hundreds, as long support does)."""
    if contacts < cases:
        counts = [0] * cases
        for i in rng.sample(range(cases), contacts):
            counts[i] = 1
        return counts
    extra = contacts - cases
    weights = [min(rng.paretovariate(1.3), 200.0) for _ in range(cases)]
    scale = extra / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for i in rng.sample(range(cases), contacts - sum(counts)):
        counts[i] += 1
    return counts


class CaseWriter:
    """Generates one organisation's rows batch by batch; `progress(generated)` is called after each."""

    def __init__(
        self,
        target: SynthTarget,
        rng: random.Random,
        *,
        first_fy: int = FIRST_FISCAL_YEAR,
        last_fy: int = LAST_FISCAL_YEAR,
        referral_rate: float = 0.1,
        ibasho_rng: random.Random | None = None,
    ):
        self.target, self.rng, self.referral_rate = target, rng, referral_rate
        # The 居場所 draw from a stream of their own, so a seed's cases, contacts and referrals stay what
        # they were before there was attendance.
        self.ibasho_rng = ibasho_rng or random.Random(hash(rng.getstate()[1]))
        self.start, self.end = date(first_fy, 4, 1), date(last_fy + 1, 3, 31)
        self.categories = {c.name: c for c in PartnerCategory.objects.all()}
        self.serials: dict[int, int] = {}
        self.sessions: list[tuple[date, int]] = []  # (date, event id) of the 居場所, in date order
        self.session_dates: list[date] = []
        self.done = Generated()

    def write(self, *, cases: int, contacts: int, progress=None) -> Generated:
        rng = self.rng
        counts = contact_counts(rng, cases, contacts)
        days = (self.end - self.start).days
        # More cases each year as the windows become known; sorted so numbers follow the intake date.
        opened = sorted(self.start + timedelta(days=int(days * rng.random() ** 0.8)) for _ in range(cases))
        if cases:
            with transaction.atomic():
                self._ibasho()
        for first in range(0, cases, BATCH):
            with transaction.atomic():
                self._batch(opened[first : first + BATCH], counts[first : first + BATCH])
            if progress:
                progress(self.done)
        return self.done

    def _batch(self, opened: list[date], counts: list[int]) -> None:
        cases, details = [], []
        for opened_on, count in zip(opened, counts):
            case, contacts, extra = self._case(opened_on, count)
            cases.append(case)
            details.append((contacts, extra))
        Case.objects.bulk_create(cases)
        rows = {HouseholdMember: [], StatusChange: [], Case.assigned.through: [], Contact: [], Referral: []}
        for case, (contacts, (members, staff, changes, referral)) in zip(cases, details):
            rows[HouseholdMember] += [HouseholdMember(case_id=case.pk, **vars(m)) for m in members]
            rows[StatusChange] += [
                StatusChange(case_id=case.pk, status=s, changed_on=d, changed_by=staff) for s, d in changes
            ]
            rows[Case.assigned.through].append(Case.assigned.through(case_id=case.pk, user_id=staff.pk))
            for contact in contacts:
                contact.case_id = case.pk
            rows[Contact] += contacts
            if referral is not None:
                referral.case_id = case.pk
                rows[Referral].append(referral)
        rows[Attendance] = [row for case in cases for row in self._attendances(case)]
        for model, objs in rows.items():
            model.objects.bulk_create(objs, batch_size=5000)
        self.done.cases += len(cases)
        self.done.contacts += len(rows[Contact])
        self.done.referrals += len(rows[Referral])
        self.done.attendances += len(rows[Attendance])

    def _ibasho(self) -> None:
        """The organisation's 居場所 with its sessions over the fiscal years and their walk-in attendees."""
        rng, org = self.ibasho_rng, self.target.organisation
        town = self.target.municipalities[0] if self.target.municipalities else None
        ibasho = Ibasho.objects.create(
            organisation=org,
            name=f"居場所 {rng.choice(IBASHO_NAMES)}",
            kind=IbashoKind.PHYSICAL,
            municipality=town,
            place=f"{town.name if town else org.name} 市民交流センター 2階 和室",
            description="合成データの居場所です。",
        )
        weekday, hour = rng.randrange(5), rng.choice([10, 13, 14])
        day = self.start + timedelta(days=(weekday - self.start.weekday()) % 7)
        events = []
        while day <= self.end:
            events.append(
                IbashoEvent(ibasho=ibasho, organisation=org, date=day, start_time=clock(hour), end_time=clock(hour + 2))
            )
            day += IBASHO_EVERY
        IbashoEvent.objects.bulk_create(events)
        self.sessions = [(event.date, event.pk) for event in events]
        self.session_dates = [event.date for event in events]
        walk_ins = []
        for event in events:
            for _walk_in in range(rng.choice(WALK_INS)):
                anonymous = rng.random() < 0.4
                walk_ins.append(
                    Attendance(
                        event_id=event.pk,
                        organisation=org,
                        date=event.date,
                        anonymous=anonymous,
                        nickname="" if anonymous else rng.choice(NICKNAMES),
                    )
                )
        Attendance.objects.bulk_create(walk_ins, batch_size=5000)
        self.done.attendances += len(walk_ins)

    def _attendances(self, case: Case) -> list[Attendance]:
        """The sessions a case comes to, as 本人 and/or 家族, in date order with the earliest marked as the
        first of its (case, target): the rollup triggers count that mark as the rows are inserted."""
        rng, rows = self.ibasho_rng, []
        for target, share in ATTENDING.items():
            # One draw per case and target whatever follows, so one case's rows do not shift the next's.
            after = case.reached_on if target == ReferralTarget.PERSON else case.opened_on
            if rng.random() >= share or after is None:
                continue
            low = bisect_right(self.session_dates, after)
            high = bisect_right(self.session_dates, after + ATTENDANCE_WINDOW)
            count = min(rng.randint(*ATTENDED_SESSIONS), high - low)
            for n, i in enumerate(sorted(rng.sample(range(low, high), count))):
                on, event_id = self.sessions[i]
                rows.append(
                    Attendance(
                        event_id=event_id,
                        organisation_id=case.organisation_id,
                        date=on,
                        case_id=case.pk,
                        target=target,
                        is_first=n == 0,
                    )
                )
        return rows

    def _case(self, opened_on: date, count: int):
        rng, target = self.rng, self.target
        org = target.organisation
        who = person(rng, opened_on)
        members = household(rng, who.age) if rng.random() < 0.4 else []
        staff = rng.choice(target.staff)
        first = _pick(rng, FIRST_CONSULTERS)
        serial = self.serials[opened_on.year] = self.serials.get(opened_on.year, 0) + 1
        # Contacts fall within the case's span: longer support for cases with more contacts.
        span = min((self.end - opened_on).days, count * rng.randint(7, 30))
        later = sorted(opened_on + timedelta(days=rng.randint(0, span)) for _ in range(count - 1))
        dates = ([opened_on] + later)[:count]
        channels = rng.choices(list(CHANNELS), weights=list(CHANNELS.values()), k=count)
        consulters = [first] + rng.choices(list(CONSULTERS), weights=list(CONSULTERS.values()), k=max(count - 1, 0))
        contact_values = [
            {
                "date": on,
                "channel": channel,
                "consulter": consulter,
                "staff": staff,
                "minutes": rng.randint(2, 24) * 5,
                "notes": rng.choice(NOTES),
                "with_peer": channel == Channel.HOME_VISIT and rng.random() < 0.4,
            }
            for on, channel, consulter in zip(dates, channels, consulters[:count])
        ]
        last = dates[-1] if dates else opened_on
        closed_on = last + timedelta(days=rng.randint(1, 60))
        closed = closed_on <= self.end and rng.random() < 0.75
        changes = [(Status.INTAKE, opened_on)]
        if count >= 2:
            changes.append((Status.SUPPORT, dates[1]))
        if closed:
            changes.append((Status.CLOSED, closed_on))
        reached = first == Consulter.PERSON or Consulter.PERSON in consulters[:count]
        reached_on = (
            opened_on
            if first == Consulter.PERSON
            else next((d for d, c in zip(dates, consulters) if c == Consulter.PERSON), None)
        )
        case = domain.build_case(
            organisation=org,
            values={
                "number": f"{opened_on.year}-{serial:05d}",
                "opened_on": opened_on,
                "name": who.name,
                "furigana": who.furigana,
                "birth_date": who.birth_date,
                "age_band": who.age_band,
                "sex": who.sex,
                "municipality": rng.choice(target.municipalities) if target.municipalities else None,
                "first_consulter": first,
                "reached_on": reached_on if reached else None,
                "outing_level": rng.choice([1, 2, 2, 3, 4, None]),
                "duration_months": rng.choice([6, 12, 24, 36, 60, 120, None]),
                "household_8050": is_8050(who.age, members),
                "status": changes[-1][0],
                "closed_on": closed_on if closed else None,
            },
            contact_dates=dates,
        )
        contacts = [domain.build_contact(case, values) for values in contact_values]
        referral = self._referral(org, dates, reached) if dates and rng.random() < self.referral_rate else None
        return case, contacts, (members, staff, changes, referral)

    def _referral(self, org, dates: list[date], reached: bool) -> Referral:
        rng = self.rng
        on = rng.choice(dates)
        to_ibasho = rng.random() < 0.1
        category = None if to_ibasho else self.categories[_pick(rng, CATEGORY_WEIGHTS)]
        status = _pick(rng, REFERRAL_OUTCOMES)
        result_on = None
        if status in domain.RESULT_STATUSES:
            result_on = min(on + timedelta(days=rng.randint(3, 60)), self.end)
        return Referral(
            organisation=org,
            date=on,
            target=ReferralTarget.PERSON if reached and rng.random() < 0.6 else ReferralTarget.FAMILY,
            category=category,
            to_ibasho=to_ibasho,
            partner_name="合成の居場所" if to_ibasho else f"合成 {category.name}",
            status=status,
            result_on=result_on,
        )


def generate(*, actor, target: SynthTarget, cases: int, contacts: int, seed: int, progress=None) -> Generated:
    """Fill one organisation that has no cases yet; one audit entry records the run (the rows are
    synthetic, so they get none of their own)."""
    org = target.organisation
    if Case.objects.filter(organisation=org).exists():
        raise ValidationError(
            {
                "org": _(
                    "%(org)s（%(code)s）にはすでにケースがあります。合成データは、ケースのない組織にだけ"
                    "作れます（別の --org を指定してください）。"
                )
                % {"org": org.name, "code": org.code}
            }
        )
    if cases < 0 or contacts < 0:
        raise ValidationError({"cases": _("件数は0以上で指定してください。")})
    writer = CaseWriter(target, random.Random(seed), ibasho_rng=random.Random(f"{seed}:ibasho"))
    done = writer.write(cases=cases, contacts=contacts, progress=progress)
    log_action(
        actor,
        "synth.generate",
        obj=org,
        organisation=org,
        changes={
            "cases": [None, done.cases],
            "contacts": [None, done.contacts],
            "referrals": [None, done.referrals],
            "attendances": [None, done.attendances],
            "seed": [None, seed],
        },
    )
    return done


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Progress:
    """Rows written and the rate, on one line of stderr per batch."""

    def __init__(self, stream, total_cases: int, total_contacts: int):
        self.stream, self.total_cases, self.total_contacts = stream, total_cases, total_contacts
        self.started = time.monotonic()

    def __call__(self, done: Generated) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rows = done.cases + done.contacts + done.referrals + done.attendances
        self.stream.write(
            f"ケース {done.cases:,}/{self.total_cases:,}  相談記録 {done.contacts:,}/{self.total_contacts:,}  "
            f"つなぎ {done.referrals:,}  居場所参加 {done.attendances:,}  {elapsed:,.1f}秒  {rows / elapsed:,.0f}行/秒\n"
        )
        self.stream.flush()
