"""様式1 through real pages: a prefecture officer opens the measure's sheet for 令和2年度 from the KPI page,
writes its texts, and downloads it as PDF and XLSX; the PDF's text carries the seed's budget row and
the council indicator row (from meeting records)."""

import io
import os
import shutil
import subprocess

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_kpi import default_levels, log_in  # noqa: E402, F401
from tests.factories import make_staff  # noqa: E402
from tests.kpi.test_sheet import BUDGET, seed_measure  # noqa: E402
from tsunagu.orgs.models import Role  # noqa: E402

pytestmark = pytest.mark.browser


def test_officer_writes_the_sheet_and_downloads_it(page: Page, live_server, network, tmp_path):
    seed_measure(network)
    make_staff(network["own"], Role.ADMIN, username="kanri")
    log_in(page, "kanri")
    page.goto(reverse("kpi_overview") + "?fy=2020")
    page.get_by_role("link", name="ひきこもり対策推進事業").click()
    expect(page.get_by_test_id("sheet-budget")).to_contain_text("16,973")
    page.get_by_label("活動概要").fill("連絡協議会を本島、離島合わせて4回開催した。")
    page.get_by_label("今後の取組方針・改善案（Action）").fill("市町村向けに担当者会議を開催する。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("検証票の記述を保存しました。")
    expect(page.get_by_label("活動概要")).to_have_value("連絡協議会を本島、離島合わせて4回開催した。")

    with page.expect_download() as pdf:
        page.get_by_test_id("sheet-pdf").click()
    pdf_path = tmp_path / "sheet.pdf"
    pdf.value.save_as(pdf_path)
    if shutil.which("pdftotext"):
        text = " ".join(
            subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True).stdout.split()
        )
        assert "9,263 8,997 16,973 8,887 10,895 10,500" in text
        assert "2 3 3 3 4 4 100.0% 順調" in text
        assert "連絡協議会を本島、離島合わせて4回開催した。" in text
    with page.expect_download() as xlsx:
        page.get_by_test_id("sheet-xlsx").click()
    xlsx_path = tmp_path / "sheet.xlsx"
    xlsx.value.save_as(xlsx_path)
    rows = [
        [c for c in row if c is not None]
        for row in load_workbook(io.BytesIO(xlsx_path.read_bytes())).active.iter_rows(values_only=True)
    ]
    assert ["金額", *BUDGET, "各省計上", "補助"] in rows
