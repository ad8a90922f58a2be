"""The report's events, materials, supporters and network sections, by DOMAIN.md's counting rules, with
the seed figures (Kochi R3.4–9: 研修 89名・97名, festa 64名, 講師派遣 2回, ポスター 5,000枚,
リーフレット 30,000部, 窓口の明確化 34市町村) counted from records."""

from datetime import date

import pytest

from tsunagu.core.figures import FIGURES
from tsunagu.orgs.models import OrgKind
from tsunagu.outreach import actions
from tsunagu.public.models import Window
from tsunagu.stats.exporters import report_tables
from tsunagu.stats.report import Period, build_report

from ..factories import SYSTEM, make_org

HALF = Period(date(2021, 4, 1), date(2021, 9, 30))


def event(org, on, kind, participants=0, status="held", name="研修"):
    return actions.create_event(
        actor=SYSTEM, organisation=org, date=on, kind=kind, name=name, status=status, participants=participants
    )


def material(org, on, kind, made=0, distributed=0):
    return actions.create_material(
        actor=SYSTEM, organisation=org, date=on, kind=kind, name=kind, made=made, distributed=distributed
    )


@pytest.fixture
def kochi(network):
    """The centre of the own prefecture with Kochi's half year of training and awareness work."""
    centre = network["own_center"]
    event(centre, date(2021, 6, 10), "training", 89)
    event(centre, date(2021, 9, 30), "training", 97)
    event(centre, date(2021, 8, 1), "lecture", 64, name="つながるfesta")
    event(centre, date(2021, 7, 7), "lecturer", 30)
    event(centre, date(2021, 7, 21), "lecturer")
    # Not counted as held: still planned, cancelled, outside the period, another prefecture's.
    event(centre, date(2021, 9, 1), "training", 50, status="planned")
    event(centre, date(2021, 5, 1), "family_class", 12, status="cancelled")
    event(centre, date(2021, 10, 1), "training", 40)
    event(centre, date(2021, 3, 31), "training", 40)
    event(network["other_center"], date(2021, 6, 10), "training", 500)
    material(centre, date(2021, 4, 20), "poster", 5000, 4200)
    material(centre, date(2021, 4, 20), "leaflet", 20000, 15000)
    material(centre, date(2021, 9, 1), "leaflet", 10000, 9000)
    for day in (1, 2, 3):  # three posts: SNS投稿 made counts posts, whatever `made` says
        material(centre, date(2021, 5, day), "sns_post", 0)
    material(centre, date(2021, 10, 1), "poster", 999)
    material(network["other_center"], date(2021, 4, 20), "poster", 777)
    return network


def test_events_by_kind_count_held_events_and_their_participants(kochi):
    events = build_report(kochi["own"], HALF)["events"]
    assert events["by_kind"]["研修"] == {"held": 2, "participants": 186, "planned": 1, "cancelled": 0}
    assert events["by_kind"]["講演会・交流会"] == {"held": 1, "participants": 64, "planned": 0, "cancelled": 0}
    assert events["by_kind"]["講師派遣"]["held"] == 2
    assert events["by_kind"]["家族教室"] == {"held": 0, "participants": 0, "planned": 0, "cancelled": 1}
    assert list(events["by_kind"]) == ["研修", "講演会・交流会", "家族教室", "セミナー", "相談会", "講師派遣", "その他"]
    assert (events["held"], events["participants"], events["planned"], events["cancelled"]) == (5, 280, 1, 1)


def test_materials_sum_copies_and_count_sns_posts(kochi):
    materials = build_report(kochi["own"], HALF)["materials"]
    assert materials["by_kind"]["ポスター"] == {"made": 5000, "distributed": 4200}
    assert materials["by_kind"]["リーフレット"] == {"made": 30000, "distributed": 24000}
    assert materials["by_kind"]["SNS投稿"] == {"made": 3, "distributed": 0}
    assert materials["by_kind"]["動画"] == {"made": 0, "distributed": 0}
    assert list(materials["by_kind"]) == ["ポスター", "リーフレット", "動画", "広告", "通信", "SNS投稿", "その他"]


