"""Returns in the browser: a municipality submits, the prefecture sends it back with a reason, the
municipality resubmits, the prefecture approves; an exception opened on the page lets one person change a
contact of the locked year, and the difference against the frozen copy shows."""

import os
from datetime import date

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import pass_second_step  # noqa: E402
from tests.cases.factories import actor_for, make_case  # noqa: E402
from tests.factories import PASSWORD, make_staff, totp_device  # noqa: E402
from tests.ledger.builders import contact_row, ledger, xlsx_bytes  # noqa: E402
from tsunagu.cases import actions as case_actions  # noqa: E402
from tsunagu.cases.models import Channel, Consulter  # noqa: E402
from tsunagu.core import wareki  # noqa: E402
from tsunagu.orgs.models import Role  # noqa: E402
from tsunagu.returns.models import Return  # noqa: E402

pytestmark = pytest.mark.browser
PERIOD = "?fiscal_year=2021&part=fy"


def _log_in(page: Page, org):
    """A 管理者 of `org` with a second factor enrolled, a new one each time (a TOTP code is accepted once)."""
    member = make_staff(org, Role.ADMIN)
    totp_device(member.user)
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill(member.user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    pass_second_step(page, member.user)


def _log_in_worker(page: Page, member):
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill(member.user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_test_id("acting-org")).to_be_visible()


def _record_contact(page: Page, case, day: str, notes: str):
    """The contact page's form: a phone call of the family on `day`."""
    page.goto(reverse("contact_add", kwargs={"pk": case.pk}))
    page.locator("#id_date").fill(day)
    page.get_by_label("方法").select_option(label="電話")
    page.get_by_label("相談者 必須").select_option(label="家族")
    page.get_by_label("内容").fill(notes)
    page.get_by_role("button", name="保存").click()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LOCKED = "令和3年4月1日〜令和4年3月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"


def test_send_back_resubmit_approve_exception_and_difference(page: Page, network, settings):
    # The import runs in the upload's request: in a thread of its own it shares SQLite's in-memory test
    # database (shared cache, whose table locks fail at once instead of waiting) with the live server's
    # requests, and under load the job's last UPDATE met "database table is locked" (1 fresh-clone run in
    # 5). A deployment's SQLite is a file in WAL mode, where a writer waits (settings.py).
    settings.LEDGER_JOBS_INLINE = True
    city, pref = network["own_city"], network["own"]
    member = make_staff(city, Role.COORDINATOR, username="city-worker")
    worker = actor_for(member)
    case = make_case(worker, opened_on=date(2021, 4, 5))
    case_actions.log_contact(
        actor=worker, case=case, date=date(2021, 6, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )

    _log_in(page, city)
    page.goto(reverse("returns") + PERIOD)
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_test_id("own-status")).to_contain_text("提出")

    _log_in(page, pref)
    ret = Return.objects.get(organisation=city)
    page.goto(reverse("return_detail", args=[ret.pk]))
    page.get_by_label("差戻しの理由").fill("6月の件数を確認してください。")
    page.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_test_id("status")).to_contain_text("差戻し")

    _log_in(page, city)
    page.goto(reverse("returns") + PERIOD)
    expect(page.get_by_test_id("own-status")).to_contain_text("6月の件数を確認してください。")
    page.get_by_role("button", name="再提出する").click()

    _log_in(page, pref)
    page.goto(reverse("returns") + PERIOD)
    page.get_by_label(city.name).check()
    page.get_by_role("button", name="選んだ報告を承認する").click()
    expect(page.get_by_test_id("returns-below")).to_contain_text("承認")

    # Approved, the year is locked: the contact form answers with the reason and keeps what was typed.
    _log_in_worker(page, member)
    _record_contact(page, case, "R3.7.1", "7月1日の電話（記録漏れ）")
    expect(page.locator("body")).to_contain_text(LOCKED)
    expect(page.get_by_label("内容")).to_have_value("7月1日の電話（記録漏れ）")
    # The ledger import refuses the same contact, names the sheet, row and column, and changes nothing.
    workbook = xlsx_bytes(ledger(contacts=[contact_row(number=case.number, day="2021-07-02", notes="台帳から")]))
    page.goto(reverse("ledger_import"))
    page.get_by_label("台帳のファイル").set_input_files(
        files=[{"name": "daicho.xlsx", "mimeType": XLSX, "buffer": workbook}]
    )
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator("main")).to_contain_text(f"「相談記録」シート 2行目「日付」: {LOCKED}")
    assert case.contacts.count() == 1

    _log_in(page, pref)
    page.goto(reverse("return_detail", args=[ret.pk]))
    page.get_by_label("変更できる人").select_option(label=member.user.username)
    page.get_by_label("期限").fill(wareki.format_date(date.today()))
    page.get_by_label("理由").fill("記録漏れの追加")
    page.get_by_role("button", name="例外を開く").click()
    expect(page.locator("body")).to_contain_text("記録漏れの追加")

    _log_in_worker(page, member)
    _record_contact(page, case, "R3.7.1", "7月1日の電話（記録漏れ）")
    expect(page.get_by_test_id("timeline-entry").first).to_contain_text("7月1日の電話（記録漏れ）")

    _log_in(page, pref)
    page.goto(reverse("return_detail", args=[ret.pk]))
    expect(page.get_by_test_id("modifications")).to_have_text("承認後に1件の記録が変更されました。")
    expect(page.get_by_test_id("differences")).to_contain_text("contacts / total")
