"""Issue 13 for the further sections (stats/smallcells.py, section_cells): work_experience, employment and
ibasho cells of another organisation's report that describe fewer than k = 10 persons are ranges.

The world, worked out by hand: in the own prefecture's municipality, in June 2021, one person (born
1995-01-01, 20代)
- has a 就労体験 at a farm, 6 hours on 6/1, 6/2 and 6/3 at 500円 (利用者) and 4,500円 (事業者) a day, ended
  6/30 with 就職: 件数 1, 実人数 1, 就労日数 3 and 3, 手当 1,500円 and 13,500円, 20代 1, 就労体験 1, 就職 1;
- is registered for employment support on 6/5, with two contacts (6/8, 6/15) while registered, and
  進路決定 就職（正規） on 6/20: 登録者 1, 新規 1, 利用回数 2, 進路決定 1, うち就職 1, 20代 1, 進路決定率 100.0;
- attends the 居場所 on 6/10 and 6/17, and an anonymous attendee comes on 6/10: 開催回数 2, 参加延べ 3
  (ケース 2, 匿名 1), all of one person at most.
The prefecture's 統計担当 sees every one of these as a range (「1〜9」, the amounts 「1〜9,999」 and
「10,000〜19,999」) and no 進路決定率; 受入先の数 and 居場所数 count places, not persons: 1 each. The
municipality's own staff see the exact figures.
"""

import io
from datetime import date, time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.employment import actions as employment
from tsunagu.employment.models import Outcome
from tsunagu.ibasho import actions as ibasho
from tsunagu.orgs.models import Role
from tsunagu.stats.report import Period
from tsunagu.stats.smallcells import shown_report, yen_range_text
from tsunagu.work import actions as work

from ..api.tokens import bearer, make_token
from ..cases.factories import actor_for, make_case
from ..conftest import act_as
from ..employment.factories import contacts, register
from ..factories import make_staff
from ..work.conftest import place, rate
from .html_tables import page_tables

JUNE = {"period": "range", "start": "2021/6/1", "end": "2021/6/30"}
PERIOD = Period(date(2021, 6, 1), date(2021, 6, 30))
R = "1〜9"


@pytest.fixture
def city(network):
    return network["own_city"]


@pytest.fixture
def person(city):
    worker = actor_for(make_staff(city, Role.COORDINATOR))
    admin = actor_for(make_staff(city, Role.ADMIN))
    case = make_case(worker, number="P-001", birth_date=date(1995, 1, 1), opened_on=date(2021, 6, 1))
    farm = work.create_host(actor=worker, organisation=city, name="山田農園", kind="farm", contact_person="山田")
    rate(admin, "experience", "participant", "day", 500)
    rate(admin, "experience", "host", "day", 4500)
    placement = place(worker, farm, start=date(2021, 6, 1), case=case)
    work.record_days(actor=worker, placement=placement, days={date(2021, 6, d): Decimal(6) for d in (1, 2, 3)})
    work.update_placement(actor=worker, placement=placement, end=date(2021, 6, 30), outcome="employed")
    registration = register(worker, case, date(2021, 6, 5))
    contacts(case, [date(2021, 6, 8), date(2021, 6, 15)])
    employment.update_registration(
        actor=worker, registration=registration, outcome=Outcome.REGULAR, decided_on=date(2021, 6, 20)
    )
    salon = ibasho.create_ibasho(
        actor=worker, organisation=city, name="まったりサロン", kind="physical", place="市民会館"
    )
    for day in (10, 17):
        event = ibasho.create_event(actor=worker, ibasho=salon, date=date(2021, 6, day), start_time=time(14, day))
        ibasho.record_attendance(actor=worker, event=event, case=case)
        if day == 10:
            ibasho.record_attendance(actor=worker, event=event, anonymous=True)
    return case


EXACT = {
    "work_experience": {
        "placements": 1,
        "persons": 1,
        "hosts": 1,
        "days": {"min": 3, "max": 3},
        "allowances": {"利用者": 1500, "事業者": 13500},
        "ended": 1,
    },
    "employment": {"registered": 1, "new_registrations": 1, "uses": 2, "decided": 1, "employed": 1},
    "ibasho": {"places": 1, "sessions": 2, "attendances": 3},
}


def test_yen_range_text_is_a_bucket_10000_wide():
    assert [yen_range_text(v) for v in (1, 1500, 9999, 10000, 13500, 25000)] == [
        "1〜9,999",
        "1〜9,999",
        "1〜9,999",
        "10,000〜19,999",
        "10,000〜19,999",
        "20,000〜29,999",
    ]