def test_a_municipality_report_holds_only_its_own_subtree(kochi):
    report = build_report(kochi["own_city"], HALF)
    assert report["events"]["held"] == 0
    assert report["materials"]["by_kind"]["ポスター"]["made"] == 0


def test_network_counts_municipalities_with_a_named_window(network):
    pref = network["own"]
    cities = [network["own_city"]] + [make_org(OrgKind.MUNICIPALITY, pref) for _ in range(34)]
    for city in cities[:34]:
        Window.objects.create(organisation=city, name=f"{city.name} ひきこもり相談窓口")
    closed = make_org(OrgKind.MUNICIPALITY, pref)
    Window.objects.create(organisation=closed, name="閉じた町の窓口")
    closed.is_active = False
    closed.save()
    Window.objects.create(organisation=network["own_center"], name="センターの窓口")  # not a municipality
    Window.objects.create(organisation=network["other_city"], name="よその窓口")
    assert build_report(pref, HALF)["network"] == {"municipalities": 35, "windows": 34}
    assert build_report(network["nation"], HALF)["network"] == {"municipalities": 36, "windows": 35}
    assert FIGURES["network_windows"].value(HALF, pref) == 34


def test_kpi_figures_come_from_the_records(kochi):
    own = kochi["own"]
    assert FIGURES["training_participants"].value(HALF, own) == 186
    assert FIGURES["lecture_participants"].value(HALF, own) == 64
    assert FIGURES["lecturer_dispatches"].value(HALF, own) == 2
    assert FIGURES["sns_posts"].value(HALF, own) == 3
    assert FIGURES["posters_made"].value(HALF, own) == 5000
    assert FIGURES["leaflets_made"].value(HALF, own) == 30000
    assert FIGURES["family_class_participants"].value(HALF, own) == 0


def test_the_sections_become_tables_of_the_page_and_files(kochi):
    tables = {table.key: table for table in report_tables(build_report(kochi["own"], HALF))}
    events = tables["events"]
    assert events.rows[0] == ["研修", 2, 186, 1, 0]
    assert events.total == ["計", 5, 280, 1, 1]
    assert tables["materials"].rows[1] == ["リーフレット", 30000, 24000]
    assert tables["network"].rows[0][0] == "市区町村"


def test_trends_equal_one_report_per_fiscal_year(kochi):
    from tsunagu.core import wareki
    from tsunagu.outreach import actions as outreach_actions
    from tsunagu.stats.trends import build_trends, trend_tables

    centre = kochi["own_center"]
    supporter = outreach_actions.create_supporter(
        actor=SYSTEM, organisation=centre, name="青木", status="registered", status_from=date(2020, 5, 1)
    )
    for on in (date(2020, 6, 1), date(2021, 6, 1), date(2021, 7, 1)):
        outreach_actions.record_activity(
            actor=SYSTEM, organisation=centre, supporter=supporter, date=on, kind="consultation"
        )
    trends = build_trends(kochi["own"], [2020, 2021, 2022])
    for year in (2020, 2021, 2022):
        report = build_report(kochi["own"], Period(*wareki.fiscal_year_range(year)))
        for key in ("events", "materials", "supporters", "network"):
            assert trends[year][key] == report[key], (year, key)
    assert trends[2021]["supporters"]["previous_activities"] == 1
    assert trends[2021]["events"]["by_kind"]["研修"]["participants"] == 226  # 89 + 97 + 40 (2021-10-01)
    tables = {table.key: table for table in trend_tables(trends)}
    assert tables["events_trend"].rows[0] == ["研修", 40, 226, 0]
    assert tables["supporters_trend"].rows == [["登録サポーター数（年度末）", 1, 1, 1], ["活動件数", 1, 2, 0]]
