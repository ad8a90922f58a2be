"""What the outreach sections' trend tables share: one column per fiscal year."""

from tsunagu.core import wareki

from ..exporters import Column


def year_columns(years: list[int]) -> list[Column]:
    return [Column(wareki.fiscal_year_label(y, "short"), full=wareki.fiscal_year_label_both(y)) for y in years]
