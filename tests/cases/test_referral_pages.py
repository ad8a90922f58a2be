"""Consent, referrals (つなぎ), the partner's incoming queue and the partner directory, through the pages."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.models import AgeBand, Case, Consent, Consulter, Referral, ReferralStatus, ReferralTarget
from tsunagu.orgs.models import Organisation, OrgKind, PartnerCategory, Role

from ..conftest import act_as
from ..factories import make_org, make_staff
from .factories import actor_for, make_case


@pytest.fixture
def place(network):
    """A centre with a coordinator and an administrator, a case, and partners of the same prefecture."""
    pref = network["own"]
    centre = network["own_center"]
    coordinator = make_staff(centre, Role.COORDINATOR, username="sato")
    worker = actor_for(coordinator)
    saposute = make_org(
        OrgKind.PARTNER, pref, name="みなと地域若者サポートステーション", category="地域若者サポートステーション"
    )
    Organisation.objects.filter(pk=saposute.pk).update(phone="011-222-3333")
    hospital = make_org(OrgKind.PARTNER, network["own_city"], name="みなと病院", category="医療機関")
    Organisation.objects.filter(pk=hospital.pk).update(accepting_cases=False)
    case = make_case(
        worker,
        number="2026-0001",
        name="山田太郎",
        furigana="やまだたろう",
        birth_date=date(1984, 6, 1),
        municipality=network["own_city"],
    )
    return {
        "pref": pref,
        "centre": centre,
        "coordinator": coordinator,
        "worker": worker,
        "saposute": saposute,
        "hospital": hospital,
        "case": case,
        "far_partner": make_org(OrgKind.PARTNER, network["other"], name="遠くの病院", category="医療機関"),
    }


def case_url(name, case, **kwargs):
    return reverse(name, kwargs={"pk": case.pk, **kwargs})


# --- consent -----------------------------------------------------------------------------------------


def test_consent_offers_the_organisations_of_the_region(client, place, network):
    act_as(client, place["coordinator"])
    form = client.get(case_url("consent_add", place["case"])).context["form"]
    offered = {org.name for org in form.fields["share_with"].queryset}
    assert offered == {"みなと地域若者サポートステーション", "みなと病院", network["own_city"].name}
    assert len(form.fields["share_with_categories"].queryset) == 21


def test_recording_and_withdrawing_consent(client, place):
    act_as(client, place["coordinator"])
    case, saposute = place["case"], place["saposute"]
    category = PartnerCategory.objects.get(name="ハローワーク")
    response = client.post(
        case_url("consent_add", case),
        {
            "given_by": ReferralTarget.FAMILY,
            "purpose": "就労支援のため",
            "given_on": "R8.4.3",
            "share_with": [saposute.pk],
            "share_with_categories": [category.pk],
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.given_by, consent.purpose, consent.given_on, consent.recorded_by) == (
        ReferralTarget.FAMILY,
        "就労支援のため",
        date(2026, 4, 3),
        place["coordinator"].user,
    )
    assert list(consent.share_with.all()) == [saposute] and list(consent.share_with_categories.all()) == [category]
    entry = AuditEntry.objects.get(action="consent.record")
    assert entry.changes["share_with"] == [None, [saposute.code]]

    url = case_url("consent_withdraw", case, consent_pk=consent.pk)
    early = client.post(url, {"on": "2026-04-01"})
    assert "撤回日が同意日より前になっています。" in early.content.decode()
    assert client.post(url, {"on": "2026-05-01"}).status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawn_by) == (date(2026, 5, 1), place["coordinator"].user)


def test_consent_needs_somebody_to_share_with(client, place):
    act_as(client, place["coordinator"])
    response = client.post(
        case_url("consent_add", place["case"]),
        {"given_by": ReferralTarget.PERSON, "purpose": "就労支援", "given_on": "2026-04-03"},
    )
    assert response.context["form"].errors["share_with"] == ["共有先の組織か区分を一つ以上選んでください。"]
    assert Consent.objects.count() == 0


# --- referrals ---------------------------------------------------------------------------------------


def test_the_partner_choice_is_the_directory_of_the_region(client, place):
    act_as(client, place["coordinator"])
    field = client.get(case_url("referral_add", place["case"])).context["form"].fields["partner"]
    labels = [label for value, label in field.choices if value]
    assert labels == [
        "みなと病院（医療機関） ・新規受け入れ停止中",
        "みなと地域若者サポートステーション（地域若者サポートステーション）",
    ]


def test_the_partner_is_named_in_one_field_over_the_directory_grouped_by_kind(client, place):
    act_as(client, place["coordinator"])
    page = client.get(case_url("referral_add", place["case"])).content.decode()
    field = re.search(
        r'<fieldset class="field group" id="id_partner" tabindex="-1" data-testid="partner-field">(.*?)</fieldset>\s*<div',
        page,
        re.S,
    )
    body = field.group(1)
    assert "<legend>つなぎ先</legend>" in body
    assert (
        '<input type="search" name="partner_name" id="id_partner_name" value="" autocomplete="off"'
        ' data-filter="partner-list" aria-describedby="id_partner_name_helptext">'
    ) in body
    assert '<label for="id_partner_0">一覧にない（入力した名前で記録する）</label>' in body
    groups = re.findall(r'<fieldset class="kind-group"><legend>(.*?)</legend>(.*?)</fieldset>', page, re.S)
    names = {kind: re.findall(r'<label for="id_partner_\d+">(.*?)</label>', part) for kind, part in groups}
    assert names == {
        "医療機関": ["みなと病院（医療機関） ・新規受け入れ停止中"],
        "地域若者サポートステーション": ["みなと地域若者サポートステーション（地域若者サポートステーション）"],
    }
    hospital = place["hospital"].pk
    assert f'<input type="radio" name="partner" value="{hospital}" id="id_partner_1" data-name="みなと病院">' in body
    assert page.count('name="partner"') == 3 and '<select name="partner"' not in page  # one field, not two
    assert "tsunagu/filter.js" in page


def test_the_english_form_translates_the_categories(client, place):
    act_as(client, place["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client.get(case_url("referral_add", place["case"])).context["form"]
    other = PartnerCategory.objects.get(code="other")
    assert form.fields["destination"].choices[-1] == (str(other.pk), "Other")


def test_a_typed_name_of_a_listed_partner_is_that_partner(client, place):
    act_as(client, place["coordinator"])
    response = client.post(
        case_url("referral_add", place["case"]),
        {"date": "2026-04-10", "target": ReferralTarget.PERSON, "partner": "", "partner_name": " みなと病院 "},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.partner, referral.partner_name, referral.category.name) == (
        place["hospital"],
        "みなと病院",
        "医療機関",
    )


def test_a_partner_chosen_from_the_list_is_named_by_the_list_not_by_the_search(client, place):
    act_as(client, place["coordinator"])
    response = client.post(
        case_url("referral_add", place["case"]),
        {
            "date": "2026-04-10",
            "target": ReferralTarget.PERSON,
            "partner": place["saposute"].pk,
            "partner_name": "サポ",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.partner, referral.partner_name) == (place["saposute"], "みなと地域若者サポートステーション")


def test_a_partner_of_another_region_cannot_be_typed_into_the_list(client, place):
    act_as(client, place["coordinator"])
    medical = PartnerCategory.objects.get(name="医療機関")
    response = client.post(
        case_url("referral_add", place["case"]),
        {
            "date": "2026-04-10",
            "target": ReferralTarget.PERSON,
            "partner_name": "遠くの病院",
            "destination": medical.pk,
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.partner, referral.partner_name, referral.category.name) == (None, "遠くの病院", "医療機関")


def test_a_refused_referral_keeps_the_typed_name_and_shows_the_error_in_the_field(client, place):
    act_as(client, place["coordinator"])
    response = client.post(
        case_url("referral_add", place["case"]),
        {
            "date": "2026-13-40",
            "target": ReferralTarget.FAMILY,
            "partner_name": "家族会の居場所",
            "destination": "ibasho",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and Referral.objects.count() == 0
    assert 'name="partner_name" id="id_partner_name" value="家族会の居場所"' in page
    nowhere = client.post(
        case_url("referral_add", place["case"]),
        {"date": "2026-04-10", "target": ReferralTarget.FAMILY, "destination": "ibasho"},
    ).content.decode()
    field = nowhere[nowhere.index('data-testid="partner-field"') :]
    field = field[: field.index('<div class="field" data-field="destination"')]
    assert '<p class="error" role="alert">つなぎ先を一覧から選ぶか、名称を入力してください。</p>' in field
    assert '<a href="#id_partner">つなぎ先</a>: つなぎ先を一覧から選ぶか' in nowhere  # the summary links the field


def test_sharing_personal_data_needs_consent_and_the_form_says_so(client, place):
    act_as(client, place["coordinator"])
    form = client.get(case_url("referral_add", place["case"])).context["form"]
    assert "override_reason" not in form.fields  # only an administrator may override
    data = {
        "date": "2026-04-10",
        "target": ReferralTarget.PERSON,
        "partner": place["saposute"].pk,
        "shares_personal_data": "on",
        "notes": "就労の相談",
    }
    response = client.post(case_url("referral_add", place["case"]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "みなと地域若者サポートステーションへの共有に本人・家族の同意が記録されていません。"
        "同意を記録するか、管理者が理由を書いて共有してください。"
    ) in body
    assert 'value="就労の相談"' in body or "就労の相談</textarea>" in body
    assert Referral.objects.count() == 0

    consent = actions.record_consent(
        actor=place["worker"],
        case=place["case"],
        given_by=ReferralTarget.PERSON,
        purpose="就労支援",
        given_on=date(2026, 4, 3),
        share_with=[place["saposute"]],
    )
    assert client.post(case_url("referral_add", place["case"]), data).status_code == 302
    referral = Referral.objects.get()
    assert (referral.partner, referral.partner_name, referral.category.name, referral.consent, referral.status) == (
        place["saposute"],
        "みなと地域若者サポートステーション",
        "地域若者サポートステーション",
        consent,
        ReferralStatus.REQUESTED,
    )


def test_an_administrator_overrides_with_a_reason_and_it_is_audited(client, place):
    admin = make_staff(place["centre"], Role.ADMIN, username="kanri")
    act_as(client, admin)
    assert "override_reason" in client.get(case_url("referral_add", place["case"])).context["form"].fields
    response = client.post(
        case_url("referral_add", place["case"]),
        {
            "date": "2026-04-10",
            "target": ReferralTarget.PERSON,
            "partner": place["hospital"].pk,
            "shares_personal_data": "on",
            "override_reason": "生命の危険があり、すぐに受診が必要なため",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.override_by, referral.override_reason, referral.consent) == (
        admin.user,
        "生命の危険があり、すぐに受診が必要なため",
        None,
    )
    entry = AuditEntry.objects.get(action="referral.override")
    assert (entry.user, entry.object_id, entry.changes["override_reason"]) == (
        admin.user,
        str(referral.pk),
        [None, "生命の危険があり、すぐに受診が必要なため"],
    )


def test_a_referral_to_an_ibasho_or_a_partner_outside_tsunagu(client, place):
    act_as(client, place["coordinator"])
    url = case_url("referral_add", place["case"])
    nowhere = client.post(url, {"date": "2026-04-10", "target": ReferralTarget.FAMILY, "destination": "ibasho"})
    assert nowhere.context["form"].errors["partner"] == ["つなぎ先を一覧から選ぶか、名称を入力してください。"]
    client.post(
        url,
        {
            "date": "2026-04-10",
            "target": ReferralTarget.FAMILY,
            "destination": "ibasho",
            "partner_name": "家族会の居場所",
        },
    )
    hello_work = PartnerCategory.objects.get(name="ハローワーク")
    client.post(
        url,
        {
            "date": "2026-04-11",
            "target": ReferralTarget.PERSON,
            "destination": str(hello_work.pk),
            "partner_name": "ハローワークみなと",
        },
    )
    rows = list(Referral.objects.order_by("id").values_list("to_ibasho", "category__name", "partner_name", "partner"))
    assert rows == [(True, None, "家族会の居場所", None), (False, "ハローワーク", "ハローワークみなと", None)]


def test_the_outcome_of_a_referral_outside_tsunagu_is_recorded_by_the_referrer(client, place):
    act_as(client, place["coordinator"])
    outside = actions.refer(
        actor=place["worker"],
        case=place["case"],
        date=date(2026, 4, 10),
        target=ReferralTarget.PERSON,
        partner_name="ハローワークみなと",
        category=PartnerCategory.objects.get(name="ハローワーク"),
    )
    url = case_url("referral_status", place["case"], referral_pk=outside.pk)
    choices = [v for v, _label in client.get(url).context["form"].fields["status"].choices]
    assert choices == ["arranging", "decided", "failed", "withdrawn"]
    assert client.post(url, {"status": "decided", "on": "2026-04-20", "version": "1"}).status_code == 302
    outside.refresh_from_db()
    assert (outside.status, outside.result_on) == (ReferralStatus.DECIDED, date(2026, 4, 20))


def test_a_referral_to_a_tsunagu_partner_can_only_be_withdrawn_by_the_referrer(client, place):
    act_as(client, place["coordinator"])
    inside = actions.refer(
        actor=place["worker"],
        case=place["case"],
        date=date(2026, 4, 10),
        target=ReferralTarget.PERSON,
        partner=place["saposute"],
    )
    url = case_url("referral_status", place["case"], referral_pk=inside.pk)
    assert [v for v, _label in client.get(url).context["form"].fields["status"].choices] == ["withdrawn"]
    client.post(url, {"status": "decided", "on": "2026-04-20", "version": "1"})
    inside.refresh_from_db()
    assert inside.status == ReferralStatus.REQUESTED
    client.post(url, {"status": "withdrawn", "on": "2026-04-20", "version": "1"})
    inside.refresh_from_db()
    assert (inside.status, inside.result_on) == (ReferralStatus.WITHDRAWN, date(2026, 4, 20))


def test_the_referrer_cannot_record_the_answer_of_a_partner_in_tsunagu(place):
    inside = actions.refer(
        actor=place["worker"],
        case=place["case"],
        date=date(2026, 4, 10),
        target=ReferralTarget.PERSON,
        partner=place["saposute"],
    )
    with pytest.raises(ValidationError) as error:
        actions.set_referral_status(actor=place["worker"], referral=inside, status="decided", on=date(2026, 4, 20))
    assert error.value.message_dict["status"] == [
        "tsunaguを使っているつなぎ先の結果は、先方が受け付けると記録されます。こちらからは取下げだけができます。"
    ]
    inside.refresh_from_db()
    assert (inside.status, inside.version) == (ReferralStatus.REQUESTED, 1)


# --- the partner's queue -----------------------------------------------------------------------------


@pytest.fixture
def sent(place):
    """Two referrals to the サポステ: one with the person's consent, one without."""
    worker, saposute = place["worker"], place["saposute"]
    actions.record_consent(
        actor=worker,
        case=place["case"],
        given_by=ReferralTarget.PERSON,
        purpose="就労支援",
        given_on=date(2026, 4, 3),
        share_with=[saposute],
    )
    with_consent = actions.refer(
        actor=worker,
        case=place["case"],
        date=date(2026, 4, 10),
        target=ReferralTarget.PERSON,
        partner=saposute,
        shares_personal_data=True,
    )
    quiet_case = make_case(worker, number="2026-0002", name="鈴木花子", age_band=AgeBand.THIRTIES)
    without = actions.refer(
        actor=worker, case=quiet_case, date=date(2026, 4, 11), target=ReferralTarget.FAMILY, partner=saposute
    )
    return {
        "with_consent": with_consent,
        "without": without,
        "quiet_case": quiet_case,
        "saposute_worker": make_staff(saposute, Role.COORDINATOR, username="tanaka"),
    }


