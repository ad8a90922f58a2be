"""Cohorts: the people a grant program counts (DOMAIN.md "Cohorts"). 就職氷河期世代 is the people aged
34–49 on April 1 of the fiscal year that contains the record's date; a band cohort ("40代") the people
in that age band on the record's date (the band of contacts: from the birth date, else the band the
ledger gave). A person whose birth date is unknown is never 就職氷河期世代.

A cohort's report counts the case-based figures from the records (CohortRecords), each record kept
when its case is in the cohort on the record's date; figures with no case (meetings, materials) are
not part of it. The counting is done in Python over the rows, so it is the same on both engines.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from tsunagu.cases.models import AgeBand, Case, Contact, Referral, ReferralStatus
from tsunagu.cases.rules import age_band_on, is_ice_age_generation
from tsunagu.ibasho.models import Attendance

from .report import IBASHO_CATEGORY, Records

ICE_AGE = "就職氷河期世代"
PERSON = ("case__birth_date", "case__age_band")


@dataclass(frozen=True)
class Cohort:
    key: str  # 就職氷河期世代, or an age band's label (40代)
    band: str | None = None  # the AgeBand value of a band cohort

    def includes(self, birth_date: date | None, known_band: str, on: date) -> bool:
        if self.band is None:
            return bool(is_ice_age_generation(birth_date, on))
        return age_band_on(birth_date=birth_date, known_band=known_band, on=on) == self.band


def cohorts() -> list[Cohort]:
    """Every cohort a report may be restricted to: 就職氷河期世代, then each known age band."""
    return [Cohort(ICE_AGE)] + [
        Cohort(str(label), value) for value, label in AgeBand.choices if value != AgeBand.UNKNOWN
    ]


def by_key(text: str | None) -> Cohort | None:
    """The cohort named `text` (full-width or half-width; None or "" is no cohort). Unknown: LookupError."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    for cohort in cohorts():
        if unicodedata.normalize("NFKC", cohort.key) == text:
            return cohort
    raise LookupError(text)


class CohortRecords(Records):
    """Records' counts, keeping only the records whose case is in the cohort on the record's date."""

    def __init__(self, org, cohort: Cohort):
        super().__init__(org)
        self.cohort = cohort

    def _contacts(self, start, end):
        rows = Contact.objects.filter(organisation_id__in=self.ids, date__range=(start, end)).values_list(
            "channel", "consulter", "age_band", "with_peer", "case_id", "date", *PERSON
        )
        return [row for row in rows if self.cohort.includes(row[6], row[7], row[5])]

    def contact_rows(self, start, end) -> list[tuple]:
        counts: dict = {}
        for row in self._contacts(start, end):
            counts[row[:4]] = counts.get(row[:4], 0) + 1
        return [(*key, n) for key, n in counts.items()]

    def persons(self, start, end) -> int:
        return len({row[4] for row in self._contacts(start, end)})

    def new_cases(self, start, end) -> int:
        rows = Case.objects.filter(organisation_id__in=self.ids, first_contact_on__range=(start, end)).values_list(
            "first_contact_on", "birth_date", "age_band"
        )
        return sum(1 for on, birth, band in rows if self.cohort.includes(birth, band, on))

    def referral_rows(self, start, end) -> list[tuple]:
        rows = Referral.objects.filter(organisation_id__in=self.ids, date__range=(start, end)).values_list(
            "category_id", "target", "status", "date", *PERSON
        )
        counts: dict = {}
        for category, target, status, on, birth, band in rows:
            if self.cohort.includes(birth, band, on):
                key = (category or IBASHO_CATEGORY, target, status == ReferralStatus.DECIDED)
                counts[key] = counts.get(key, 0) + 1
        return [(*key, n) for key, n in counts.items()]

    def connected(self, start, end) -> dict:
        referred = Referral.objects.filter(
            organisation_id__in=self.ids, date__range=(start, end), status=ReferralStatus.DECIDED
        ).values_list("target", "case_id", "date", *PERSON)
        attended = Attendance.objects.filter(
            organisation_id__in=self.ids, date__range=(start, end), is_first=True, case__isnull=False
        ).values_list("target", "case_id", "date", *PERSON)
        pairs = {
            (target, case)
            for rows in (referred, attended)
            for target, case, on, birth, band in rows
            if self.cohort.includes(birth, band, on)
        }
        counts: dict = {}
        for target, _case in pairs:
            counts[target] = counts.get(target, 0) + 1
        return counts
