"""The case-work domain functions: derived fields, locking, consent and referrals, and their audit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tsunagu.audit.log import MASK
from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.models import (
    AgeBand,
    Case,
    Channel,
    Consulter,
    Contact,
    ReferralStatus,
    ReferralTarget,
    Status,
    StatusChange,
)
from tsunagu.cases.rules import age_band_on, band_for_age, is_ice_age_generation, looks_like_8050
from tsunagu.orgs.models import OrgKind, PartnerCategory, Role

from ..factories import make_org, make_staff
from .factories import actor_for, make_case


@pytest.fixture
def coordinator(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


@pytest.mark.parametrize(
    "age,band",
    [
        (None, "unknown"),
        (0, "10s"),
        (19, "10s"),
        (20, "20s"),
        (29, "20s"),
        (30, "30s"),
        (45, "40s"),
        (59, "50s"),
        (60, "60s"),
        (88, "60s"),
    ],
)
def test_age_bands(age, band):
    assert band_for_age(age) == band


def test_band_is_taken_at_the_contact_date():
    birth = date(1991, 10, 2)
    assert age_band_on(birth_date=birth, known_band="unknown", on=date(2021, 10, 1)) == AgeBand.TWENTIES
    assert age_band_on(birth_date=birth, known_band="unknown", on=date(2021, 10, 2)) == AgeBand.THIRTIES
    # Without a birth date the ledger's band stands.
    assert age_band_on(birth_date=None, known_band=AgeBand.FORTIES, on=date(2021, 10, 2)) == AgeBand.FORTIES


def test_ice_age_generation_uses_age_on_april_first_of_the_fiscal_year():
    # FY2021 starts 2021-04-01: born 1987-04-01 is 34 that day, born 1987-04-02 is still 33.
    assert is_ice_age_generation(date(1987, 4, 1), date(2022, 3, 31)) is True
    assert is_ice_age_generation(date(1987, 4, 2), date(2022, 3, 31)) is False
    assert is_ice_age_generation(date(1971, 4, 2), date(2021, 6, 1)) is True  # 49
    assert is_ice_age_generation(date(1971, 4, 1), date(2021, 6, 1)) is False  # 50
    assert is_ice_age_generation(None, date(2021, 6, 1)) is None


def test_8050_suggestion():
    from types import SimpleNamespace as Member

    household = [Member(relationship="母", age=78), Member(relationship="兄", age=52)]
    assert looks_like_8050(person_age=48, household=household) is True
    assert looks_like_8050(person_age=35, household=household) is False
    assert looks_like_8050(person_age=48, household=[Member(relationship="母", age=65)]) is False


def test_open_case_numbers_folds_and_audits_with_masked_personal_values(coordinator, network):
    case = actions.open_case(
        actor=coordinator,
        opened_on=date(2026, 5, 7),
        number="",
        name="山田 太郎",
        furigana="ヤマダ　タロウ",
        first_consulter=Consulter.FAMILY,
        household=[{"relationship": "母", "age": 80}],
    )
    assert case.number == "2026-0001"
    assert case.search_key == "山田太郎|やまだたろう"
    assert list(case.assigned.all()) == [coordinator.user]
    assert list(case.status_changes.values_list("status", "changed_on")) == [("intake", date(2026, 5, 7))]
    assert case.household.get().relationship == "母"
    second = actions.open_case(
        actor=coordinator, opened_on=date(2026, 6, 1), number="", first_consulter=Consulter.PERSON
    )
    assert second.number == "2026-0002"
    entry = AuditEntry.objects.get(action="case.open", object_id=str(case.pk))
    assert entry.changes["name"] == [MASK, MASK]
    assert entry.changes["furigana"] == [MASK, MASK]
    assert entry.changes["first_consulter"] == [None, "family"]
    assert entry.organisation == network["own_center"]


def test_case_numbers_are_unique_per_organisation(coordinator, network):
    make_case(coordinator, number="A-1")
    with pytest.raises(ValidationError) as error:
        make_case(coordinator, number="A-1")
    assert error.value.message_dict["number"] == ["ケース番号「A-1」はすでにあります。"]
    other = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    assert make_case(other, number="A-1").number == "A-1"


def test_contacts_keep_first_and_last_dates_and_the_band(coordinator):
    case = make_case(coordinator, birth_date=date(1991, 10, 2))
    first = actions.log_contact(
        actor=coordinator, case=case, date=date(2021, 10, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    actions.log_contact(
        actor=coordinator,
        case=case,
        date=date(2022, 1, 5),
        channel=Channel.HOME_VISIT,
        consulter=Consulter.PERSON,
        with_peer=True,
    )
    case.refresh_from_db()
    assert (case.first_contact_on, case.last_contact_on) == (date(2021, 10, 1), date(2022, 1, 5))
    assert first.age_band == AgeBand.TWENTIES  # a parent called; the band is the person's
    assert first.staff == coordinator.user
    actions.delete_contact(actor=coordinator, contact=first)
    case.refresh_from_db()
    assert case.first_contact_on == date(2022, 1, 5)


def test_changing_the_birth_date_rebands_the_contacts(coordinator):
    case = make_case(coordinator, age_band=AgeBand.FORTIES)
    contact = actions.log_contact(
        actor=coordinator, case=case, date=date(2021, 10, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    assert contact.age_band == AgeBand.FORTIES
    actions.update_case(actor=coordinator, case=case, birth_date=date(1990, 1, 1))
    contact.refresh_from_db()
    assert contact.age_band == AgeBand.THIRTIES


def test_second_save_from_a_stale_form_is_refused(coordinator):
    case = make_case(coordinator, notes="最初のメモ")
    opened_version = case.version
    actions.update_case(
        actor=coordinator, case=Case.objects.get(pk=case.pk), version=opened_version, notes="先に保存した人のメモ"
    )
    with pytest.raises(actions.StaleEdit) as error:
        actions.update_case(
            actor=coordinator, case=Case.objects.get(pk=case.pk), version=opened_version, notes="後から保存した人のメモ"
        )
    assert "上書きしないよう保存を止めました" in error.value.messages[0]
    assert Case.objects.get(pk=case.pk).notes == "先に保存した人のメモ"
    assert AuditEntry.objects.filter(action="case.update", object_id=str(case.pk)).count() == 1


def test_stale_contact_edit_is_refused(coordinator):
    case = make_case(coordinator)
    contact = actions.log_contact(
        actor=coordinator,
        case=case,
        date=date(2021, 5, 1),
        channel=Channel.PHONE,
        consulter=Consulter.FAMILY,
        minutes=10,
    )
    actions.update_contact(actor=coordinator, contact=Contact.objects.get(pk=contact.pk), version=1, minutes=20)
    with pytest.raises(actions.StaleEdit):
        actions.update_contact(actor=coordinator, contact=Contact.objects.get(pk=contact.pk), version=1, minutes=30)
    assert Contact.objects.get(pk=contact.pk).minutes == 20


def test_status_lifecycle_with_reopen(coordinator):
    case = make_case(coordinator, opened_on=date(2021, 4, 1))
    actions.change_status(actor=coordinator, case=case, status=Status.ASSESSMENT, on=date(2021, 4, 10))
    actions.change_status(actor=coordinator, case=case, status=Status.SUPPORT, on=date(2021, 5, 1))
    actions.change_status(actor=coordinator, case=case, status=Status.CLOSED, on=date(2022, 3, 1))
    assert case.closed_on == date(2022, 3, 1)
    with pytest.raises(ValidationError):
        actions.change_status(actor=coordinator, case=case, status=Status.INTAKE, on=date(2022, 3, 2))
    actions.change_status(actor=coordinator, case=case, status=Status.SUPPORT, on=date(2022, 6, 1), note="再相談")
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (Status.SUPPORT, None)
    assert list(StatusChange.objects.filter(case=case).values_list("status", flat=True)) == [
        "intake",
        "assessment",
        "support",
        "closed",
        "support",
    ]
    assert AuditEntry.objects.filter(action="case.reopen", object_id=str(case.pk)).count() == 1


def test_future_dates_are_refused(coordinator):
    case = make_case(coordinator)
    with pytest.raises(ValidationError) as error:
        actions.log_contact(
            actor=coordinator, case=case, date=date(2999, 1, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
        )
    assert error.value.message_dict == {"date": ["未来の日付は入力できません。"]}


def test_viewer_and_statistician_cannot_write(network):
    for role in (Role.VIEWER, Role.STATISTICIAN):
        with pytest.raises(PermissionDenied):
            make_case(actor_for(make_staff(network["own_center"], role)))


@pytest.fixture
def partner(network):
    return make_org(
        OrgKind.PARTNER,
        network["own"],
        name="みなと地域若者サポートステーション",
        category="地域若者サポートステーション",
    )


def test_sharing_personal_data_needs_consent(coordinator, partner):
    case = make_case(coordinator, name="佐藤花子")
    with pytest.raises(ValidationError) as error:
        actions.refer(
            actor=coordinator,
            case=case,
            date=date(2021, 6, 1),
            target=ReferralTarget.PERSON,
            partner=partner,
            shares_personal_data=True,
        )
    assert error.value.message_dict["override_reason"] == [
        "みなと地域若者サポートステーションへの共有に本人・家族の同意が記録されていません。"
        "同意を記録するか、管理者が理由を書いて共有してください。"
    ]
    consent = actions.record_consent(
        actor=coordinator,
        case=case,
        given_by=ReferralTarget.PERSON,
        purpose="就労支援のため",
        given_on=date(2021, 5, 30),
        share_with_categories=[partner.category],
    )
    referral = actions.refer(
        actor=coordinator,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        partner=partner,
        shares_personal_data=True,
    )
    assert referral.consent == consent
    assert referral.category.name == "地域若者サポートステーション"
    assert actions.shared_case_fields(referral)["name"] == "佐藤花子"
    actions.withdraw_consent(actor=coordinator, consent=consent, on=date(2021, 7, 1))
    referral.consent.refresh_from_db()
    assert "name" not in actions.shared_case_fields(referral)


def test_only_an_administrator_may_override_consent(coordinator, partner, network):
    case = make_case(coordinator)
    with pytest.raises(ValidationError) as error:
        actions.refer(
            actor=coordinator,
            case=case,
            date=date(2021, 6, 1),
            target=ReferralTarget.PERSON,
            partner=partner,
            shares_personal_data=True,
            override_reason="緊急のため",
        )
    assert error.value.message_dict["override_reason"] == ["同意なしの共有は管理者だけが行えます。"]
    admin = actor_for(make_staff(network["own_center"], Role.ADMIN))
    referral = actions.refer(
        actor=admin,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        partner=partner,
        shares_personal_data=True,
        override_reason="生命の危険があるため",
    )
    assert (referral.override_by, referral.override_reason) == (admin.user, "生命の危険があるため")
    assert AuditEntry.objects.filter(action="referral.override", object_id=str(referral.pk)).count() == 1


def test_referral_to_an_ibasho_needs_no_category(coordinator):
    case = make_case(coordinator)
    referral = actions.refer(
        actor=coordinator,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="家族会の居場所",
    )
    assert (referral.category, referral.to_ibasho, referral.status) == (None, True, ReferralStatus.REQUESTED)
    with pytest.raises(ValidationError) as error:
        actions.refer(actor=coordinator, case=case, date=date(2021, 6, 1), target=ReferralTarget.FAMILY)
    assert "category" in error.value.message_dict


def test_partner_accepts_and_gets_its_own_linked_case(coordinator, partner):
    case = make_case(coordinator, name="佐藤花子", birth_date=date(1985, 3, 3))
    consent = actions.record_consent(
        actor=coordinator,
        case=case,
        given_by=ReferralTarget.PERSON,
        purpose="就労",
        given_on=date(2021, 5, 30),
        share_with=[partner],
    )
    referral = actions.refer(
        actor=coordinator,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        partner=partner,
        shares_personal_data=True,
    )
    partner_worker = actor_for(make_staff(partner, Role.COORDINATOR))
    with pytest.raises(PermissionDenied):
        actions.accept_referral(actor=coordinator, referral=referral, on=date(2021, 6, 10))
    new_case = actions.accept_referral(actor=partner_worker, referral=referral, on=date(2021, 6, 10))
    assert new_case.organisation == partner
    assert new_case.origin_referral == referral
    assert (new_case.name, new_case.birth_date, new_case.opened_on) == ("佐藤花子", date(1985, 3, 3), date(2021, 6, 10))
    referral.refresh_from_db()
    assert (referral.status, referral.result_on) == (ReferralStatus.DECIDED, date(2021, 6, 10))
    assert consent.referrals.get() == referral
    with pytest.raises(ValidationError):
        actions.accept_referral(actor=partner_worker, referral=referral, on=date(2021, 6, 11))


def test_without_consent_the_partner_sees_no_personal_data(coordinator, partner):
    case = make_case(coordinator, name="佐藤花子", birth_date=date(1985, 3, 3))
    referral = actions.refer(
        actor=coordinator, case=case, date=date(2021, 6, 1), target=ReferralTarget.PERSON, partner=partner
    )
    shared = actions.shared_case_fields(referral)
    assert set(shared) == {"age_band", "sex", "municipality", "target"}
    assert shared["age_band"] == AgeBand.THIRTIES
    new_case = actions.accept_referral(
        actor=actor_for(make_staff(partner, Role.COORDINATOR)), referral=referral, on=date(2021, 6, 10)
    )
    assert (new_case.name, new_case.birth_date, new_case.age_band) == ("", None, AgeBand.THIRTIES)


def test_categories_of_the_national_report_are_data_in_order(db):
    names = list(PartnerCategory.objects.values_list("name", flat=True))
    assert len(names) == 21
    assert names[8] == "精神保健福祉センター"
    assert names[-1] == "その他"
