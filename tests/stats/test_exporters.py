"""The downloads: the XLSX workbook cell by cell, and the PDF's text as pdftotext extracts it."""

import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.orgs import actions as org_actions
from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import SYSTEM, make_staff
from . import data

FY2021 = {"period": "fy", "fy": "2021"}
SHEETS = [
    "相談件数",
    "相談方法別の件数",
    "相談者別の件数",
    "本人の年代別の件数",
    "相談方法×相談者",
    "訪問支援・同行支援",
    "つなぎ先区分別の件数",
    "つなぎの対象",
    "居場所等の支援につながった件数",
    # the meetings section (stats/sections/meetings.py)
    "会議の種別ごとの回数",
    "開催した会議",
    "会議の計画と実績",
    # the further sections (stats/sections MODULES)
    "研修・啓発",
    "広報",
    "ひきこもりサポーター",
    "サポーターの活動（種別）",
    "居場所",
    "居場所の形態別",
    "居場所の参加者（延べ）",
    "相談窓口の明確化",
    # The report's further sections (stats/sections MODULES), in order.
    "就労体験・就労訓練",
    "就労体験をした人の年代",
    "種別ごとの人数",
    "期間中に終了した就労体験の結果",
    # the report sections' tables (stats.sections): employment
    "就労支援",
    "単年度進路決定率",
    "進路別の進路決定者数",
    "新規登録者の年代",
]


pytestmark = pytest.mark.usefixtures("exact_small_cells")  # see tests/conftest.py


@pytest.fixture
def statistician(client, network):
    data.build(network)
    return act_as(client, make_staff(network["own"], Role.STATISTICIAN))