def test_the_queue_shows_only_what_consent_allows(client, place, sent):
    act_as(client, sent["saposute_worker"])
    response = client.get(reverse("referral_incoming"))
    rows = {row.referral.pk: dict(row.facts) for row in response.context["rows"]}
    assert rows[sent["with_consent"].pk] | {} == {
        "氏名": "山田太郎",
        "ふりがな": "やまだたろう",
        "生年月日": "1984年6月1日（昭和59年6月1日）",
        "年代": "40代",
        "性別": "不明",
        "市区町村": place["case"].municipality.name,
        "対象": "本人",
        "初回相談者": "家族",
        "外出状況": "—",
        "ひきこもり期間": "—",
        "8050世帯": "—",
    }
    assert {k: str(v) for k, v in rows[sent["without"].pk].items()} == {
        "年代": "30代",
        "性別": "不明",
        "市区町村": "—",
        "対象": "家族",
    }
    body = response.content.decode()
    assert "山田太郎" in body and "鈴木花子" not in body
    assert AuditEntry.objects.get(action="referral.incoming_list").changes == {
        "referrals": [None, [sent["without"].pk, sent["with_consent"].pk]]
    }


def test_the_queue_shows_a_duration_in_years_and_months(client, place, sent):
    Case.objects.filter(pk=place["case"].pk).update(duration_months=180)
    act_as(client, sent["saposute_worker"])
    response = client.get(reverse("referral_incoming"))
    rows = {row.referral.pk: dict(row.facts) for row in response.context["rows"]}
    assert rows[sent["with_consent"].pk]["ひきこもり期間"] == "15年"
    assert "ひきこもり期間" not in rows[sent["without"].pk]  # no consent: the duration is not shared
    assert "<dt>ひきこもり期間</dt><dd>15年</dd>" in response.content.decode()


