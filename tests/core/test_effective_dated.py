"""Effective-dated records: the value in force on a date, and one row per key and date."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .effective.models import UnitPrice

pytestmark = pytest.mark.django_db


@pytest.fixture
def prices():
    UnitPrice.objects.create(kind="visit", value=Decimal("3000"), applies_from=date(2021, 4, 1))
    UnitPrice.objects.create(kind="visit", value=Decimal("3500"), applies_from=date(2023, 4, 1))
    UnitPrice.objects.create(kind="phone", value=Decimal("800"), applies_from=date(2022, 10, 1))


def test_the_value_in_force_is_the_latest_on_or_before_the_date(prices):
    assert UnitPrice.objects.value_on(date(2021, 3, 31), kind="visit") is None
    assert UnitPrice.objects.value_on(date(2021, 3, 31), default=Decimal(0), kind="visit") == Decimal(0)
    assert UnitPrice.objects.value_on(date(2021, 4, 1), kind="visit") == Decimal("3000")
    assert UnitPrice.objects.value_on(date(2023, 3, 31), kind="visit") == Decimal("3000")
    assert UnitPrice.objects.value_on(date(2023, 4, 1), kind="visit") == Decimal("3500")
    assert UnitPrice.objects.value_on(date(2030, 1, 1), kind="visit") == Decimal("3500")
    assert UnitPrice.objects.value_on(date(2022, 9, 30), kind="phone") is None


def test_rows_in_force_on_a_date_are_one_per_key(prices, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = {row.kind: row.value for row in UnitPrice.objects.in_force_on(date(2023, 1, 1))}
    assert rows == {"visit": Decimal("3000"), "phone": Decimal("800")}
    assert {row.kind: row.value for row in UnitPrice.objects.in_force_on(date(2022, 1, 1))} == {
        "visit": Decimal("3000")
    }
    assert list(UnitPrice.objects.in_force_on(date(2020, 1, 1))) == []
    assert [row.value for row in UnitPrice.objects.filter(kind="visit").in_force_on(date(2024, 1, 1))] == [
        Decimal("3500")
    ]


def test_a_lookup_needs_the_whole_key(prices):
    with pytest.raises(TypeError, match=r"missing \['kind'\]"):
        UnitPrice.objects.value_on(date(2023, 1, 1))


def test_no_two_rows_with_the_same_key_and_date(prices):
    duplicate = UnitPrice(kind="visit", value=Decimal("1"), applies_from=date(2023, 4, 1))
    with pytest.raises(ValidationError) as refused:
        duplicate.validate_constraints()
    assert refused.value.messages == ["同じ適用開始日の値がすでにあります。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    UnitPrice(kind="phone", value=Decimal("1"), applies_from=date(2023, 4, 1)).validate_constraints()
