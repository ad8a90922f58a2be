"""The main path of case work through real pages (issue 3): a 相談員 opens a family-first case from a
mother's phone call, logs a home visit with a ピアサポーター, records consent and refers the person to a
partner that uses tsunagu; the partner sees the referral in its queue and accepts it, and sees nothing
else of the origin's cases; a third organisation finds none of it."""

import os
import re

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
# In CI a missing Playwright is a collection error, never a skip.
from playwright.sync_api import Page, expect  # noqa: E402

from tests.factories import PASSWORD, make_org, make_staff  # noqa: E402
from tsunagu.audit.models import AuditEntry  # noqa: E402
from tsunagu.cases.models import Case, Channel, Contact, Referral, ReferralStatus  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402

pytestmark = pytest.mark.browser


def log_in(page: Page, username: str):
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_test_id("acting-org")).to_be_visible()


def log_out(page: Page):
    page.locator("header").get_by_role("button", name="ログアウト").click()
    expect(page.locator("input[name=username]")).to_be_visible()


@pytest.fixture
def network():
    nation = make_org(OrgKind.NATIONAL, code="000000", name="国")
    prefecture = make_org(OrgKind.PREFECTURE, nation, name="つなぐ県")
    other_prefecture = make_org(OrgKind.PREFECTURE, nation, name="となり県")
    city = make_org(OrgKind.MUNICIPALITY, prefecture, name="みなと市")
    centre = make_org(OrgKind.CENTER, prefecture, name="つなぐ県ひきこもり地域支援センター")
    saposute = make_org(
        OrgKind.PARTNER, prefecture, name="つなぐ若者サポートステーション", category="地域若者サポートステーション"
    )
    third = make_org(OrgKind.CENTER, other_prefecture, name="となり県ひきこもり地域支援センター")
    make_staff(centre, Role.COORDINATOR, username="sato")
    make_staff(saposute, Role.COORDINATOR, username="tanaka")
    make_staff(third, Role.COORDINATOR, username="yamada")
    return {"city": city, "centre": centre, "saposute": saposute}