def test_the_prefecture_sees_ranges_in_the_sections(network, city, person):
    report = shown_report(network["own"], city, PERIOD)
    work_ = report["work_experience"]
    assert (work_["placements"], work_["persons"], work_["days"], work_["ended"]) == (R, R, {"min": R, "max": R}, R)
    assert work_["allowances"] == {"利用者": "1〜9,999", "事業者": "10,000〜19,999"}
    assert work_["hosts"] == 1  # places, not persons
    assert work_["by_age_band"]["20代"] == R and work_["by_age_band"]["30代"] == 0
    assert work_["by_program"] == {"就労体験": R, "就労訓練": 0, "職場体験": 0, "社会体験": 0}
    assert work_["by_outcome"] == {"就職": R, "求職活動": 0, "支援の継続": 0, "中断": 0}
    emp = report["employment"]
    assert {key: emp[key] for key in EXACT["employment"]} == dict.fromkeys(EXACT["employment"], R)
    assert emp["decision_rate"] is None
    assert emp["by_outcome"]["就職（正規）"] == R and emp["by_outcome"]["修学"] == 0
    assert emp["new_by_age_band"]["20代"] == R and emp["new_by_age_band"]["40代"] == 0
    place_ = report["ibasho"]
    assert (place_["places"], place_["sessions"], place_["attendances"]) == (1, R, R)
    assert place_["by_attendee"] == {"ケース": R, "ニックネーム": 0, "匿名": R}
    kinds = {kind: figures for kind, figures in place_["by_kind"].items() if figures["places"]}
    assert list(kinds.values()) == [{"places": 1, "sessions": R, "attendances": R}]
    assert report["ranged"] == 10


def test_the_own_staff_see_exact_section_figures(city, person):
    report = shown_report(city, city, PERIOD)
    for key, figures in EXACT.items():
        assert {name: report[key][name] for name in figures} == figures
    assert report["employment"]["decision_rate"] == 100.0
    assert report["ibasho"]["by_attendee"] == {"ケース": 2, "ニックネーム": 0, "匿名": 1}
    assert "ranged" not in report


SECTION_TABLES = {
    "work_experience": [
        ["就労体験の件数", R],
        ["実人数", R],
        ["受入先の数", "1"],
        ["就労日数（最少）", R],
        ["就労日数（最多）", R],
        ["手当（利用者、円）", "1〜9,999"],
        ["手当（事業者、円）", "10,000〜19,999"],
    ],
    "employment": [
        ["利用登録者数", R],
        ["新規登録者数", R],
        ["利用回数（延べ）", R],
        ["進路決定者数", R],
        ["うち就職", R],
    ],
    "employment_rate": [["進路決定率", ""]],
    "ibasho": [["居場所数", "1"], ["開催回数", R], ["参加延べ人数", R]],
    "ibasho_by_attendee": [["ケース", R], ["ニックネーム", "0"], ["匿名", R], ["計", R]],
}


def test_the_page_shows_the_ranges(network, city, person):
    client = act_as(Client(), make_staff(network["own"], Role.STATISTICIAN))
    tables = page_tables(client.get(reverse("stats_report"), {"org": city.code, **JUNE}).content.decode())
    for key, rows in SECTION_TABLES.items():
        assert tables[key][1:] == rows, key
    outcome = {row[0]: row[1:] for row in tables["work_by_outcome"][1:]}
    assert outcome["就職"] == [R, ""] and outcome["計"] == [R, "100.0"]
    assert {row[0]: row[1] for row in tables["employment_outcomes"][1:]}["就職（正規）"] == R


def test_the_own_staff_page_is_exact(city, person):
    client = act_as(Client(), make_staff(city, Role.STATISTICIAN))
    tables = page_tables(client.get(reverse("stats_report"), {"org": city.code, **JUNE}).content.decode())
    assert tables["work_experience"][1:3] == [["就労体験の件数", "1"], ["実人数", "1"]]
    assert tables["work_experience"][-2:] == [["手当（利用者、円）", "1,500"], ["手当（事業者、円）", "13,500"]]
    assert tables["ibasho"][1:] == [["居場所数", "1"], ["開催回数", "2"], ["参加延べ人数", "3"]]
    assert tables["employment_rate"][1:] == [["進路決定率", "100.0"]]


def _sheet_rows(client, city) -> dict:
    response = client.get(reverse("stats_export_xlsx"), {"org": city.code, **JUNE})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _rows_with(sheets: dict, label: str) -> list:
    return [row for rows in sheets.values() for row in rows if row and row[0] == label]


