"""The year under way is judged against the target pro rata to its elapsed part (or 集計中), not 遅れ
in December."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from tsunagu.kpi.queries import elapsed_share, kpi_page

from .factories import entered, make_indicator, target


def test_elapsed_share_counts_both_ends():
    assert elapsed_share(2026, date(2026, 4, 1)) == Fraction(1, 365)
    # April 30 + May 31 + June 30 + July 31 + August 31 + September 30 + October 31 + November 30 + 2.
    assert elapsed_share(2026, date(2026, 12, 2)) == Fraction(246, 365)
    assert elapsed_share(2025, date(2026, 12, 2)) is None


def _page(org, today):
    indicator = make_indicator(org)
    target(indicator, 2025, 12)
    entered(indicator, 2025, 8)
    target(indicator, 2026, 12)
    entered(indicator, 2026, 8)
    return kpi_page(org, 2026, today=today).rows[0]


def test_december_compares_with_the_target_pro_rata(network):
    row = _page(network["own"], date(2026, 12, 2))
    current = row.current
    # 12 × 246/365 = 8.087… is due by 2 December; 8 of it is 8 × 365 / (12 × 246) = 98.9%.
    assert current.due == Decimal("8.1")
    assert current.ratio == 98.9
    assert current.judgement[1] == "概ね順調"
    # The finished year is judged against its whole target: 8 / 12 = 66.7%.
    last = row.history[-2]
    assert (last.fiscal_year, last.ratio, last.judgement[1], last.due) == (2025, 66.7, "やや遅れ", None)


def test_the_first_month_says_counting(network):
    current = _page(network["own"], date(2026, 4, 20)).current
    assert current.counting
    assert current.ratio is None
    assert current.judgement[1] == "集計中"
    assert current.due == Decimal("0.7")  # 12 × 20/365 = 0.657…


def test_the_overview_says_what_it_compared_with(client, network):
    from django.urls import reverse

    from tsunagu.core.wareki import current_fiscal_year
    from tsunagu.orgs.models import Role

    from ..conftest import act_as
    from ..factories import make_staff

    fy = current_fiscal_year()
    indicator = make_indicator(network["own"])
    target(indicator, fy, 12)
    entered(indicator, fy, 1)
    act_as(client, make_staff(network["own"], Role.STATISTICIAN))
    body = client.get(reverse("kpi_overview") + f"?fy={fy}").content.decode()
    assert 'data-testid="pro-rata"' in body
    assert "経過日数で按分した計画値" in body