def download(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_has_one_sheet_per_table_with_titles_headers_and_numbers(statistician, network):
    response = download(statistician, "stats_export_xlsx", org=network["own"].code, **FY2021)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == SHEETS
    own = network["own"]
    title = f"{own.name}（{own.code}）統計 2021年度（令和3年度）"
    period = "期間: 2021年4月1日〜2022年3月31日（令和3年4月1日〜令和4年3月31日）"
    assert rows(book["相談件数"]) == [
        [title, None],
        [period, None],
        ["相談件数", None],
        ["項目", "件数"],
        ["延べ相談件数", 5],
        ["実人数", 3],
        ["新規相談件数", 2],
        [None, None],
        ["実人数は期間中に相談のあったケースの数、新規相談件数は初めての相談が期間中にあったケースの数です。", None],
    ]
    channel = book["相談方法別の件数"]
    assert rows(channel)[3:] == [
        ["方法", "件数", "割合（%）"],
        ["電話", 2, 40.0],
        ["メール", 0, 0.0],
        ["来所", 1, 20.0],
        ["訪問", 1, 20.0],
        ["同行", 1, 20.0],
        ["Web", 0, 0.0],
        ["SNS", 0, 0.0],
        ["オンライン", 0, 0.0],
        ["計", 5, 100.0],
    ]
    assert isinstance(channel["B5"].value, int)
    assert (channel["B5"].number_format, channel["C5"].number_format) == ("#,##0", "0.0")
    assert channel["A1"].font.bold and channel["A4"].font.bold and channel["A13"].font.bold
    bands = rows(book["本人の年代別の件数"])
    assert bands[4:12] == [
        ["10代以下", 0, 0.0],
        ["20代", 2, 40.0],
        ["30代", 1, 20.0],
        ["40代", 1, 20.0],
        ["50代", 0, 0.0],
        ["60代以上", 0, 0.0],
        ["不明", 1, 20.0],
        ["計", 5, 100.0],
    ]
    assert bands[13][0].startswith("年代は、相談の対象となっている本人の相談日時点の年齢で数えています。")
    cross = rows(book["相談方法×相談者"])
    assert cross[3] == ["方法", "本人", "家族", "関係機関", "その他", "計"]
    assert cross[4] == ["電話", 0, 2, 0, 0, 2]
    assert cross[-1] == ["計", 2, 2, 1, 0, 5]
    referrals = {row[0]: row[1:] for row in rows(book["つなぎ先区分別の件数"])[3:]}
    assert referrals["つなぎ先区分"] == ["件数", "割合（%）", "うち支援決定"]
    assert referrals["精神保健福祉センター"] == [1, 33.3, 1]
    assert referrals["居場所"] == [1, 33.3, 1]
    assert referrals["計"] == [3, 100.0, 2]
    assert rows(book["居場所等の支援につながった件数"])[3:7] == [["対象", "件数"], ["本人", 1], ["家族", 1], ["計", 2]]


def test_xlsx_of_a_half_year_and_of_typed_dates(statistician, network):
    half = load_workbook(
        io.BytesIO(
            download(
                statistician, "stats_export_xlsx", org=network["own_center"].code, period="half", fy="2021", half="2"
            ).content
        )
    )
    sheet = half["相談件数"]
    assert sheet["A1"].value.endswith("統計 2021年度（令和3年度） 下半期（10月〜3月）")
    assert sheet["A2"].value == "期間: 2021年10月1日〜2022年3月31日（令和3年10月1日〜令和4年3月31日）"
    assert [sheet["B5"].value, sheet["B6"].value, sheet["B7"].value] == [2, 2, 1]
    dates = load_workbook(
        io.BytesIO(
            download(
                statistician,
                "stats_export_xlsx",
                org=network["own"].code,
                period="range",
                start="H31.4.30",
                end="R1.5.29",  # a month at least: the prefecture's figures count its bodies' records
            ).content
        )
    )
    assert dates["相談件数"]["A2"].value == "期間: 2019年4月30日〜2019年5月29日（平成31年4月30日〜令和元年5月29日）"


def test_xlsx_keeps_a_name_that_looks_like_a_formula_as_text(statistician, network):
    org_actions.update_organisation(actor=SYSTEM, org=network["own"], name='=HYPERLINK("http://x","y")')
    book = load_workbook(io.BytesIO(download(statistician, "stats_export_xlsx", **FY2021).content))
    cell = book["相談件数"]["A1"]
    assert cell.data_type == "s"
    assert cell.value.startswith('=HYPERLINK("http://x","y")（')


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_pdf_is_a4_with_japanese_text_tables_and_charts(statistician, network):
    response = download(statistician, "stats_export_pdf", org=network["own"].code, **FY2021)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    own = network["own"]
    assert f"{own.name}（{own.code}）統計 2021年度（令和3年度）" in text
    assert "期間: 2021年4月1日〜2022年3月31日（令和3年4月1日〜令和4年3月31日）" in text
    for label in SHEETS + [
        "延べ相談件数",
        "精神保健福祉センター",
        "民間支援団体（当事者団体・NPO法人等）",
        "オンライン",
    ]:
        assert label in text, label
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "延べ相談件数 5" in lines
    assert "電話 2 40.0" in lines
    assert "精神保健福祉センター 1 33.3 1" in lines
    info = subprocess.run(["pdfinfo", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert "(A4)" in info
    fonts = subprocess.run(["pdffonts", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert "IPAexGothic" in fonts and "Noto" not in fonts


def test_no_personal_data_in_the_files(statistician, network):
    text = pdf_text(download(statistician, "stats_export_pdf", org=network["own"].code, **FY2021).content)
    book = load_workbook(
        io.BytesIO(download(statistician, "stats_export_xlsx", org=network["own"].code, **FY2021).content)
    )
    cells = " ".join(str(value) for sheet in book.worksheets for row in rows(sheet) for value in row)
    for content in (text, cells):
        assert data.PERSONAL_NAME not in content
        for number in ("A-001", "B-002", "C-003", "X-999"):
            assert number not in content


def test_downloads_stay_in_japanese_for_an_english_reader(statistician, network, settings):
    statistician.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = statistician.get(reverse("stats_report"), {"org": network["own"].code, **FY2021}).content.decode()
    assert f"{network['own'].name} FY2021 (Reiwa 3)" in page
    book = load_workbook(
        io.BytesIO(download(statistician, "stats_export_xlsx", org=network["own"].code, **FY2021).content)
    )
    assert book.sheetnames == SHEETS
    assert book["相談件数"]["A1"].value.endswith("統計 2021年度（令和3年度）")
