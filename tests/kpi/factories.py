"""Builders for KPI tests, through the domain functions."""

from decimal import Decimal

from tsunagu.kpi import actions
from tsunagu.kpi.models import MANUAL

from ..factories import SYSTEM


def make_indicator(org, name="連絡協議会の開催回数", *, unit="回", source=MANUAL, actor=SYSTEM, **extra):
    return actions.create_indicator(actor=actor, organisation=org, name=name, unit=unit, source=source, **extra)


def target(indicator, fy, value, actor=SYSTEM):
    return actions.set_target(actor=actor, indicator=indicator, fiscal_year=fy, value=Decimal(str(value)))


def entered(indicator, fy, value, actor=SYSTEM, note=""):
    return actions.set_entered_value(
        actor=actor, indicator=indicator, fiscal_year=fy, value=Decimal(str(value)), note=note
    )