def test_the_xlsx_has_the_section_ranges(network, city, person):
    sheets = _sheet_rows(act_as(Client(), make_staff(network["own"], Role.STATISTICIAN)), city)
    assert [row[1] for row in _rows_with(sheets, "就労体験の件数")] == [R]
    assert [row[1] for row in _rows_with(sheets, "手当（事業者、円）")] == ["10,000〜19,999"]
    assert [row[1] for row in _rows_with(sheets, "進路決定者数")] == [R]
    assert [row[1] for row in _rows_with(sheets, "参加延べ人数")] == [R]
    assert [row[1] for row in _rows_with(sheets, "居場所数")] == [1]
    assert [row[1] for row in _rows_with(sheets, "進路決定率")] == [None]


def test_the_xlsx_of_the_own_staff_is_exact(city, person):
    sheets = _sheet_rows(act_as(Client(), make_staff(city, Role.STATISTICIAN)), city)
    assert [row[1] for row in _rows_with(sheets, "就労体験の件数")] == [1]
    assert [row[1] for row in _rows_with(sheets, "手当（事業者、円）")] == [13500]
    assert [row[1] for row in _rows_with(sheets, "参加延べ人数")] == [3]


def _api(membership, city):
    url = reverse("api_report") + f"?org={city.code}&from=2021-06-01&to=2021-06-30"
    response = Client().get(url, REMOTE_ADDR="192.0.2.8", **bearer(make_token(membership)))
    assert response.status_code == 200
    return response.json()


def test_the_api_gives_the_section_ranges_as_strings(network, city, person):
    report = _api(make_staff(network["own"], Role.STATISTICIAN), city)
    assert report["ranged"] == 10
    assert report["work_experience"]["days"] == {"min": R, "max": R}
    assert report["work_experience"]["allowances"] == {"利用者": "1〜9,999", "事業者": "10,000〜19,999"}
    assert report["employment"]["decided"] == R and report["employment"]["decision_rate"] is None
    assert report["employment"]["by_outcome"]["就職（正規）"] == R
    assert report["ibasho"]["attendances"] == R and report["ibasho"]["by_attendee"]["匿名"] == R


def test_the_api_of_the_own_staff_is_exact(city, person):
    report = _api(make_staff(city, Role.STATISTICIAN), city)
    assert "ranged" not in report
    assert report["work_experience"]["days"] == {"min": 3, "max": 3}
    assert report["employment"]["decided"] == 1 and report["employment"]["decision_rate"] == 100.0
    assert report["ibasho"]["attendances"] == 3


def test_the_pdf_has_the_section_ranges(network, city, person):
    from .test_exporters import pdf_text

    client = act_as(Client(), make_staff(network["own"], Role.STATISTICIAN))
    text = "".join(pdf_text(client.get(reverse("stats_export_pdf"), {"org": city.code, **JUNE}).content).split())
    assert "10,000〜19,999" in text and "1〜9,999" in text


def test_anonymous_attendees_are_no_persons_and_their_complement_is_ranged(network, city):
    """Ten cases attend a session once each and one anonymous attendee comes too: 参加延べ 11 of ten persons
    is exact, 匿名 1 describes no case and is 「1〜9」, so ケース (10, the only other non-zero attendee cell)
    is ranged with it: 「10〜19」. 開催回数 1 has the ten persons behind it: exact."""
    worker = actor_for(make_staff(city, Role.COORDINATOR))
    salon = ibasho.create_ibasho(
        actor=worker, organisation=city, name="まったりサロン", kind="physical", place="市民会館"
    )
    event = ibasho.create_event(actor=worker, ibasho=salon, date=date(2021, 6, 10), start_time=time(14, 0))
    for n in range(10):
        case = make_case(worker, number=f"A-{n:03d}", opened_on=date(2021, 6, 1))
        ibasho.record_attendance(actor=worker, event=event, case=case)
    ibasho.record_attendance(actor=worker, event=event, anonymous=True)
    place_ = shown_report(network["own"], city, PERIOD)["ibasho"]
    assert (place_["sessions"], place_["attendances"]) == (1, 11)
    assert place_["by_attendee"] == {"ケース": "10〜19", "ニックネーム": 0, "匿名": R}
    assert shown_report(city, city, PERIOD)["ibasho"]["by_attendee"] == {"ケース": 10, "ニックネーム": 0, "匿名": 1}
