"""The plausible-date rules of cases.rules, with the reason each refusal gives (issue 9)."""

from datetime import date

import pytest

from tsunagu.cases import domain, rules
from tsunagu.cases.models import AgeBand

TODAY = date(2026, 12, 2)
BEFORE_HEISEI = (
    "1989年1月8日（平成元年）より前の日付は記録できません。和暦の年（例: R6.4.5）は元号を付けて入力してください。"
)


@pytest.mark.parametrize(
    "on, future, message",
    [
        (date(1989, 1, 8), True, None),
        (date(1989, 1, 7), True, BEFORE_HEISEI),
        (date(645, 12, 2), True, BEFORE_HEISEI),
        (date(2027, 12, 2), True, None),
        (date(2027, 12, 3), True, "1年より先の日付は記録できません（2027年12月2日まで）。年を確かめてください。"),
        (date(2026, 12, 2), False, None),
        (date(2026, 12, 3), False, "未来の日付は入力できません。"),
    ],
)
def test_record_date_error(on, future, message):
    assert rules.record_date_error(on, today=TODAY, future=future) == message


@pytest.mark.parametrize(
    "birth, message",
    [
        (date(1900, 1, 1), None),
        (
            date(1899, 12, 31),
            "1900年より前の生年月日は記録できません。和暦なら元号を付けて入力してください（例: S57.5.3）。",
        ),
        (date(2026, 12, 2), None),
        (date(2026, 12, 3), "未来の日付は入力できません。"),
    ],
)
def test_birth_date_error(birth, message):
    assert rules.birth_date_error(birth, today=TODAY) == message


def test_a_contact_date_names_the_birth_date():
    born = date(1990, 6, 1)
    assert domain.contact_errors({"date": born}, birth_date=born, today=TODAY) == {}
    assert domain.contact_errors({"date": date(1990, 5, 31)}, birth_date=born, today=TODAY) == {
        "date": "生年月日（1990年6月1日）より前の日付です。日付か生年月日を確かめてください。"
    }
    assert domain.contact_errors({"date": date(1990, 5, 31)}, birth_date=None, today=TODAY) == {}
    assert domain.contact_errors({"date": date(1988, 1, 1)}, birth_date=born, today=TODAY) == {"date": BEFORE_HEISEI}


def test_a_case_without_contacts_has_none_to_contradict_a_birth_date():
    assert domain.birth_after_contact(date(2020, 1, 1), None) is None
    assert domain.birth_after_contact(date(2020, 1, 1), date(2020, 1, 1)) is None
    assert (
        domain.birth_after_contact(date(2020, 1, 2), date(2020, 1, 1))
        == "2020年1月1日の相談記録より後の生年月日です。生年月日か相談記録の日付を確かめてください。"
    )


def test_a_stored_contact_before_birth_has_no_age_band_instead_of_an_error():
    assert rules.age_band_on(birth_date=date(1990, 6, 1), known_band="40s", on=date(1990, 5, 31)) == AgeBand.UNKNOWN
    assert rules.age_band_on(birth_date=date(1990, 6, 1), known_band="", on=date(2021, 6, 1)) == AgeBand.THIRTIES


def test_a_person_born_during_the_fiscal_year_is_not_of_the_ice_age_generation():
    assert rules.is_ice_age_generation(date(2026, 5, 1), date(2026, 12, 2)) is False
    assert rules.is_ice_age_generation(date(1982, 4, 1), date(2026, 12, 2)) is True
