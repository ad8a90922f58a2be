"""Dates as people in Japanese offices expect them: 西暦 with 和暦 beside it, fiscal years as 年度."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from tsunagu.core import wareki

register = template.Library()


@register.filter
def wareki_date(value, style="long"):
    """2021-04-05 -> 令和3年4月5日 (or R3.4.5 with "short")."""
    if not value:
        return ""
    return wareki.format_date(value, style)


@register.filter
def both_dates(value):
    """2021-04-05 -> 2021年4月5日（令和3年4月5日）in Japanese, 2021-04-05 (R3.4.5) in English."""
    if not value:
        return ""
    if get_language() == "en":
        return f"{value:%Y-%m-%d} ({wareki.format_date(value, 'short')})"
    return f"{value.year}年{value.month}月{value.day}日（{wareki.format_date(value)}）"


@register.filter
def fiscal_year_label(fy):
    """2021 -> 2021年度（令和3年度）in Japanese, FY2021 (Reiwa 3) in English."""
    return wareki.fiscal_year_label_both(int(fy))


@register.simple_tag
def today_label():
    today = timezone.localdate()
    return f"{both_dates(today)} ・ {fiscal_year_label(wareki.fiscal_year(today))}"
