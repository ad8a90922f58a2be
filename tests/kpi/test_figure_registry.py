"""KPI sources come from the figure registry: a record type that registers a figure is offered as a
source and computed, without the KPI app naming it."""

from datetime import date

import pytest

from tsunagu.core import figures
from tsunagu.core.figures import FIGURES, FigureCache
from tsunagu.kpi.forms import IndicatorForm
from tsunagu.kpi.indicators import YearFigures, source_choices, source_label

pytestmark = pytest.mark.django_db

REPORT_FIGURES = [
    "new_cases",
    "contacts",
    "persons",
    "visits",
    "accompaniment",
    "referrals",
    "decided",
    "connected",
    "connected_person",
    "connected_family",
    # stats.queries registers the employment section's figures too (issue 11)
    "employment_registered",
    "employment_new",
    "employment_uses",
    "employment_decided",
    "employment_employed",
    # the report sections' figures (stats/sections), in MODULES order
    "ibasho_places",
    "ibasho_sessions",
    "ibasho_attendances",
]
# Registered by the apps of further record types (outreach, work, then public's 窓口の明確化), in INSTALLED_APPS order.
OTHER_FIGURES = [
    "events_held",
    "events_participants",
    "training_participants",
    "training_held",
    "lecture_participants",
    "family_class_participants",
    "lecturer_dispatches",
    "sns_posts",
    "posters_made",
    "leaflets_made",
    "leaflets_distributed",
    "supporters_registered",
    "supporter_activities",
    # tsunagu.work's, registered from its ready() (after outreach in INSTALLED_APPS).
    "work_placements",
    "work_persons",
    "work_employed",
    "work_workplace",
    "work_hosts",
    "work_allowance_participant",
    "work_allowance_host",
    "network_windows",
    "network_municipalities",
]
# Registered by the meetings app (tsunagu.meetings.queries), after the statistics.
MEETING_FIGURES = [
    "councils_held",
    "case_conference_municipalities",
    "case_conferences_held",
    "council_agencies",
    "council_people",
    "meetings_held_all",
    "meetings_held_case_study",
    "meetings_held_council",
    "meetings_held_agency_support",
    "meetings_held_staff",
    "meetings_held_other",
]


@pytest.fixture
def sessions_figure():
    """A new record type (say 会議) registers what it counts, as its app's ready() would."""
    calls = []

    def compute(period, scope):
        calls.append((period.start, period.end, scope.code))
        return {"held": 7, "attended": 30}

    figures.register(
        "meetings",
        compute,
        [
            ("meetings_held", "会議の開催回数", "回", lambda s: s["held"]),
            ("meetings_attended", "会議の参加者数", "人", lambda s: s["attended"]),
        ],
    )
    yield calls
    for key in ("meetings_held", "meetings_attended"):
        FIGURES._figures.pop(key)
    FIGURES._sources.pop("meetings")


def test_the_statistics_register_the_report_figures_in_order():
    assert list(FIGURES) == [*REPORT_FIGURES, *MEETING_FIGURES, *OTHER_FIGURES]
    assert (str(FIGURES["persons"].label), FIGURES["persons"].unit, FIGURES["persons"].source) == (
        "実人数",
        "人",
        "contacts",
    )


def test_a_registered_figure_is_a_kpi_source_computed_once_per_source_and_year(network, sessions_figure):
    keys = [key for key, _label in source_choices()]
    assert keys == ["manual", *REPORT_FIGURES, *MEETING_FIGURES, *OTHER_FIGURES, "meetings_held", "meetings_attended"]
    assert ("meetings_held", "記録から計算: 会議の開催回数") in source_choices()
    assert source_label("meetings_attended") == "会議の参加者数"
    assert [key for key, _label in IndicatorForm().fields["source"].choices][-1] == ("meetings_attended")
    year = YearFigures(network["own"])
    assert (year.value("meetings_held", 2021), year.value("meetings_attended", 2021)) == (7, 30)
    assert year.value("meetings_held", 2022) == 7
    assert sessions_figure == [
        (date(2021, 4, 1), date(2022, 3, 31), network["own"].code),
        (date(2022, 4, 1), date(2023, 3, 31), network["own"].code),
    ]


def test_a_figure_is_a_function_of_period_and_scope(network):
    from tsunagu.stats.queries import Period

    period = Period(date(2021, 4, 1), date(2022, 3, 31))
    assert FIGURES["contacts"].value(period, network["own"]) == 0
    assert FigureCache(network["own"]).value("referrals", period) == 0
