"""Printing the 相談受付・申込票 from the case page, on a phone (390 px) and at a desk (1366 px): the PDF
the browser downloads carries the case's fields (read back with pdftotext), and the print is audited."""

import os
import subprocess
from datetime import date

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import expect  # noqa: E402

from tests.browser.conftest import TIMEOUT_MS  # noqa: E402
from tests.cases.factories import actor_for, make_case  # noqa: E402
from tests.factories import PASSWORD, make_org, make_staff  # noqa: E402
from tsunagu.audit.models import AuditEntry  # noqa: E402
from tsunagu.cases import actions  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(params=[390, 1366], ids=["phone", "desk"])
def screen(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        bypass_csp=True,
        accept_downloads=True,
        viewport={"width": request.param, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_coordinator_prints_the_intake_form(screen, live_server):
    page = screen
    nation = make_org(OrgKind.NATIONAL, code="000000", name="国")
    prefecture = make_org(OrgKind.PREFECTURE, nation, name="つなぐ県")
    centre = make_org(OrgKind.CENTER, prefecture, name="つなぐ県ひきこもり地域支援センター")
    sato = make_staff(centre, Role.COORDINATOR, username="sato")
    worker = actor_for(sato)
    case = make_case(
        worker,
        number="2026-0022",
        name="山田太郎",
        furigana="やまだたろう",
        opened_on=date(2026, 4, 3),
        birth_date=date(1995, 7, 20),
        phone="090-1234-5678",
        address="つなぐ市中央1-1",
        household=[{"relationship": "母", "age": 58, "name": "山田花子", "phone": "080-9999-0000"}],
    )
    actions.log_contact(
        actor=worker,
        case=case,
        date=date(2026, 4, 3),
        channel="phone",
        consulter="family",
        consulter_relation="母",
        notes="息子が外に出られない",
    )

    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_test_id("acting-org")).to_be_visible()
    page.goto(reverse("case_detail", kwargs={"pk": case.pk}))
    forms = page.get_by_test_id("print-forms")
    with page.expect_download() as download:
        forms.get_by_role("link", name="相談受付・申込票", exact=True).click()
    pdf = download.value
    assert pdf.suggested_filename == "相談受付・申込票_2026-0022.pdf"
    text = subprocess.run(["pdftotext", pdf.path(), "-"], capture_output=True, check=True).stdout.decode()
    for expected in [
        "相談受付・申込票",
        "ID：2026-0022",
        "令和8年4月3日",
        "やまだたろう",
        "山田太郎",
        "平成7年7月20日",
        "つなぐ市中央1-1",
        "090-1234-5678",
        "山田花子",
        "080-9999-0000",
        "家族（本人との続柄：母）",
        "息子が外に出られない",
        "つなぐ県ひきこもり地域支援センター 殿",
    ]:
        assert expected in text, expected
    assert AuditEntry.objects.filter(action="case.print", username="sato", object_label="2026-0022 intake").count() == 1