def test_accepting_opens_the_partners_own_linked_case(client, place, sent):
    act_as(client, sent["saposute_worker"])
    referral = sent["with_consent"]
    confirm = client.get(reverse("referral_accept", kwargs={"pk": referral.pk}))
    assert "受け付けると、この組織のケースが作られ" in confirm.content.decode()
    response = client.post(reverse("referral_accept", kwargs={"pk": referral.pk}))
    new_case = Case.objects.get(organisation=place["saposute"])
    assert response["Location"] == reverse("case_detail", kwargs={"pk": new_case.pk})
    assert (new_case.name, new_case.birth_date, new_case.origin_referral) == ("山田太郎", date(1984, 6, 1), referral)
    page = client.get(response["Location"]).content.decode()
    assert f"{place['centre'].name}からのつなぎ（2026年4月10日（令和8年4月10日））" in page
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    assert AuditEntry.objects.filter(action="referral.accept", user=sent["saposute_worker"].user).count() == 1
    # The origin's case stays the origin's: 404 for everything of it.
    origin = place["case"]
    assert client.get(reverse("case_detail", kwargs={"pk": origin.pk})).status_code == 404
    assert client.get(case_url("referral_status", origin, referral_pk=referral.pk)).status_code == 404
    assert [row.case.number for row in client.get(reverse("case_list")).context["rows"]] == [new_case.number]
    # Accepting twice is refused with a message.
    again = client.post(reverse("referral_accept", kwargs={"pk": referral.pk}), follow=True)
    assert "このつなぎはすでに「支援決定」です。" in again.content.decode()
    assert Case.objects.filter(organisation=place["saposute"]).count() == 1