def test_family_first_case_to_an_accepted_referral(page: Page, live_server, network):
    # A mother calls about her son; the centre has never met him.
    log_in(page, "sato")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="ケース", exact=True).click()
    page.get_by_role("link", name="新しいケース").click()
    expect(page.get_by_label("初回相談者")).to_have_value("family")
    page.get_by_label("氏名", exact=True).fill("山田 太郎")
    page.get_by_label("ふりがな", exact=True).fill("やまだ たろう")
    page.get_by_label("年代").select_option(label="40代")
    page.get_by_label("性別").select_option(label="男性")
    page.get_by_label("市区町村").select_option(label="みなと市")
    page.get_by_label("外出状況").select_option(value="3")
    page.get_by_label("1人目の続柄").select_option("母")
    page.get_by_label("1人目の年齢").fill("76")
    page.get_by_label("1人目の備考").click()  # leaving the age field is what asks htmx about 8050
    expect(page.get_by_test_id("suggest-8050")).to_contain_text("8050世帯かもしれません")
    page.get_by_label("8050世帯").select_option(label="はい")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_test_id("case-title")).to_contain_text("山田 太郎")
    case = Case.objects.get(organisation=network["centre"])
    expect(page).to_have_url(live_server.url + reverse("case_detail", kwargs={"pk": case.pk}))
    expect(page.get_by_test_id("fact-outing")).to_contain_text("狭義")

    # The phone call itself: one short form, 電話 already chosen, answered by htmx in place.
    quick = page.locator("#quick-contact")
    expect(quick.get_by_label("方法")).to_have_value("phone")
    quick.get_by_label("所要時間（分）").fill("30")
    quick.get_by_label("内容").fill("母親から電話。息子が10年ほど自室にこもっている。")
    quick.get_by_role("button", name="記録する").click()
    expect(page.get_by_test_id("quick-saved")).to_contain_text("電話を記録しました")
    expect(page.locator("#timeline")).to_contain_text("息子が10年ほど自室にこもっている")
    assert Contact.objects.get(case=case).channel == Channel.PHONE

    # A home visit with a ピアサポーター.
    page.get_by_role("link", name="訪問・同行を記録").first.click()
    expect(page.get_by_label("方法")).to_have_value("home_visit")
    page.get_by_label("相談者 必須").select_option(label="本人")
    page.get_by_label("ピアサポーターが同行した").check()
    page.get_by_label("訪問した人の名前").fill("佐藤（相談員）、鈴木（ピアサポーター）")
    page.get_by_label("内容").fill("玄関先で本人と少し話せた。")
    page.get_by_role("button", name="保存").click()
    first_entry = page.get_by_test_id("timeline-entry").first
    expect(first_entry).to_contain_text("訪問")
    expect(first_entry).to_contain_text("ピアサポーター同行")

    # The person agrees that the サポステ may know who he is.
    page.get_by_role("link", name="同意を記録").click()
    page.get_by_label("同意した人").select_option(label="本人")
    page.get_by_label("目的").fill("就労支援のため地域若者サポートステーションにつなぐ")
    page.get_by_label("つなぐ若者サポートステーション").check()
    page.get_by_role("button", name="同意を記録する").click()
    expect(page.get_by_test_id("consent")).to_contain_text("有効")

    # The referral (つなぎ) to the partner that uses tsunagu, sharing his details under the consent.
    page.get_by_role("link", name="つなぐ（紹介）").click()
    page.get_by_label("対象").select_option(label="本人")
    page.get_by_label("つなぎ先の名前").fill("サポート")
    page.get_by_label("つなぐ若者サポートステーション（地域若者サポートステーション）").check()
    page.get_by_label("個人情報（氏名・生年月日など）を共有する").check()
    page.get_by_role("button", name="つなぎを記録する").click()
    expect(page.get_by_test_id("referral")).to_contain_text("依頼")
    referral = Referral.objects.get(case=case)
    assert referral.consent is not None
    origin_url = reverse("case_detail", kwargs={"pk": case.pk})
    log_out(page)

    # The partner sees it in its queue, with what the consent allows, and accepts it.
    log_in(page, "tanaka")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="紹介受付").click()
    incoming = page.get_by_test_id("incoming-referral")
    expect(incoming).to_contain_text("つなぐ県ひきこもり地域支援センターから")
    expect(incoming).to_contain_text("山田 太郎")
    expect(incoming).to_contain_text("40代")
    page.get_by_role("button", name="受け付けてケースを作る").click()
    expect(page.get_by_test_id("fact-origin")).to_contain_text("つなぐ県ひきこもり地域支援センターからのつなぎ")
    expect(page.get_by_test_id("case-title")).to_contain_text("山田 太郎")
    own_case = Case.objects.get(organisation=network["saposute"])
    assert own_case.origin_referral == referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    # Nothing else of the origin's cases: its case page is "not found", its list shows only its own case.
    response = page.goto(origin_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="見つかりません")).to_be_visible()
    page.goto(reverse("case_list"))
    expect(page.get_by_test_id("case-row")).to_have_count(1)
    expect(page.get_by_test_id("case-row")).to_contain_text(own_case.number)
    log_out(page)

    # A third organisation gets "not found" for all of it.
    log_in(page, "yamada")
    for url in (
        origin_url,
        reverse("case_detail", kwargs={"pk": own_case.pk}),
        reverse("contact_add", kwargs={"pk": case.pk}),
        reverse("referral_accept", kwargs={"pk": referral.pk}),
        reverse("referral_decline", kwargs={"pk": referral.pk}),
    ):
        assert page.goto(url).status == 404, url
    page.goto(reverse("referral_incoming"))
    expect(page.get_by_test_id("incoming-referral")).to_have_count(0)
    page.goto(reverse("case_list"))
    expect(page.get_by_test_id("case-row")).to_have_count(0)
    denied = AuditEntry.objects.filter(username="yamada", action="access.denied", allowed=False).count()
    assert denied == 5
    assert re.search(r"^\d{4}-0001$", own_case.number)


def test_the_referral_names_its_partner_in_one_field_that_searches_the_list(page: Page, live_server, network):
    from tests.cases.factories import actor_for, make_case
    from tsunagu.orgs.models import Membership

    make_org(OrgKind.PARTNER, network["city"], name="みなと病院", category="医療機関")
    worker = actor_for(Membership.objects.get(user__username="sato"))
    case = make_case(worker, number="2026-0001", name="山田太郎")
    log_in(page, "sato")
    page.goto(reverse("referral_add", kwargs={"pk": case.pk}))
    box = page.get_by_label("つなぎ先の名前")
    outside = page.get_by_label("一覧にない（入力した名前で記録する）")
    hospital = page.get_by_label("みなと病院（医療機関）")
    saposute = page.get_by_label("つなぐ若者サポートステーション（地域若者サポートステーション）")
    expect(outside).to_be_checked()

    # Typing narrows the list to the partners whose label holds it; choosing one writes its name in the box.
    box.fill("病院")
    expect(saposute).to_be_hidden()
    expect(page.locator("#partner-list").get_by_role("group", name="地域若者サポートステーション")).to_be_hidden()
    hospital.check()
    expect(box).to_have_value("みなと病院")

    # A name that is not in the list lets the chosen partner go: the typed name is what is recorded.
    box.fill("家族会の居場所")
    expect(hospital).to_be_hidden()
    expect(outside).to_be_checked()
    page.get_by_label("対象").select_option(label="家族")
    page.get_by_label("つなぎ先区分").select_option(label="居場所")
    page.get_by_role("button", name="つなぎを記録する").click()
    expect(page.get_by_test_id("referral")).to_contain_text("家族会の居場所")
    referral = Referral.objects.get(case=case)
    assert (referral.partner, referral.partner_name, referral.to_ibasho) == (None, "家族会の居場所", True)
