"""The history of one demo case, planned as dated steps that call the case-work domain functions.

A plan is drawn from the random.Random first and run afterwards in date order across all cases, so
case numbers follow the intake dates and every step goes through tsunagu.cases.actions with the
staff member who did it (the audit trail reads like a real one).
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tsunagu.cases import actions
from tsunagu.cases.models import Case, Channel, Consulter, ReferralStatus, ReferralTarget, Status

from .cases_people import household, is_8050, person
from .cases_staff import Desk

# Channel weights before the centre has met the person (the family calls, writes or comes in) and
# after (the person too; visits and accompaniment). The peer-support centre writes many e-mails,
# as in the seeds' half year (メール222 of 545); the centre mostly sees people at the office.
CHANNELS_FAMILY = {Channel.PHONE: 45, Channel.VISIT_OFFICE: 25, Channel.EMAIL: 20, Channel.HOME_VISIT: 10}
CHANNELS_PERSON = {
    Channel.VISIT_OFFICE: 26,
    Channel.EMAIL: 18,
    Channel.PHONE: 14,
    Channel.HOME_VISIT: 20,
    Channel.ACCOMPANY: 8,
    Channel.ONLINE: 6,
    Channel.SNS: 5,
    Channel.WEB: 3,
}
PEER_DESK_CHANNELS = {Channel.EMAIL: 3.0, Channel.HOME_VISIT: 1.5, Channel.VISIT_OFFICE: 0.8}
MINUTES = {
    Channel.PHONE: (10, 60),
    Channel.EMAIL: (10, 30),
    Channel.VISIT_OFFICE: (40, 90),
    Channel.HOME_VISIT: (60, 120),
    Channel.ACCOMPANY: (90, 240),
    Channel.WEB: (10, 20),
    Channel.SNS: (5, 20),
    Channel.ONLINE: (30, 60),
}
NOTES = {
    Consulter.FAMILY: [
        "母より近況の報告。",
        "父が来所し、家での様子を相談。",
        "家族の不安が強く、傾聴した。",
        "本人への声かけの仕方について助言。",
        "家族会の案内をした。",
    ],
    Consulter.PERSON: [
        "本人と面談。生活リズムについて話した。",
        "本人から近況のメール。",
        "本人と今後の目標を確認。",
        "本人が居場所に関心を示した。",
        "本人の体調は安定している。",
    ],
    Consulter.AGENCY: ["関係機関から情報提供あり。", "関係機関と支援方針を共有。"],
    Consulter.OTHER: ["民生委員から相談。", "親族から相談。"],
}
FIRST_CONSULTERS = {Consulter.FAMILY: 72, Consulter.PERSON: 14, Consulter.AGENCY: 11, Consulter.OTHER: 3}
# Partner categories the demo refers to outside tsunagu, with how often, and whom for.
OUTSIDE_REFERRALS = [
    ("精神保健福祉センター", 14, ReferralTarget.PERSON),
    ("医療機関", 16, ReferralTarget.PERSON),
    ("地域若者サポートステーション", 12, ReferralTarget.PERSON),
    ("ハローワーク", 6, ReferralTarget.PERSON),
    ("自立相談支援事業実施機関", 10, ReferralTarget.PERSON),
    ("福祉事務所", 6, ReferralTarget.FAMILY),
    ("地域包括支援センター", 10, ReferralTarget.FAMILY),
    ("社会福祉協議会", 6, ReferralTarget.FAMILY),
    ("障害者総合支援関連施設", 6, ReferralTarget.PERSON),
    ("発達障害者支援センター", 5, ReferralTarget.PERSON),
    ("企業", 3, ReferralTarget.PERSON),
    ("保健所・保健センター", 6, ReferralTarget.FAMILY),
]
IBASHO = ["居場所 ひだまりカフェ", "オンライン居場所 あおみネット", "青年期の集い（センター）", "家族会 月例会"]


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Track:
    """One case as the plan runs: the Case once it exists, and the referrals made on it."""

    desk: Desk
    case: Case | None = None
    referrals: list = field(default_factory=list)
    peers: list = field(default_factory=list)  # ピアサポーター assigned to the case: they may log its visits


class Planner:
    """Collects dated steps; `steps` is run in (date, order of planning) order."""

    def __init__(
        self,
        rng: random.Random,
        desks: dict[str, Desk],
        *,
        end: date,
        municipalities: dict,
        tsunagu_partners: dict,
        outside_partners: dict,
        categories: dict,
    ):
        self.rng, self.desks, self.end = rng, desks, end
        self.municipalities = municipalities  # Organisation -> weight, where the centres' cases live
        self.tsunagu_partners = tsunagu_partners  # referring desk code -> (receiving desk code, category name)
        self.outside_partners = outside_partners  # category name -> partner agency name
        self.categories = categories  # PartnerCategory by name
        self.steps: list[tuple[date, int, callable]] = []

    def at(self, on: date, step) -> None:
        self.steps.append((on, len(self.steps), step))

    def new_case(self, desk: Desk, opened_on: date) -> None:
        rng = self.rng
        who = person(rng, opened_on)
        members = household(rng, who.age)
        first = pick(rng, FIRST_CONSULTERS)
        lead = desk.counsellors[0] if rng.random() < 0.6 else rng.choice(desk.counsellors)
        track = Track(desk, peers=[rng.choice(desk.peers)] if desk.peers and rng.random() < 0.35 else [])
        assigned = [lead.user] + [peer.user for peer in track.peers]
        values = {
            "number": "",
            "opened_on": opened_on,
            "name": who.name,
            "furigana": who.furigana,
            "birth_date": who.birth_date,
            "age_band": who.age_band,
            "sex": who.sex,
            "municipality": self.municipality(desk),
            "first_consulter": first,
            "reached_on": opened_on if first == Consulter.PERSON else None,
            "outing_level": rng.choices([1, 2, 3, 4, None], weights=[22, 38, 22, 8, 10])[0],
            "duration_months": rng.choice([6, 8, 12, 18, 24, 36, 60, 84, 120, 180, None]),
            "household_8050": is_8050(who.age, members),
            "needs_medical_care": rng.random() < 0.12,
            "suspected_disorder": rng.random() < 0.3,
            "school_refusal_history": rng.random() < 0.35,
        }

        def open_it():
            track.case = actions.open_case(
                actor=lead, assigned=assigned, household=[vars(m) for m in members], **values
            )

        self.at(opened_on, open_it)
        self.history(track, lead, opened_on, first=first, reached=first == Consulter.PERSON, may_refer=True)

    def municipality(self, desk: Desk):
        org = desk.organisation
        if org.kind == "municipality":
            return org
        return pick(self.rng, self.municipalities)

    def history(self, track: Track, lead, start: date, *, first: str, reached: bool, may_refer: bool) -> None:
        """Contacts and status changes from `start` until the case closes (or the data ends)."""
        rng = self.rng
        span = rng.choices(
            [rng.randint(0, 20), rng.randint(30, 150), rng.randint(150, 500), rng.randint(500, 1100)],
            weights=[12, 28, 35, 25],
        )[0]
        close_on = start + timedelta(days=span)
        self.contact(track, lead, start, consulter=first, reached=reached, first=True)
        will_reach = not reached and rng.random() < 0.5
        day, status, count = start, Status.INTAKE, 1
        while True:
            day += timedelta(days=1 + int(rng.expovariate(1 / (14 if count < 6 else 40))))
            if day > min(close_on, self.end):
                break
            count += 1
            if status == Status.INTAKE and count >= 2:
                status = self.status(track, lead, day, Status.ASSESSMENT, "初回面談を受けてアセスメント開始")
            elif status == Status.ASSESSMENT and count >= 4:
                status = self.status(track, lead, day, Status.SUPPORT, "支援計画を作成")
            if will_reach and not reached and count >= 3 and rng.random() < 0.35:
                reached = True
                self.reach(track, lead, day)
                continue
            self.contact(track, lead, day, consulter=self.consulter(reached), reached=reached)
            if may_refer and status == Status.SUPPORT and len(track.referrals) < 2 and rng.random() < 0.05:
                self.referral(track, lead, day, reached=reached)
        if close_on <= self.end:
            self.close(track, lead, close_on, reached=reached)

    def consulter(self, reached: bool) -> str:
        if not reached:
            return Consulter.FAMILY if self.rng.random() < 0.9 else Consulter.AGENCY
        return pick(self.rng, {Consulter.PERSON: 60, Consulter.FAMILY: 35, Consulter.AGENCY: 5})

    def contact(self, track: Track, actor, on: date, *, consulter: str, reached: bool, first: bool = False) -> None:
        rng, desk = self.rng, track.desk
        weights = dict(CHANNELS_PERSON if consulter == Consulter.PERSON else CHANNELS_FAMILY)
        if desk.organisation.code.endswith("PEER"):
            weights = {c: w * PEER_DESK_CHANNELS.get(c, 1) for c, w in weights.items()}
        if first:
            weights = {Channel.PHONE: 70, Channel.VISIT_OFFICE: 20, Channel.EMAIL: 10}
        channel = pick(rng, weights)
        values = {
            "date": on,
            "channel": channel,
            "consulter": consulter,
            "minutes": rng.randint(*MINUTES[channel]) // 5 * 5,
            "notes": rng.choice(NOTES[consulter]),
        }
        if channel in (Channel.HOME_VISIT, Channel.ACCOMPANY):
            actor, values = self.visit(track, actor, values)
        self.at(on, lambda: actions.log_contact(actor=actor, case=track.case, **values))

    def visit(self, track: Track, lead, values: dict):
        """Who went: the counsellor with a ピアサポーター, or the peer supporter the case is assigned to."""
        rng, desk = self.rng, track.desk
        if desk.peers and rng.random() < 0.6:
            if track.peers and rng.random() < 0.3:
                values.update(with_peer=True, visit_members=f"{lead.user.first_name}（相談員）")
                return rng.choice(track.peers), values  # the supporter the case is assigned to logs it
            peer = rng.choice(track.peers or desk.peers)
            values.update(with_peer=True, visit_members=f"{peer.user.first_name}（ピアサポーター）")
        if rng.random() < 0.05:
            values.update(with_specialist_team=True, visit_members="多職種連携チーム（精神保健福祉士・保健師）")
        return lead, values

    def status(self, track: Track, actor, on: date, status: str, note: str) -> str:
        self.at(on, lambda: actions.change_status(actor=actor, case=track.case, status=status, on=on, note=note))
        return status

    def reach(self, track: Track, actor, on: date) -> None:
        """The day the centre first meets the person: a home visit with a ピアサポーター."""
        values = {
            "date": on,
            "channel": Channel.HOME_VISIT,
            "consulter": Consulter.PERSON,
            "minutes": 90,
            "notes": "訪問で本人と初めて会えた。",
        }
        actor, values = self.visit(track, actor, values)
        self.at(on, lambda: actions.log_contact(actor=actor, case=track.case, **values))
        self.at(on, lambda: actions.update_case(actor=actor, case=track.case, reached_on=on))

    def close(self, track: Track, actor, on: date, *, reached: bool) -> None:
        self.status(
            track, actor, on, Status.CLOSED, self.rng.choice(["支援目標を達成", "他機関の支援に移行", "連絡が途絶えた"])
        )
        if self.rng.random() < 0.12:
            reopen_on = on + timedelta(days=self.rng.randint(60, 300))
            if reopen_on <= self.end:
                self.status(track, actor, reopen_on, Status.SUPPORT, "家族から再度の相談があり再開")
                self.contact(track, actor, reopen_on, consulter=Consulter.FAMILY, reached=reached)

    def referral(self, track: Track, actor, on: date, *, reached: bool) -> None:
        """つなぎ: to a partner that uses tsunagu (with consent), an agency outside it, or a 居場所."""
        rng = self.rng
        receiving = self.tsunagu_partners.get(track.desk.organisation.code)
        draw = rng.random()
        if receiving and draw < 0.45:
            self.referral_in_tsunagu(track, actor, on, receiving, reached=reached)
        elif draw < 0.8:
            name, _, target = rng.choices(OUTSIDE_REFERRALS, weights=[w for _, w, _ in OUTSIDE_REFERRALS])[0]
            if target == ReferralTarget.PERSON and not reached:
                target = ReferralTarget.FAMILY
            self.referral_outside(
                track,
                actor,
                on,
                {"target": target, "category": self.categories[name], "partner_name": self.outside_partners[name]},
            )
        else:
            target = ReferralTarget.PERSON if reached else ReferralTarget.FAMILY
            self.referral_outside(
                track,
                actor,
                on,
                {"target": target, "to_ibasho": True, "partner_name": rng.choice(IBASHO)},
                decided=0.75,
            )

    def referral_outside(self, track: Track, actor, on: date, values: dict, *, decided: float = 0.55) -> None:
        rng = self.rng
        index = self.refer(track, actor, on, values)
        arranging = on + timedelta(days=rng.randint(2, 10))
        # Some partners keep a waiting list: those referrals are still 調整中 months later.
        result_on = arranging + timedelta(days=rng.randint(5, 40) if rng.random() < 0.85 else rng.randint(90, 400))
        if arranging > self.end:
            return  # still 依頼
        self.set_referral(track, index, actor, arranging, ReferralStatus.ARRANGING)
        if result_on > self.end or self.recent(on):
            return  # still 調整中
        outcome = pick(
            rng,
            {
                ReferralStatus.DECIDED: decided,
                ReferralStatus.FAILED: (1 - decided) * 0.7,
                ReferralStatus.WITHDRAWN: (1 - decided) * 0.3,
            },
        )
        self.set_referral(track, index, actor, result_on, outcome)

    def refer(self, track: Track, actor, on: date, values: dict) -> int:
        """Plan the referral; the Referral is at track.referrals[index] once the step has run."""
        track.referrals.append(None)
        index = len(track.referrals) - 1

        def step():
            track.referrals[index] = actions.refer(actor=actor, case=track.case, date=on, **values)

        self.at(on, step)
        return index

    def recent(self, on: date) -> bool:
        """Most referrals of the last two months have no answer yet, so the queues are not empty."""
        return (self.end - on).days < 60 and self.rng.random() < 0.6

    def set_referral(self, track: Track, index: int, actor, on: date, status: str) -> None:
        self.at(
            on, lambda: actions.set_referral_status(actor=actor, referral=track.referrals[index], status=status, on=on)
        )

    def referral_in_tsunagu(self, track: Track, actor, on: date, receiving, *, reached: bool) -> None:
        """Consent first, then the referral that shares the case; the partner accepts or declines it."""
        rng = self.rng
        code, category_name = receiving
        partner_desk = self.desks[code]
        partner = partner_desk.organisation
        target = ReferralTarget.PERSON if reached and rng.random() < 0.5 else ReferralTarget.FAMILY
        self.at(
            on,
            lambda: actions.record_consent(
                actor=actor,
                case=track.case,
                given_by=target,
                given_on=on,
                share_with=[partner],
                purpose=f"{partner.name}での支援のための情報共有",
            ),
        )
        index = self.refer(
            track,
            actor,
            on,
            {
                "target": target,
                "partner": partner,
                "shares_personal_data": True,
                "category": self.categories[category_name],
            },
        )
        answer_on = on + timedelta(days=rng.randint(3, 21) if rng.random() < 0.9 else rng.randint(60, 200))
        if answer_on > self.end or self.recent(on):
            return  # still in the partner's queue
        receiver = partner_desk.counsellors[0]
        if rng.random() < 0.12:
            self.at(
                answer_on,
                lambda: actions.decline_referral(
                    actor=receiver,
                    referral=track.referrals[index],
                    on=answer_on,
                    reason="現在、新規の受け入れが困難なため",
                ),
            )
            return
        received = Track(partner_desk)
        if partner_desk.peers and rng.random() < 0.5:
            received.peers = [rng.choice(partner_desk.peers)]

        def accept():
            received.case = actions.accept_referral(actor=receiver, referral=track.referrals[index], on=answer_on)
            if target == ReferralTarget.PERSON:  # the partner meets the person at its first contact
                actions.update_case(actor=receiver, case=received.case, reached_on=answer_on)
            if received.peers:
                actions.set_assigned(
                    actor=receiver, case=received.case, users=[receiver.user, *(peer.user for peer in received.peers)]
                )

        self.at(answer_on, accept)
        self.history(
            received, receiver, answer_on, first=target, reached=target == ReferralTarget.PERSON, may_refer=False
        )
