"""The demo centre's 就労体験: three hosts, the rates of the seeds (with a raise from a date), a budget,
placements of a few cases with a year of worked days entered a week at a time by a counsellor, and the
payment lists of those months: settled, then the month before last approved and last month 作成中.

Everything goes through tsunagu.work.actions, so rates, budgets, the frozen months and the audit trail
are what staff would leave. Idempotent: nothing is added when the centre already has hosts.
Deterministic: one random stream with a fixed seed.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.core import wareki
from tsunagu.orgs.rules import Actor
from tsunagu.work import actions
from tsunagu.work.models import Host, Payee

from .attendance import _counsellor
from .network import DemoNetwork

SEED = 20261202
HOSTS = [
    ("みどり農園", "farm", "山本", "088-000-1234", "野菜の収穫・袋詰め（午前）"),
    ("青海精工", "factory", "佐藤", "088-000-5678", "部品の検品・梱包"),
    ("まちかどベーカリー", "shop", "田中", "088-000-9012", "パンの袋詰め・店内清掃"),
]
# (program, payee, unit, yen, cap per day) from the seeds; 就労体験's 利用者 rate rises mid-year.
RATES = [
    ("experience", "participant", "day", 500, None),
    ("experience", "host", "day", 4500, None),
    ("training", "participant", "hour", 625, None),
    ("training", "host", "day", 5000, None),
    ("workplace", "participant", "hour", 625, 5000),
    ("workplace", "host", "day", 5000, None),
]
PLACEMENTS = 8
OUTCOMES = ["employed", "seeking", "continuing", "employed", "discontinued", "continuing", "seeking"]


def _months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def build_work(network: DemoNetwork, actor: Actor, *, today: date | None = None) -> int:
    """Add the centre's work experience unless it has hosts. Returns how many placements were added."""
    org = network.center
    if Host.objects.filter(organisation=org).exists():
        return 0
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    first_month = _months_back(this_month, 12)
    counsellor = _counsellor(org) or actor
    hosts = [
        actions.create_host(
            actor=counsellor, organisation=org, name=name, kind=kind, contact_person=person, phone=phone, offers=offers
        )
        for name, kind, person, phone, offers in HOSTS
    ]
    for program, payee, unit, value, cap in RATES:
        actions.add_rate(
            actor=actor,
            organisation=org,
            program=program,
            payee=payee,
            unit=unit,
            value=value,
            cap_per_day=cap,
            applies_from=date(2019, 4, 1),
        )
    actions.add_rate(
        actor=actor,
        organisation=org,
        program="experience",
        payee="participant",
        unit="day",
        value=600,
        applies_from=_months_back(this_month, 6),
    )
    rng = random.Random(SEED)
    cases = list(Case.objects.filter(organisation=org, opened_on__lt=first_month).order_by("number")[:PLACEMENTS])
    added = 0
    for n, case in enumerate(cases):
        start = first_month + timedelta(days=int(330 * n / max(len(cases), 1)) + rng.randrange(0, 10))
        start += timedelta(days=(7 - start.weekday()) % 7)  # a Monday
        weeks = rng.choice([1, 2, 4, 6])
        program = ["experience", "experience", "training", "workplace"][n % 4]
        placement = actions.create_placement(
            actor=counsellor, organisation=org, case=case, host=hosts[n % len(hosts)], program=program, start=start
        )
        last = start
        for week in range(weeks):
            monday = start + timedelta(days=7 * week)
            days = {}
            for offset in sorted(rng.sample(range(5), rng.choice([3, 4, 5]))):
                on = monday + timedelta(days=offset)
                if on < this_month and on < today:
                    days[on] = Decimal(rng.choice([4, 5, 6, 7]))
                    last = max(last, on)
            if days:
                actions.record_days(actor=counsellor, placement=placement, days=days)
        if last + timedelta(days=7) < this_month and n < len(OUTCOMES):
            actions.update_placement(actor=counsellor, placement=placement, end=last, outcome=OUTCOMES[n])
        added += 1
    # A budget with room to spare (976千円 as in the seeds, or more when the year's work needs it).
    fiscal_year = wareki.fiscal_year(_months_back(this_month, 1))
    actions.set_budget(actor=actor, organisation=org, program="experience", fiscal_year=fiscal_year, amount=976_000)
    # The past year's lists: settled, then the month before last approved, last month still 作成中.
    for back in range(12, 0, -1):
        month = _months_back(this_month, back)
        for payee in Payee.values:
            payment_list = actions.create_payment_list(actor=counsellor, organisation=org, month=month, payee=payee)
            if back >= 2:
                actions.approve_payment_list(actor=actor, payment_list=payment_list)
            if back >= 3:
                actions.settle_payment_list(actor=actor, payment_list=payment_list)
    return added