def test_declining_tells_the_referrer(client, place, sent):
    act_as(client, sent["saposute_worker"])
    url = reverse("referral_decline", kwargs={"pk": sent["without"].pk})
    assert client.post(url, {"reason": "定員に達しているため"}).status_code == 302
    referral = Referral.objects.get(pk=sent["without"].pk)
    assert (referral.status, referral.result_on is not None) == (ReferralStatus.FAILED, True)
    entry = AuditEntry.objects.get(action="referral.decline")
    assert entry.changes["reason"] == [None, "定員に達しているため"]
    assert [row.referral.pk for row in client.get(reverse("referral_incoming")).context["rows"]] == [
        sent["with_consent"].pk
    ]
    done = client.get(reverse("referral_incoming"), {"done": "1"}).context["rows"]
    assert [row.referral.pk for row in done] == [referral.pk]
    again = client.post(url, {"reason": "x"})
    assert "このつなぎはすでに「不成立」です。" in again.content.decode()


def test_a_third_organisation_finds_nothing(client, place, sent, network):
    third = make_staff(network["other_center"], Role.ADMIN)
    act_as(client, third)
    assert client.get(reverse("referral_incoming")).context["rows"] == []
    for name in ("referral_accept", "referral_decline"):
        assert client.get(reverse(name, kwargs={"pk": sent["with_consent"].pk})).status_code == 404
        assert client.post(reverse(name, kwargs={"pk": sent["with_consent"].pk})).status_code == 404
    assert client.get(reverse("case_detail", kwargs={"pk": place["case"].pk})).status_code == 404
    assert Referral.objects.get(pk=sent["with_consent"].pk).status == ReferralStatus.REQUESTED


