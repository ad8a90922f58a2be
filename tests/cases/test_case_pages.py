"""The case list, a new case, the case page, editing, status and assignment, through the pages."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions, queries
from tsunagu.cases.models import AgeBand, Case, Channel, Consulter, ReferralTarget, Status
from tsunagu.orgs.models import OrgKind, Role

from ..conftest import act_as
from ..factories import make_org, make_staff
from .factories import actor_for, make_case


@pytest.fixture
def centre(network):
    return network["own_center"]


@pytest.fixture
def coordinator(centre):
    return make_staff(centre, Role.COORDINATOR, username="sato")


@pytest.fixture
def worker(client, coordinator):
    """The coordinator logged in; returns the domain actor for building data."""
    act_as(client, coordinator)
    return actor_for(coordinator)


def household_post(*rows, initial=0):
    data = {
        "household-TOTAL_FORMS": str(max(len(rows), 1)),
        "household-INITIAL_FORMS": str(initial),
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "20",
    }
    for i, (relationship, age) in enumerate(rows):
        data[f"household-{i}-relationship"] = relationship
        data[f"household-{i}-age"] = str(age)
    return data


def new_case_post(**values):
    data = {
        "opened_on": "2026-04-03",
        "first_consulter": Consulter.FAMILY,
        "age_band": AgeBand.UNKNOWN,
        "sex": "unknown",
        "household_8050": "unknown",
    }
    data.update(values)
    return data


def list_numbers(client, **params):
    response = client.get(reverse("case_list"), params)
    assert response.status_code == 200
    return [row.case.number for row in response.context["rows"]]


# --- the list ----------------------------------------------------------------------------------------


def test_search_by_number_name_and_furigana_ignores_kana_kind_and_width(client, worker):
    make_case(worker, number="2026-0001", name="山田 太郎", furigana="ヤマダ タロウ")
    make_case(worker, number="2026-0002", name="鈴木 一郎", furigana="すずき いちろう")
    assert list_numbers(client, q="ﾔﾏﾀﾞ") == ["2026-0001"]
    assert list_numbers(client, q="やまだ　たろう") == ["2026-0001"]
    assert list_numbers(client, q="スズキ") == ["2026-0002"]
    assert list_numbers(client, q="鈴木") == ["2026-0002"]
    assert list_numbers(client, q="２０２６－０００２") == ["2026-0002"]
    assert list_numbers(client, q="佐藤") == []


def test_filters_by_status_staff_municipality_age_band_and_last_contact(client, worker, network, centre):
    today = timezone.localdate()
    peer = make_staff(centre, Role.PEER, username="peer")
    city = network["own_city"]
    forties = make_case(
        worker,
        number="A",
        birth_date=today.replace(year=today.year - 45),
        municipality=city,
        opened_on=today - timedelta(days=400),
    )
    band_only = make_case(
        worker, number="B", age_band=AgeBand.FORTIES, assigned=[peer.user], opened_on=today - timedelta(days=400)
    )
    make_case(worker, number="C", age_band=AgeBand.TWENTIES, opened_on=today - timedelta(days=10))
    actions.log_contact(
        actor=worker, case=forties, date=today - timedelta(days=5), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    actions.log_contact(
        actor=worker,
        case=band_only,
        date=today - timedelta(days=120),
        channel=Channel.PHONE,
        consulter=Consulter.FAMILY,
    )
    actions.change_status(actor=worker, case=band_only, status=Status.CLOSED, on=today)

    assert list_numbers(client, age_band=AgeBand.FORTIES, sort="number") == ["A", "B"]
    assert list_numbers(client, age_band=AgeBand.TWENTIES) == ["C"]
    assert list_numbers(client, status="open", sort="number") == ["A", "C"]
    assert list_numbers(client, status=Status.CLOSED) == ["B"]
    assert list_numbers(client, staff=peer.user.pk) == ["B"]
    assert list_numbers(client, municipality=city.pk) == ["A"]
    assert list_numbers(client, last_contact="30") == ["A"]
    # "No contact for 90 days" is about cases that had contacts; C never had one.
    assert list_numbers(client, last_contact="90") == ["B"]
    assert list_numbers(client, last_contact="none") == ["C"]
    # Most recent contact first; a case without any contact sorts by its 受付日 (10 days ago), which
    # keeps the order inside the list's index (case_org_recent).
    assert list_numbers(client) == ["A", "C", "B"]
    assert list_numbers(client, sort="stale") == ["B", "C", "A"]


def test_the_list_shows_the_band_today_and_the_assigned_staff(client, worker):
    today = timezone.localdate()
    make_case(worker, number="A", name="山田太郎", birth_date=today.replace(year=today.year - 45))
    response = client.get(reverse("case_list"))
    assert response.context["rows"][0].band == "40代"
    body = response.content.decode()
    assert "山田太郎" in body and "sato" in body
    entry = AuditEntry.objects.get(action="case.list")
    assert entry.changes == {"cases": [None, ["A"]]}


def test_the_list_is_paginated_by_fifty(client, worker):
    for n in range(51):
        make_case(worker, number=f"N-{n:03d}")
    first = client.get(reverse("case_list"), {"sort": "number"})
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 51
    second = client.get(reverse("case_list"), {"sort": "number", "page": 2})
    assert [row.case.number for row in second.context["rows"]] == ["N-050"]
    assert 'href="?sort=number&amp;page=2"' in first.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _case_with_history(actor, number, partner):
    case = make_case(actor, number=number, assigned=[actor.user], household=[{"relationship": "母", "age": 80}])
    actions.log_contact(
        actor=actor,
        case=case,
        date=date(2021, 5, 1),
        channel=Channel.HOME_VISIT,
        consulter=Consulter.FAMILY,
        with_peer=True,
    )
    actions.record_consent(
        actor=actor,
        case=case,
        given_by=ReferralTarget.PERSON,
        purpose="受診",
        given_on=date(2021, 5, 2),
        share_with=[partner],
        share_with_categories=[partner.category],
    )
    actions.refer(
        actor=actor,
        case=case,
        date=date(2021, 5, 3),
        target=ReferralTarget.PERSON,
        partner=partner,
        shares_personal_data=True,
    )
    return case


def test_list_and_case_page_do_a_fixed_number_of_queries(client, worker, network):
    partner = make_org(OrgKind.PARTNER, network["own"], category="医療機関")
    case = _case_with_history(worker, "Q-1", partner)
    list_url, page_url = reverse("case_list"), reverse("case_detail", kwargs={"pk": case.pk})
    _queries(client, list_url)  # warm up once-per-process look-ups
    one = [_queries(client, list_url), _queries(client, page_url)]
    for n in range(2):
        _case_with_history(worker, f"Q-{n + 2}", partner)
        actions.log_contact(
            actor=worker, case=case, date=date(2021, 6, 1 + n), channel=Channel.PHONE, consulter=Consulter.FAMILY
        )
        actions.record_consent(
            actor=worker,
            case=case,
            given_by=ReferralTarget.FAMILY,
            purpose="相談",
            given_on=date(2021, 6, 1),
            share_with=[partner],
        )
        actions.refer(
            actor=worker,
            case=case,
            date=date(2021, 6, 2),
            target=ReferralTarget.FAMILY,
            partner_name="家族会",
            to_ibasho=True,
        )
    assert Case.objects.count() == 3
    three = [_queries(client, list_url), _queries(client, page_url)]
    assert one == three


def test_a_peer_sees_only_the_cases_assigned_to_them(client, worker, centre):
    peer = make_staff(centre, Role.PEER)
    mine = make_case(worker, number="MINE", assigned=[peer.user])
    other = make_case(worker, number="OTHER")
    act_as(client, peer)
    assert list_numbers(client) == ["MINE"]
    assert client.get(reverse("case_detail", kwargs={"pk": other.pk})).status_code == 404
    response = client.get(reverse("case_detail", kwargs={"pk": mine.pk}))
    assert response.status_code == 200
    assert response.context["viewers"] is None  # who looked at a case is for roles that read all cases
    assert 'id="viewers"' not in response.content.decode()


# --- a new case --------------------------------------------------------------------------------------


def test_a_family_first_case_needs_only_the_date_and_who_consulted(client, worker, network):
    response = client.post(
        reverse("case_add"),
        {
            **new_case_post(
                age_band=AgeBand.FORTIES, sex="male", municipality=network["own_city"].pk, outing_level="3"
            ),
            **household_post(("母", 76), ("父", 79)),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", kwargs={"pk": case.pk})
    assert (case.number, case.name, case.birth_date, case.age_band, case.first_consulter, case.outing_level) == (
        "2026-0001",
        "",
        None,
        AgeBand.FORTIES,
        Consulter.FAMILY,
        3,
    )
    assert list(case.household.values_list("relationship", "age")) == [("母", 76), ("父", 79)]
    assert list(case.assigned.all()) == [worker.user]
    page = client.get(response["Location"])
    assert page.context["suggest_8050"] is True
    assert "8050世帯かもしれません" in page.content.decode()


def test_wareki_birth_dates_and_field_errors_keep_what_was_typed(client, worker):
    response = client.post(
        reverse("case_add"),
        {**new_case_post(name="山田花子", birth_date="R3.2.30", opened_on="2099-01-01"), **household_post()},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "「R3.2.30」は日付として正しくありません（2月30日は存在しません）" in body
    assert 'value="山田花子"' in body and 'value="R3.2.30"' in body
    assert Case.objects.count() == 0
    response = client.post(
        reverse("case_add"),
        {**new_case_post(name="山田花子", birth_date="S57.5.3", opened_on="2099-01-01"), **household_post()},
    )
    assert "受付日</a>: 未来の日付は入力できません。" in response.content.decode()
    client.post(reverse("case_add"), {**new_case_post(name="山田花子", birth_date="S57.5.3"), **household_post()})
    assert Case.objects.get().birth_date == date(1982, 5, 3)


def test_htmx_asks_whether_the_household_looks_like_8050(client, worker):
    data = {**new_case_post(age_band=AgeBand.FIFTIES, _preview="1"), **household_post(("母", 82))}
    response = client.post(reverse("case_add"), data, headers={"HX-Request": "true"})
    assert response.templates[0].name == "cases/_suggest_8050.html"
    assert "8050世帯かもしれません" in response.content.decode()
    data = {**new_case_post(age_band=AgeBand.THIRTIES, _preview="1"), **household_post(("母", 82))}
    response = client.post(reverse("case_add"), data, headers={"HX-Request": "true"})
    assert "8050世帯かもしれません" not in response.content.decode()
    assert Case.objects.count() == 0


def test_a_case_like_an_existing_one_is_warned_about_and_can_be_saved_anyway(client, worker):
    make_case(worker, number="2025-0007", name="山田太郎", furigana="ヤマダ タロウ", birth_date=date(1980, 5, 3))
    make_case(worker, number="2025-0008", name="山田次郎", furigana="やまだじろう", birth_date=date(1990, 1, 1))
    data = {**new_case_post(furigana="やまだたろう", birth_date="1980-05-03"), **household_post()}
    response = client.post(reverse("case_add"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert [(s.number, s.age_band_label) for s in response.context["similar"]] == [("2025-0007", "40代")]
    assert 'data-testid="similar-cases"' in body
    assert "山田太郎" not in body  # number and age band only
    assert Case.objects.count() == 2
    # A furigana and a birth date found a case number: a read in the trail (issue 13).
    shown = AuditEntry.objects.get(action="case.similar_shown")
    assert (shown.user, shown.organisation, shown.changes) == (
        worker.user,
        worker.organisation,
        {"cases": [None, ["2025-0007"]]},
    )
    response = client.post(reverse("case_add"), {**data, "confirm_similar": "on"})
    assert response.status_code == 302
    assert Case.objects.count() == 3


def test_a_very_similar_furigana_with_the_same_birth_year_is_warned_about(client, worker):
    make_case(worker, number="2025-0007", furigana="やまだたろう", birth_date=date(1980, 5, 3))
    similar = client.post(
        reverse("case_add"), {**new_case_post(furigana="ヤマダ タロ", birth_date="1980-11-30"), **household_post()}
    ).context["similar"]
    assert [s.number for s in similar] == ["2025-0007"]
    other_year = client.post(
        reverse("case_add"), {**new_case_post(furigana="ヤマダ タロ", birth_date="1981-01-02"), **household_post()}
    )
    assert other_year.status_code == 302


# --- the case page -----------------------------------------------------------------------------------


def test_the_case_page_shows_the_facts(client, worker, network):
    birth = queries.years_before(timezone.localdate(), 45)  # 44 or 45 on April 1: 就職氷河期世代
    case = make_case(
        worker,
        number="F-1",
        name="山田太郎",
        birth_date=birth,
        outing_level=1,
        needs_medical_care=True,
        municipality=network["own_city"],
    )
    response = client.get(reverse("case_detail", kwargs={"pk": case.pk}))
    context = response.context
    assert (context["ice_age"], context["band"], context["age"]) == (True, "40代", 45)
    assert str(context["outing_class"]) == "準ひきこもり"
    body = response.content.decode()
    assert f"{birth.year}年{birth.month}月{birth.day}日（" in body and "（45歳）" in body
    assert "1 趣味の用事のときだけ外出する（準ひきこもり）" in body
    assert "医療的ケアが必要" in body and network["own_city"].name in body
    assert "まだ（家族などからの相談のみ）" in body
    young = make_case(worker, number="F-2", birth_date=queries.years_before(timezone.localdate(), 25))
    response = client.get(reverse("case_detail", kwargs={"pk": young.pk}))
    assert (response.context["ice_age"], response.context["band"]) == (False, "20代")
    assert "該当しない" in response.content.decode()
    unknown = make_case(worker, number="F-3", age_band=AgeBand.FIFTIES)
    response = client.get(reverse("case_detail", kwargs={"pk": unknown.pk}))
    assert (response.context["ice_age"], response.context["band"]) == (None, "50代")


def test_the_timeline_has_everything_newest_first(client, worker, network):
    partner = make_org(OrgKind.PARTNER, network["own"], category="医療機関")
    case = make_case(worker, opened_on=date(2021, 4, 1))
    actions.log_contact(
        actor=worker, case=case, date=date(2021, 4, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    actions.log_contact(
        actor=worker,
        case=case,
        date=date(2021, 5, 10),
        channel=Channel.HOME_VISIT,
        consulter=Consulter.PERSON,
        with_peer=True,
    )
    actions.change_status(actor=worker, case=case, status=Status.SUPPORT, on=date(2021, 5, 15))
    consent = actions.record_consent(
        actor=worker,
        case=case,
        given_by=ReferralTarget.PERSON,
        purpose="受診",
        given_on=date(2021, 5, 20),
        share_with=[partner],
    )
    referral = actions.refer(
        actor=worker,
        case=case,
        date=date(2021, 5, 21),
        target=ReferralTarget.PERSON,
        partner_name="みなと病院",
        category=partner.category,
    )
    actions.set_referral_status(actor=worker, referral=referral, status="decided", on=date(2021, 5, 30))
    actions.withdraw_consent(actor=worker, consent=consent, on=date(2021, 6, 1))
    events = client.get(reverse("case_detail", kwargs={"pk": case.pk})).context["events"]
    assert [(e.on, e.kind) for e in events] == [
        (date(2021, 6, 1), "consent_withdrawn"),
        (date(2021, 5, 30), "referral_result"),
        (date(2021, 5, 21), "referral"),
        (date(2021, 5, 20), "consent"),
        (date(2021, 5, 15), "status"),
        (date(2021, 5, 10), "contact"),
        (date(2021, 4, 1), "contact"),  # recorded after the case was opened that day
        (date(2021, 4, 1), "status"),
    ]


def test_a_long_timeline_shows_the_newest_and_links_to_everything(client, worker, monkeypatch):
    monkeypatch.setattr(queries, "TIMELINE_SIZE", 2)
    case = make_case(worker, opened_on=date(2021, 4, 1))
    for day in (5, 6, 7):
        actions.log_contact(
            actor=worker, case=case, date=date(2021, 5, day), channel=Channel.PHONE, consulter=Consulter.FAMILY
        )
    url = reverse("case_detail", kwargs={"pk": case.pk})
    response = client.get(url)
    assert [(e.on, e.kind) for e in response.context["events"]] == [
        (date(2021, 5, 7), "contact"),
        (date(2021, 5, 6), "contact"),
    ]
    assert "すべての経過を表示" in response.content.decode()
    everything = client.get(url, {"timeline": "all"}).context["events"]
    assert [e.on for e in everything] == [date(2021, 5, 7), date(2021, 5, 6), date(2021, 5, 5), date(2021, 4, 1)]


def test_the_case_page_says_who_has_looked_at_the_case(client, worker, centre):
    case = make_case(worker, number="V-1")
    viewer = make_staff(centre, Role.VIEWER, username="yamada")
    url = reverse("case_detail", kwargs={"pk": case.pk})
    client.get(url)
    act_as(client, viewer)
    client.get(url)
    response = client.get(url)
    rows = [(v["username"], v["times"]) for v in response.context["viewers"]]
    assert rows == [("yamada", 2), ("sato", 1)]
    assert AuditEntry.objects.filter(action="case.view", object_id=str(case.pk)).count() == 3


# --- editing, status and assignment ------------------------------------------------------------------


def _edit_post(case, **values):
    data = {
        "number": case.number,
        "opened_on": case.opened_on.isoformat(),
        "first_consulter": case.first_consulter,
        "age_band": case.age_band,
        "sex": case.sex,
        "household_8050": "unknown",
        "version": str(case.version),
        "notes": case.notes,
    }
    data.update(values)
    return data


def test_editing_a_case_replaces_the_household(client, worker):
    case = make_case(worker, household=[{"relationship": "母", "age": 70}])
    response = client.post(
        reverse("case_edit", kwargs={"pk": case.pk}),
        {
            **_edit_post(case, name="山田太郎", household_8050="true"),
            **household_post(("母", 71), ("兄弟", 50), initial=1),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.name, case.household_8050, case.version) == ("山田太郎", True, 2)
    assert list(case.household.values_list("relationship", "age")) == [("母", 71), ("兄弟", 50)]
    entry = AuditEntry.objects.get(action="case.update", object_id=str(case.pk))
    assert entry.changes["household"] == ["***", "***"] and entry.changes["household_8050"] == [None, True]


def test_a_stale_case_edit_is_refused_and_keeps_what_was_typed(client, worker):
    case = make_case(worker, notes="最初")
    form = client.get(reverse("case_edit", kwargs={"pk": case.pk})).context["form"]
    assert form.initial["version"] == 1
    actions.update_case(actor=worker, case=Case.objects.get(pk=case.pk), version=1, notes="先に保存")
    response = client.post(
        reverse("case_edit", kwargs={"pk": case.pk}),
        {**_edit_post(case, notes="後から入力した内容"), **household_post()},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "この記録は、あなたが開いた後に他の人が保存しました。上書きしないよう保存を止めました。" in body
    assert "後から入力した内容" in body
    assert Case.objects.get(pk=case.pk).notes == "先に保存"


def test_status_changes_and_reopening_from_the_page(client, worker):
    case = make_case(worker, opened_on=date(2021, 4, 1))
    url = reverse("case_status", kwargs={"pk": case.pk})
    response = client.post(url, {"status": Status.CLOSED, "on": "R4.3.31", "version": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (Status.CLOSED, date(2022, 3, 31))
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk}))
    assert [value for value, _label in page.context["status_form"].fields["status"].choices] == [Status.SUPPORT]
    assert "再開する" in page.content.decode()
    stale = client.post(url, {"status": Status.SUPPORT, "on": "2022-05-01", "version": "1"})
    assert "上書きしないよう保存を止めました" in stale.content.decode()
    client.post(url, {"status": Status.SUPPORT, "on": "2022-05-01", "version": "2", "note": "再相談"})
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (Status.SUPPORT, None)
    assert AuditEntry.objects.filter(action="case.reopen", object_id=str(case.pk)).count() == 1


def test_assigning_staff_of_the_organisation(client, worker, centre, network):
    peer = make_staff(centre, Role.PEER, username="peer-suzuki")
    outsider = make_staff(network["other_center"], Role.COORDINATOR)
    case = make_case(worker)
    form = client.get(reverse("case_assign", kwargs={"pk": case.pk})).context["form"]
    assert sorted(u.username for u in form.fields["users"].queryset) == ["peer-suzuki", "sato"]
    version = form["version"].value()
    response = client.post(
        reverse("case_assign", kwargs={"pk": case.pk}), {"users": [outsider.user.pk], "version": version}
    )
    assert response.status_code == 200 and list(case.assigned.all()) == [worker.user]
    client.post(
        reverse("case_assign", kwargs={"pk": case.pk}), {"users": [peer.user.pk, worker.user.pk], "version": version}
    )
    assert sorted(case.assigned.values_list("username", flat=True)) == ["peer-suzuki", "sato"]
    entry = AuditEntry.objects.get(action="case.assign")
    assert entry.changes == {"assigned": [["sato"], ["peer-suzuki", "sato"]]}
