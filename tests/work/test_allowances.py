"""Allowances at the rates in force on each worked day (DOMAIN.md's worked examples), and a property test
against an independent computation."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.work import actions
from tsunagu.work.allowances import RateBook
from tsunagu.work.models import AllowanceRate, PaymentLine

from .conftest import place, rate


def _list_total(admin, coordinator, month, payee):
    payment_list = actions.create_payment_list(
        actor=coordinator, organisation=coordinator.organisation, month=month, payee=payee
    )
    return sum(PaymentLine.objects.filter(payment_list=payment_list).values_list("amount", flat=True))


def test_five_days_of_work_experience_pay_2500_to_the_person_and_22500_to_the_host(admin, coordinator, farm):
    rate(admin, "experience", "participant", "day", 500)
    rate(admin, "experience", "host", "day", 4500)
    placement = place(coordinator, farm)
    days = {date(2021, 5, 10) + timedelta(days=n): Decimal(4) for n in range(5)}
    actions.record_days(actor=coordinator, placement=placement, days=days)
    assert _list_total(admin, coordinator, date(2021, 5, 1), "participant") == 2500
    assert _list_total(admin, coordinator, date(2021, 5, 1), "host") == 22500


def test_six_hours_of_work_training_pay_3750_and_5000(admin, coordinator, farm):
    rate(admin, "training", "participant", "hour", 625)
    rate(admin, "training", "host", "day", 5000)
    placement = place(coordinator, farm, program="training")
    actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 12): Decimal(6)})
    assert _list_total(admin, coordinator, date(2021, 5, 1), "participant") == 3750
    assert _list_total(admin, coordinator, date(2021, 5, 1), "host") == 5000


def test_a_ten_hour_workplace_day_at_625_an_hour_is_capped_at_5000(admin, coordinator, farm):
    rate(admin, "workplace", "participant", "hour", 625, cap=5000)
    placement = place(coordinator, farm, program="workplace")
    actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 12): Decimal(10)})
    assert _list_total(admin, coordinator, date(2021, 5, 1), "participant") == 5000


def test_a_rate_change_in_the_middle_of_a_month_pays_each_day_at_its_own_rate(admin, coordinator, farm):
    rate(admin, "experience", "participant", "day", 500)
    rate(admin, "experience", "participant", "day", 600, applies_from=date(2021, 5, 16))
    placement = place(coordinator, farm)
    days = {date(2021, 5, d): Decimal(5) for d in (14, 15, 16, 17)}
    actions.record_days(actor=coordinator, placement=placement, days=days)
    payment_list = actions.create_payment_list(
        actor=coordinator, organisation=coordinator.organisation, month=date(2021, 5, 20), payee="participant"
    )
    (line,) = payment_list.lines.all()
    assert (line.days, line.hours, line.amount, line.rate) == (
        4,
        Decimal(20),
        500 + 500 + 600 + 600,
        "500円/日／600円/日",
    )


def test_a_half_hour_is_paid_to_the_yen_rounded_down():
    book = RateBook(
        [AllowanceRate(program="training", payee="participant", unit="hour", value=625, applies_from=date(2021, 4, 1))]
    )
    assert book.amount(date(2021, 5, 1), Decimal("5.5"), "training", "participant") == 3437  # 3,437.5
    assert book.amount(date(2021, 3, 31), Decimal(5), "training", "participant") == 0  # before the first rate


# --- the property test ----------------------------------------------------------------------------------

PROGRAMS, PAYEES, UNITS = ["experience", "training"], ["participant", "host"], ["day", "hour"]
YEAR_START = date(2021, 4, 1)

rates_strategy = st.lists(
    st.tuples(
        st.sampled_from(PROGRAMS),
        st.sampled_from(PAYEES),
        st.sampled_from(UNITS),
        st.integers(1, 9000),
        st.one_of(st.none(), st.integers(1, 9000)),
        st.integers(-30, 364),  # days after the year's start the rate applies from
    ),
    max_size=12,
    unique_by=lambda r: (r[0], r[1], r[5]),
)
days_strategy = st.lists(
    st.tuples(st.sampled_from(PROGRAMS), st.integers(0, 364), st.integers(1, 96)),  # hours in quarters
    max_size=120,
)


def _reference(rates, days) -> dict:
    """Yen per payee, the slow way: for each day, scan every rate for the latest one on or before it."""
    totals = dict.fromkeys(PAYEES, 0)
    for program, offset, quarters in days:
        hours = Fraction(quarters, 4)
        for payee in PAYEES:
            candidates = [r for r in rates if r[0] == program and r[1] == payee and r[5] <= offset]
            if not candidates:
                continue
            _p, _y, unit, value, cap, _from = max(candidates, key=lambda r: r[5])
            amount = value if unit == "day" else int(value * hours)  # int() floors a positive Fraction
            totals[payee] += amount if cap is None else min(amount, cap)
    return totals


@settings(max_examples=150, deadline=None)
@given(rates=rates_strategy, days=days_strategy)
def test_totals_over_a_year_match_an_independent_computation(rates, days):
    book = RateBook(
        [
            AllowanceRate(
                program=p, payee=y, unit=u, value=v, cap_per_day=c, applies_from=YEAR_START + timedelta(days=f)
            )
            for p, y, u, v, c, f in rates
        ]
    )
    ours = dict.fromkeys(PAYEES, 0)
    for program, offset, quarters in days:
        for payee in PAYEES:
            ours[payee] += book.amount(YEAR_START + timedelta(days=offset), Decimal(quarters) / 4, program, payee)
    assert ours == _reference(rates, days)


@pytest.mark.parametrize("hours", [Decimal(0), Decimal(25)])
def test_hours_outside_a_day_are_refused(coordinator, farm, hours):
    from django.core.exceptions import ValidationError

    placement = place(coordinator, farm)
    with pytest.raises(ValidationError) as refused:
        actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 12): hours or Decimal("-1")})
    assert refused.value.message_dict == {"d20210512": ["「時間」は0より多く24以下で入力してください。"]}