def test_a_withdrawn_referral_leaves_the_queue(client, place, sent):
    actions.set_referral_status(
        actor=place["worker"], referral=sent["without"], status="withdrawn", on=date(2026, 4, 12)
    )
    act_as(client, sent["saposute_worker"])
    assert [row.referral.pk for row in client.get(reverse("referral_incoming")).context["rows"]] == [
        sent["with_consent"].pk
    ]
    assert client.get(reverse("referral_accept", kwargs={"pk": sent["without"].pk})).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queue_and_directory_do_a_fixed_number_of_queries(client, place, sent, network):
    act_as(client, sent["saposute_worker"])
    urls = [reverse("referral_incoming"), reverse("partner_directory")]
    [_queries(client, url) for url in urls]
    two = [_queries(client, url) for url in urls]
    for _n in range(3):
        case = make_case(place["worker"], birth_date=date(1990, 1, 1))
        consent = actions.record_consent(
            actor=place["worker"],
            case=case,
            given_by=ReferralTarget.PERSON,
            purpose="x",
            given_on=date(2026, 4, 1),
            share_with=[place["saposute"]],
        )
        actions.refer(
            actor=place["worker"],
            case=case,
            date=date(2026, 4, 2),
            target=ReferralTarget.PERSON,
            partner=place["saposute"],
            shares_personal_data=consent is not None,
        )
        make_org(OrgKind.CONTRACTOR, network["own"])
    assert [_queries(client, url) for url in urls] == two


