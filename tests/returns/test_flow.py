"""A municipality's return goes up: submitted, sent back with a reason, fixed, resubmitted, approved; the
approval locks the period on every write path until a lock exception lets one person through, and the
change after the freeze shows figure by figure against the frozen copy."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cases.factories import actor_for, make_case
from tests.factories import SYSTEM, make_staff
from tests.ledger.builders import case_row, contact_row, ledger, xlsx_bytes
from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import Channel, Consulter
from tsunagu.ledger.importing import import_ledger
from tsunagu.orgs.models import LockedPeriod, Role
from tsunagu.returns import actions
from tsunagu.returns.models import ReturnStatus

FY = (date(2021, 4, 1), date(2022, 3, 31))
LOCKED = "令和3年4月1日〜令和4年3月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"


@pytest.fixture
def people(network):
    return {
        "city_admin": actor_for(make_staff(network["own_city"], Role.ADMIN)),
        "city_worker": actor_for(make_staff(network["own_city"], Role.COORDINATOR)),
        "other_worker": actor_for(make_staff(network["own_city"], Role.COORDINATOR)),
        "pref_admin": actor_for(make_staff(network["own"], Role.ADMIN)),
        "pref_viewer": actor_for(make_staff(network["own"], Role.VIEWER)),
        "other_pref_admin": actor_for(make_staff(network["other"], Role.ADMIN)),
    }


def test_submit_send_back_fix_resubmit_approve_lock_and_exception(network, people):
    city = network["own_city"]
    worker = people["city_worker"]
    case = make_case(worker, opened_on=date(2021, 4, 5))
    wrong = case_actions.log_contact(
        actor=worker, case=case, date=date(2021, 6, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )

    ret = actions.submit(actor=people["city_admin"], organisation=city, starts_on=FY[0], ends_on=FY[1])
    assert (ret.status, ret.submissions, ret.version) == (ReturnStatus.SUBMITTED, 1, 2)
    assert ret.frozen["org"] == city.code
    assert ret.sha256 == actions.digest(ret.frozen) and len(ret.sha256) == 64
    first_copy = ret.frozen

    # Only the body directly above decides; another prefecture cannot, nor a viewer.
    with pytest.raises(PermissionDenied):
        actions.send_back(actor=people["other_pref_admin"], ret=ret, reason="x")
    with pytest.raises(PermissionDenied):
        actions.send_back(actor=people["pref_viewer"], ret=ret, reason="x")
    with pytest.raises(ValidationError) as error:
        actions.send_back(actor=people["pref_admin"], ret=ret, reason=" ")
    assert error.value.message_dict == {"reason": ["差戻しの理由を入力してください。"]}

    actions.send_back(actor=people["pref_admin"], ret=ret, reason="6月1日の相談は訪問の誤りです。", version=2)
    ret.refresh_from_db()
    assert (ret.status, ret.reason, ret.version) == (ReturnStatus.SENT_BACK, "6月1日の相談は訪問の誤りです。", 3)

    # The municipality fixes the contact and resubmits; a resubmission from a stale version is refused.
    with pytest.raises(ValidationError):
        actions.submit(actor=people["city_admin"], organisation=city, starts_on=FY[0], ends_on=FY[1], version=2)
    case_actions.update_contact(actor=worker, contact=wrong, channel=Channel.HOME_VISIT)
    ret = actions.submit(actor=people["city_admin"], organisation=city, starts_on=FY[0], ends_on=FY[1], version=3)
    assert (ret.status, ret.submissions) == (ReturnStatus.SUBMITTED, 2)
    assert ret.frozen != first_copy

    actions.approve(actor=people["pref_admin"], returns=[(ret, ret.version)])
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.APPROVED
    lock = LockedPeriod.objects.get(organisation=city)
    assert (lock.starts_on, lock.ends_on) == FY
    assert list(
        AuditEntry.objects.filter(action__startswith="return.").order_by("pk").values_list("action", flat=True)
    ) == [
        "return.submit",
        "return.send_back",
        "return.submit",
        "return.approve",
    ]

    # The approved period is locked: the form's action and a ledger import refuse a contact dated in it.
    with pytest.raises(ValidationError) as error:
        case_actions.log_contact(
            actor=worker, case=case, date=date(2021, 7, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
        )
    assert error.value.message_dict == {"date": [LOCKED]}
    grown = ledger([case_row(number="L-1", opened="2022-04-05")], [contact_row(number="L-1", day="2021-07-01")])
    result = import_ledger(actor=SYSTEM, organisation=city, files=[("台帳.xlsx", xlsx_bytes(grown))])
    assert result.errors == [f"「相談記録」シート 2行目「日付」: {LOCKED}"]
    assert actions.differences(ret) == []
    assert actions.modifications(ret) == 0

    # An exception lets one person (and only that person) change it; the difference shows.
    with pytest.raises(PermissionDenied):
        actions.open_exception(
            actor=people["city_worker"], ret=ret, user=worker.user, until=timezone.localdate(), reason="訂正"
        )
    actions.open_exception(
        actor=people["pref_admin"], ret=ret, user=worker.user, until=timezone.localdate(), reason="訂正のため"
    )
    assert AuditEntry.objects.filter(action="lock_exception.open").count() == 1
    with pytest.raises(ValidationError):
        case_actions.log_contact(
            actor=people["other_worker"],
            case=case,
            date=date(2021, 7, 1),
            channel=Channel.PHONE,
            consulter=Consulter.FAMILY,
        )
    case_actions.log_contact(
        actor=worker, case=case, date=date(2021, 7, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    diffs = actions.differences(ret)
    # Frozen: one 訪問 by a family member; now also the 電話 of 7月1日 by a family member.
    assert diffs == [
        ("contacts / total", 1, 2),
        ("contacts / by_channel / 電話", 0, 1),
        ("contacts / by_consulter / 家族", 1, 2),
        ("contacts / by_age_band / 不明", 1, 2),
        ("contacts / channel_by_consulter / 電話 / 家族", 0, 1),
    ]
    assert actions.modifications(ret) == 1


def test_a_body_approves_only_when_everything_below_is_approved_or_exempt(network, people):
    pref, city, center = network["own"], network["own_city"], network["own_center"]
    nation_admin = actor_for(make_staff(network["nation"], Role.ADMIN))
    center_admin = actor_for(make_staff(center, Role.ADMIN))
    pref_return = actions.submit(actor=people["pref_admin"], organisation=pref, starts_on=FY[0], ends_on=FY[1])
    with pytest.raises(ValidationError) as error:
        actions.approve(actor=nation_admin, returns=[(pref_return, None)])
    assert error.value.messages == [
        f"{pref.name}: 下位の組織の報告がすべて承認または対象外になるまで承認できません（未了：{city.name}、{center.name}）。"
        if city.code < center.code
        else f"{pref.name}: 下位の組織の報告がすべて承認または対象外になるまで承認できません（未了：{center.name}、{city.name}）。"
    ]
    city_return = actions.submit(actor=people["city_admin"], organisation=city, starts_on=FY[0], ends_on=FY[1])
    center_return = actions.submit(actor=center_admin, organisation=center, starts_on=FY[0], ends_on=FY[1])
    actions.approve(actor=people["pref_admin"], returns=[(city_return, None), (center_return, None)])  # many at once
    assert actions.pending_below(pref_return) == []
    actions.approve(actor=nation_admin, returns=[(pref_return, None)])
    pref_return.refresh_from_db()
    assert pref_return.status == ReturnStatus.APPROVED
    # 対象外 also counts as done.
    other_pref = network["other"]
    other_admin = people["other_pref_admin"]
    other_return = actions.submit(actor=other_admin, organisation=other_pref, starts_on=FY[0], ends_on=FY[1])
    actions.mark_exempt(actor=other_admin, organisation=network["other_city"], starts_on=FY[0], ends_on=FY[1])
    actions.mark_exempt(actor=other_admin, organisation=network["other_center"], starts_on=FY[0], ends_on=FY[1])
    actions.approve(actor=nation_admin, returns=[(other_return, None)])


def test_the_national_tables_are_the_sum_of_the_approved_returns(network):
    """Three prefectures: two with approved returns for R3, whose records then change (the national view
    keeps the frozen figures), one without (counted live, marked); R2 has no returns at all."""
    from tests.factories import make_org
    from tsunagu.cases.models import ReferralTarget
    from tsunagu.orgs.models import OrgKind, PartnerCategory
    from tsunagu.returns.national import national_years

    nation = network["nation"]
    third = make_org(OrgKind.PREFECTURE, nation)
    category = PartnerCategory.objects.order_by("pk").first()
    nation_admin = actor_for(make_staff(nation, Role.ADMIN))

    def work(org, contacts, referrals, day=date(2021, 5, 10)):
        actor = actor_for(make_staff(org, Role.COORDINATOR))
        case = make_case(actor, opened_on=date(2020, 4, 1))
        for _ in range(contacts):
            case_actions.log_contact(
                actor=actor, case=case, date=day, channel=Channel.PHONE, consulter=Consulter.FAMILY
            )
        for _ in range(referrals):
            case_actions.refer(
                actor=actor, case=case, date=day, target=ReferralTarget.PERSON, category=category, partner_name="窓口"
            )
        return actor

    work(network["own_city"], 3, 1)
    work(network["own_center"], 2, 1)
    work(network["other_city"], 4, 2)
    work(third, 5, 0)
    work(third, 1, 0, day=date(2020, 6, 1))  # R2

    for pref in (network["own"], network["other"]):
        admin = actor_for(make_staff(pref, Role.ADMIN))
        for child in pref.children.all():
            ret = actions.submit(
                actor=actor_for(make_staff(child, Role.ADMIN)), organisation=child, starts_on=FY[0], ends_on=FY[1]
            )
            actions.approve(actor=admin, returns=[(ret, None)])
        ret = actions.submit(actor=admin, organisation=pref, starts_on=FY[0], ends_on=FY[1])
        actions.approve(actor=nation_admin, returns=[(ret, None)])

    # After the freeze a contact is added under an exception: the national view keeps the approved copy.
    city_return = actions.Return.objects.get(organisation=network["own_city"])
    late = actor_for(make_staff(network["own_city"], Role.COORDINATOR))
    pref_return = actions.Return.objects.get(organisation=network["own"])
    for approver, ret in (("own", city_return), ("nation", pref_return)):
        actions.open_exception(
            actor=actor_for(make_staff(network[approver], Role.ADMIN)),
            ret=ret,
            user=late.user,
            until=timezone.localdate(),
            reason="遅れた記録",
        )
    work_case = make_case(late, opened_on=date(2022, 4, 1))
    case_actions.log_contact(
        actor=late, case=work_case, date=date(2021, 9, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )

    r2, r3 = national_years(nation, [2020, 2021])
    # R3: own 3 + 2 (approved), other 4 (approved), third 5 (live); referrals 1 + 1 + 2 + 0.
    assert (r3.label, r3.contacts, r3.referrals) == ("令和3年度", 14, 4)
    assert sorted(r3.approved) == sorted([network["own"].name, network["other"].name])
    assert r3.live == [third.name]
    rows = {name: (n, share) for name, n, share in r3.categories}
    assert rows[category.name] == (4, 100.0)
    assert all(n == 0 for name, (n, _s) in rows.items() if name != category.name)
    assert len(rows) == PartnerCategory.objects.count() + 1  # every category and 居場所, 0 included
    # R2: no returns; every prefecture counted live and marked.
    assert (r2.label, r2.contacts, r2.referrals, r2.approved) == ("令和2年度", 1, 0, [])
    assert len(r2.live) == 3
