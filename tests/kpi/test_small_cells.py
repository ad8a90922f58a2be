"""Issue 13 on the KPI pages: an actual computed from records that another organisation's staff see is
shown as the report shows it to them (stats/smallcells.py), a cell of fewer than k persons as a range,
with no ratio, judgement or bar made of it; on the overview, an indicator's page, the PDCA sheet 様式1 (page
and XLSX) and the progress report (page and XLSX). The organisation's own staff see the exact figures,
and figures that count no person (meetings) stay exact for everyone.

The world, worked out by hand: in the own prefecture's municipality, fiscal 2021, one person (born
1995-01-01) is new in June with three phone calls from the family, a home visit and a referral (本人) to a
精神保健福祉センター, decided (tests/stats/data.one_person); one 連絡協議会 is held. The municipality's KPIs: 新規相談件数 (target 2) and
連絡協議会開催回数 (target 1). For the municipality's staff: 新規 1 of 2, 50.0%; 協議会 1 of 1, 100.0%.
For the prefecture's 統計担当: 新規 「1〜9」 (one person, k = 10), no ratio; 協議会 1, 100.0%.
"""

import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.kpi import actions, progress, sheets
from tsunagu.kpi.models import Program
from tsunagu.meetings.models import MeetingKind
from tsunagu.orgs.models import Role

from ..cases.factories import actor_for
from ..conftest import act_as
from ..factories import SYSTEM, make_staff
from ..meetings.factories import make_meeting
from ..stats.data import one_person
from .factories import make_indicator, target

R = "1〜9"


@pytest.fixture
def city(network):
    city = network["own_city"]
    worker = actor_for(make_staff(city, Role.COORDINATOR))
    one_person(network, worker)
    make_meeting(worker, date=date(2021, 6, 10), kind=MeetingKind.COUNCIL, name="地域連絡協議会")
    return city


@pytest.fixture
def indicators(city):
    new = make_indicator(city, "新規相談件数", unit="件", source="new_cases")
    target(new, 2021, 2)
    councils = make_indicator(city, "連絡協議会開催回数", source="councils_held")
    target(councils, 2021, 1)
    return new, councils


@pytest.fixture
def measure(city, indicators):
    return actions.create_measure(
        actor=SYSTEM,
        organisation=city,
        name="ひきこもり対策推進事業",
        policy="",
        budget_name="",
        implementer="市",
        funding="",
        method="",
        indicators=list(indicators),
    )


def _client(org) -> Client:
    return act_as(Client(), make_staff(org, Role.STATISTICIAN))


def _row(html: str, name: str) -> list[str]:
    row = re.search(rf"{name}</a>.*?</tr>", html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][:4]


def _overview(client, city) -> str:
    response = client.get(reverse("kpi_org", kwargs={"code": city.code}), {"fy": 2021})
    assert response.status_code == 200
    return response.content.decode()


def test_the_prefecture_sees_the_municipalitys_small_actual_as_a_range(network, city, indicators):
    html = _overview(_client(network["own"]), city)
    assert _row(html, "新規相談件数") == ["2", R, "—", "—"]
    assert _row(html, "連絡協議会開催回数") == ["1", "1", "100.0%", "順調"]  # a count of meetings: exact
    assert re.search(r'data-testid="outcome-actual">\s*1〜9\s*<', html)
    assert html.count('<figure class="kpi-chart">') == 1  # the 新規 bars would show the count


def test_the_municipalitys_own_staff_see_the_exact_actual(city, indicators):
    html = _overview(_client(city), city)
    assert _row(html, "新規相談件数")[:3] == ["2", "1", "50.0%"]
    assert re.search(r'data-testid="outcome-actual">\s*1\s*<', html)
    assert html.count('<figure class="kpi-chart">') == 2


def test_the_indicator_page_of_the_prefecture_has_the_range(network, city, indicators):
    new, _councils = indicators
    html = _client(network["own"]).get(reverse("kpi_indicator", kwargs={"pk": new.pk}), {"fy": 2021}).content
    html = html.decode()
    assert R in html and "50.0%" not in html and '<figure class="kpi-chart">' not in html


def test_the_pdca_sheet_of_another_organisation_has_the_range(network, city, measure):
    sheet = sheets.build_sheet(measure, 2021, acting=network["own"])
    new, councils = sheet.indicators
    assert (new.actual, new.target, new.ratio, new.judgement) == (R, "2", "―", "―")
    assert new.past == ["0", "0", "0", "0"]
    assert (councils.actual, councils.ratio) == ("1", "100.0%")
    own = sheets.build_sheet(measure, 2021, acting=city).indicators[0]
    assert (own.actual, own.ratio) == ("1", "50.0%")
    client = _client(network["own"])
    page = client.get(reverse("kpi_measure_sheet", kwargs={"pk": measure.pk}), {"fy": 2021}).content.decode()
    assert R in page and "50.0%" not in page
    response = client.get(reverse("kpi_measure_sheet_download", kwargs={"pk": measure.pk, "fmt": "xlsx"}), {"fy": 2021})
    cells = {
        cell for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) for cell in row
    }
    assert R in cells and "50.0%" not in cells


def _consultation(document) -> dict:
    return {row[0]: row[1] for block in document.page(Program.CONSULTATION).blocks[:1] for row in block.rows}


def test_the_progress_report_of_another_organisation_has_the_ranges(network, city):
    document = progress.build_report(city, 2021, "fy", acting=network["own"])
    assert _consultation(document) == {"相談延べ件数": R, "実人数": R, "新規相談ケース数": R}
    connected = document.page(Program.CONSULTATION).blocks[4].rows
    assert connected == [["つながった件数", R], ["当事者", R], ["家族", 0]]
    own = progress.build_report(city, 2021, "fy", acting=city)
    assert _consultation(own) == {"相談延べ件数": 4, "実人数": 1, "新規相談ケース数": 1}
    client = _client(network["own"])
    page = client.get(reverse("kpi_progress", kwargs={"code": city.code}), {"fy": 2021, "part": "fy"})
    assert R in page.content.decode()
    response = client.get(
        reverse("kpi_progress_download", kwargs={"code": city.code, "fmt": "xlsx"}), {"fy": 2021, "part": "fy"}
    )
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert ["相談延べ件数", R] in [row[:2] for row in rows]
    assert ["相談延べ件数", 4] not in [row[:2] for row in rows]


def test_the_pdfs_of_another_organisation_have_the_ranges(network, city, measure):
    from ..stats.test_exporters import pdf_text

    client = _client(network["own"])
    sheet = client.get(reverse("kpi_measure_sheet_download", kwargs={"pk": measure.pk, "fmt": "pdf"}), {"fy": 2021})
    assert R in pdf_text(sheet.content) and "50.0%" not in pdf_text(sheet.content)
    report = client.get(
        reverse("kpi_progress_download", kwargs={"code": city.code, "fmt": "pdf"}), {"fy": 2021, "part": "fy"}
    )
    assert R in pdf_text(report.content)


def test_a_cohorts_indicator_is_the_cohorts_range(network, city):
    """Restricted to 20代 (the person is 26 in June 2021) the cell is still one person's: 「1〜9」; the
    municipality's staff see its 4 contacts."""
    from tsunagu.kpi.queries import kpi_page

    twenties = make_indicator(city, "20代の延べ相談件数", unit="件", source="contacts", cohort="20代")
    assert kpi_page(city, 2021, acting=network["own"], only=twenties).rows[0].current.actual == R
    assert kpi_page(city, 2021, acting=city, only=twenties).rows[0].current.actual == 4
