"""Derived facts about a case that the counting rules depend on (DOMAIN.md)."""

from datetime import date

from tsunagu.core.wareki import age_on, fiscal_year

from .models import AgeBand


def band_for_age(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    if age < 20:
        return AgeBand.UNDER_20
    if age >= 60:
        return AgeBand.SIXTY_PLUS
    return {2: AgeBand.TWENTIES, 3: AgeBand.THIRTIES, 4: AgeBand.FORTIES, 5: AgeBand.FIFTIES}[age // 10]


def age_band_on(*, birth_date: date | None, known_band: str, on: date) -> str:
    """The person's band at a date: from the birth date when known, else the band the ledger gave."""
    if birth_date is not None:
        return band_for_age(age_on(birth_date, on))
    return known_band or AgeBand.UNKNOWN


# The national grant program's 就職氷河期世代: ages 34–49 in the fiscal year (age on April 1).
ICE_AGE_RANGE = (34, 49)


def is_ice_age_generation(birth_date: date | None, on: date) -> bool | None:
    if birth_date is None:
        return None
    fy_start = date(fiscal_year(on), 4, 1)
    low, high = ICE_AGE_RANGE
    return low <= age_on(birth_date, fy_start) <= high


PARENT_WORDS = {"父", "母", "父親", "母親", "義父", "義母"}
# "8050": a parent in their 70s–80s supporting a withdrawn child in their 40s–50s.
OLD_PARENT_AGE, MIDDLE_AGED = 70, 40


def looks_like_8050(*, person_age: int | None, household) -> bool:
    """Suggests the 8050 flag from the household; staff confirm it on the case (household_8050)."""
    if person_age is None or person_age < MIDDLE_AGED:
        return False
    return any(m.age is not None and m.age >= OLD_PARENT_AGE and m.relationship in PARENT_WORDS for m in household)
