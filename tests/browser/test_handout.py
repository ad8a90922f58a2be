"""A coordinator opens the anonymised handout of a case conference, sees the masked spans highlighted,
adds a phrase to mask, looks again and prints: the PDF (its text extracted with pdftotext) holds no
identifying value of the records."""

import os
import subprocess

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.factories import PASSWORD  # noqa: E402
from tests.meetings.test_handout import IDENTIFYING, _conference_with_a_case  # noqa: E402

pytestmark = pytest.mark.browser


def test_a_handout_prints_with_no_identifying_value(page: Page, live_server, network):
    member, conference, case = _conference_with_a_case(network)
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill(member.user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.goto(reverse("meeting_detail", args=[conference.pk]))
    page.get_by_role("link", name="匿名化した配布資料を作る").click()
    preview = page.get_by_test_id("handout-preview")
    expect(preview.locator("mark").first).to_be_visible()
    expect(preview.locator("mark", has_text="佐藤 翔太").first).to_be_visible()
    page.get_by_label("ほかに伏せる語句（1行に1つ）").fill("コンビニ")
    page.get_by_role("button", name="確認し直す").click()
    expect(page.get_by_test_id("handout-preview").locator("mark", has_text="コンビニ")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="確認してPDFを印刷").click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    text = subprocess.run(["pdftotext", pdf.path(), "-"], capture_output=True, check=True).stdout.decode()
    flat = text.replace("\n", "")
    assert "事例1" in flat and "〔伏せ字〕" in flat and "〔本人〕" in flat
    assert [value for value in IDENTIFYING + ["コンビニ"] if value in flat] == []