# --- the directory -----------------------------------------------------------------------------------


def test_the_directory_lists_the_partners_of_the_region(client, place, network):
    station = make_org(OrgKind.STATION, network["own_city"], name="みなと支援ステーション")
    act_as(client, place["coordinator"])
    response = client.get(reverse("partner_directory"))
    names = [org.name for org in response.context["page"]]
    # By category in the national report's order (医療機関 before サポステ), then others by kind and name.
    assert names == ["みなと病院", "みなと地域若者サポートステーション", station.name]
    body = response.content.decode()
    assert "011-222-3333" in body and "停止中" in body and network["own_city"].name in body
    assert "遠くの病院" not in body
    medical = PartnerCategory.objects.get(name="医療機関")
    filtered = client.get(reverse("partner_directory"), {"category": medical.pk}).context["page"]
    assert [org.name for org in filtered] == ["みなと病院"]
    assert [o.name for o in client.get(reverse("partner_directory"), {"q": "ｽﾃｰｼｮﾝ"}).context["page"]] == [
        "みなと地域若者サポートステーション",
        station.name,
    ]


# --- the consent form: organisations grouped by kind, who consented by default -----------------------


def test_organisations_are_grouped_by_kind_under_a_filter_box(client, place, network):
    act_as(client, place["coordinator"])
    page = client.get(case_url("consent_add", place["case"])).content.decode()
    assert '<label for="share-with-filter">組織名で絞り込む</label>' in page
    assert 'data-filter="share-with-list"' in page
    assert "tsunagu/filter.js" in page
    groups = re.findall(r'<fieldset class="kind-group"><legend>(.*?)</legend>(.*?)</fieldset>', page, re.S)
    names = {kind: re.findall(r'<label for="id_share_with_\d+">(.*?)</label>', body) for kind, body in groups}
    assert names == {
        "関係機関": ["みなと地域若者サポートステーション", "みなと病院"],
        "市区町村": [network["own_city"].name],
    }


def test_a_family_only_case_defaults_to_the_family(client, place):
    act_as(client, place["coordinator"])
    form = client.get(case_url("consent_add", place["case"])).context["form"]  # first consulter: 家族
    assert form["given_by"].value() == "family"


def test_once_the_person_has_consulted_the_default_is_the_person(client, place):
    actions.log_contact(
        actor=place["worker"], case=place["case"], date=date(2026, 4, 10), channel="phone", consulter=Consulter.PERSON
    )
    act_as(client, place["coordinator"])
    form = client.get(case_url("consent_add", place["case"])).context["form"]
    assert form["given_by"].value() == "person"


def test_a_case_the_person_opened_defaults_to_the_person(client, place):
    case = place["case"]
    case.first_consulter = Consulter.PERSON
    case.save(update_fields=["first_consulter"])
    act_as(client, place["coordinator"])
    form = client.get(reverse("consent_add", kwargs={"pk": case.pk})).context["form"]
    assert form["given_by"].value() == "person"


def test_the_referral_form_says_where_to_record_missing_consent(client, place):
    act_as(client, place["coordinator"])
    case = place["case"]
    consent_url = case_url("consent_add", case)
    page = client.get(case_url("referral_add", case)).content.decode()
    assert "このケースには同意が記録されていません。" in page
    assert f'<a class="button" href="{consent_url}">同意を記録する</a>' in page
    actions.record_consent(
        actor=place["worker"],
        case=case,
        given_by=ReferralTarget.PERSON,
        purpose="受診のため",
        given_on=date(2026, 4, 3),
        share_with=[place["hospital"]],
    )
    page = client.get(case_url("referral_add", case)).content.decode()
    assert 'data-testid="consent-where"' not in page  # a consent exists: nothing to say yet
    response = client.post(
        case_url("referral_add", case),
        {
            "date": "2026-04-10",
            "target": ReferralTarget.PERSON,
            "partner": place["saposute"].pk,
            "shares_personal_data": "on",
        },
    )
    page = response.content.decode()
    assert "このつなぎ先への同意はまだ記録されていません。" in page
    assert 'data-testid="consent-where" role="alert"' in page
    assert f'href="{consent_url}"' in page
