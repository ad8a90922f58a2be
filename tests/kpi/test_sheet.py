"""The PDCA sheet 様式1 rebuilt from the seed (Okinawa, 令和2年度): the budget row and the council
indicator, whose figures come from meeting records, in the page's data, the XLSX and the PDF."""

import io
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from tsunagu.core.versions import StaleEdit
from tsunagu.kpi import actions, sheets
from tsunagu.meetings.models import MeetingKind
from tsunagu.orgs.models import Role

from ..cases.factories import actor_for
from ..factories import SYSTEM, make_staff
from ..meetings.factories import make_meeting
from .factories import make_indicator, target

BUDGET = [9263, 8997, 16973, 8887, 10895, 10500]  # H28 … R3 in 千円
COUNCILS = {2016: 2, 2017: 3, 2018: 3, 2019: 3, 2020: 4}


def seed_measure(network):
    """The seed's measure at the own prefecture, its councils held at the own centre H28 … R2."""
    worker = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    for fy, held in COUNCILS.items():
        for i in range(held):
            make_meeting(worker, date=date(fy, 6 + i, 10), kind=MeetingKind.COUNCIL, name=f"地域連絡協議会{i + 1}")
    prefecture = network["own"]
    councils = make_indicator(prefecture, "ひきこもり支援地域連絡協議会開催回数", source="councils_held")
    target(councils, 2020, 4)
    measure = actions.create_measure(
        actor=SYSTEM,
        organisation=prefecture,
        name="ひきこもり対策推進事業",
        policy="2-(2)-ウ 子ども・若者の育成支援",
        budget_name="ひきこもり対策推進事業費",
        implementer="県",
        funding="各省計上",
        method="補助",
        indicators=[councils],
    )
    for fy, amount in zip(range(2016, 2022), BUDGET, strict=True):
        actions.set_budget(actor=SYSTEM, measure=measure, fiscal_year=fy, amount=amount)
    return measure


@pytest.fixture
def measure(network):
    return seed_measure(network)


def test_the_seed_sheet(measure):
    sheet = sheets.build_sheet(measure, 2020)
    assert sheet.budget == ["9,263", "8,997", "16,973", "8,887", "10,895", "10,500"]
    assert sheet.budget_headers == [
        ("H28年度", "決算額"),
        ("H29年度", "決算額"),
        ("H30年度", "決算額"),
        ("R元年度", "決算額"),
        ("R2年度", "決算見込額"),
        ("R3年度", "当初予算額"),
    ]
    assert sheet.indicator_years == ["H28年度", "H29年度", "H30年度", "R元年度"]
    (line,) = sheet.indicators
    assert (line.past, line.actual, line.target, line.ratio, line.judgement) == (
        ["2", "3", "3", "3"],
        "4",
        "4",
        "100.0%",
        "順調",
    )
    # Nothing written yet: ― for every text and for last year's improvement plan.
    assert sheet.text("activity") == "―"
    assert sheet.previous_action == ""


def test_last_years_action_comes_forward_and_texts_are_versioned(measure):
    actions.save_sheet_texts(
        actor=SYSTEM, measure=measure, fiscal_year=2019, action="市町村向けに担当者会議を開催する。"
    )
    saved = actions.save_sheet_texts(
        actor=SYSTEM, measure=measure, fiscal_year=2020, version=0, activity="連絡協議会を4回開催した。"
    )
    assert saved.version == 2  # created at 1, saved to 2 in the same call
    sheet = sheets.build_sheet(measure, 2020)
    assert sheet.previous_action == "市町村向けに担当者会議を開催する。"
    assert (sheet.text("activity"), sheet.version) == ("連絡協議会を4回開催した。", 2)
    actions.save_sheet_texts(actor=SYSTEM, measure=measure, fiscal_year=2020, version=2, basis="4回中4回。")
    with pytest.raises(StaleEdit):
        actions.save_sheet_texts(actor=SYSTEM, measure=measure, fiscal_year=2020, version=2, basis="古い版から")
    assert sheets.build_sheet(measure, 2020).texts["basis"] == "4回中4回。"


def test_xlsx_carries_the_rows(measure):
    book = load_workbook(io.BytesIO(sheets.xlsx(sheets.build_sheet(measure, 2020))))
    rows = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    budget = next(row for row in book.active.iter_rows() if row[0].value == "金額")
    assert budget[1].number_format == "#,##0"
    assert ["金額", *BUDGET, "各省計上", "補助"] in rows
    assert ["実績値", "2", "3", "3", "3", "4", "4", "100.0%", "順調"] in rows
    assert ["H28年度", "H29年度", "H30年度", "R元年度", "R2年度", "R3年度", "主な財源", "実施方法"] in rows


def test_pdf_text_carries_the_budget_and_indicator_rows(measure, tmp_path):
    path = tmp_path / "sheet.pdf"
    path.write_bytes(sheets.pdf(sheets.build_sheet(measure, 2020)))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert " ".join("9,263 8,997 16,973 8,887 10,895 10,500".split()) in " ".join(text.split())
    assert "2 3 3 3 4 4 100.0% 順調" in " ".join(text.split())
