"""The allowance of a worked day, at the rates in force on that day (DOMAIN.md "Allowances").

A rate is per day or per hour, with an optional cap per day; hours × rate is rounded down to the yen
(a payment never rounds up a fraction of a yen). The rates of an organisation are read once (`RateBook`)
and every day is priced in Python, so a year of days costs one query.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from .models import AllowanceRate, Payee, RateUnit


@dataclass(frozen=True)
class Rate:
    applies_from: date
    unit: str
    value: int
    cap_per_day: int | None

    def amount(self, hours: Decimal) -> int:
        if self.unit == RateUnit.HOUR:
            amount = int((Decimal(self.value) * Decimal(hours)).to_integral_value(rounding=ROUND_DOWN))
        else:
            amount = self.value
        return min(amount, self.cap_per_day) if self.cap_per_day is not None else amount

    @property
    def label(self) -> str:
        unit = "時間" if self.unit == RateUnit.HOUR else "日"
        cap = f"（1日上限{self.cap_per_day:,}円）" if self.cap_per_day is not None else ""
        return f"{self.value:,}円/{unit}{cap}"


class RateBook:
    """Every rate of an organisation, by (program, payee), in date order."""

    def __init__(self, rates):
        self._rows: dict[tuple[str, str], list[Rate]] = defaultdict(list)
        for row in sorted(rates, key=lambda r: r.applies_from):
            self._rows[row.program, row.payee].append(Rate(row.applies_from, row.unit, row.value, row.cap_per_day))
        self._starts = {key: [r.applies_from for r in rows] for key, rows in self._rows.items()}

    @classmethod
    def of(cls, organisation_id: int) -> "RateBook":
        return cls(AllowanceRate.objects.filter(organisation_id=organisation_id))

    @classmethod
    def of_each(cls, organisation_ids) -> dict[int, "RateBook"]:
        """{organisation id: its book} for many organisations in one query (one without rates gets an empty
        book, which pays 0)."""
        rates = defaultdict(list)
        rows = AllowanceRate.objects.filter(organisation_id__in=set(organisation_ids)).values_list(
            "organisation_id", "applies_from", "program", "payee", "unit", "value", "cap_per_day", named=True
        )  # the columns a book reads, not model instances (a nation has hundreds of rates)
        for row in rows:
            rates[row.organisation_id].append(row)
        return {org_id: cls(rates[org_id]) for org_id in set(organisation_ids)}

    def rate_on(self, on: date, program: str, payee: str) -> Rate | None:
        starts = self._starts.get((program, payee))
        if not starts:
            return None
        i = bisect_right(starts, on)
        return self._rows[program, payee][i - 1] if i else None

    def amount(self, on: date, hours: Decimal, program: str, payee: str) -> int:
        """Yen for one worked day (0 before the first rate of the program and payee)."""
        rate = self.rate_on(on, program, payee)
        return rate.amount(hours) if rate is not None else 0

    def day_total(self, on: date, hours: Decimal, program: str) -> int:
        return sum(self.amount(on, hours, program, payee) for payee in Payee.values)
