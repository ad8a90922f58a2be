"""The rules of cases.domain, through the actions that every write path calls: the rules that used to
live only in the forms, the length limits and the search key."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions, domain
from tsunagu.cases.models import Case, Channel, Consulter, Contact, Referral, ReferralTarget
from tsunagu.orgs.models import PartnerCategory, Role

from ..factories import make_staff, make_user
from .factories import actor_for, make_case


@pytest.fixture
def coordinator(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


def _contact(actor, case, **values):
    values = {"date": date(2021, 5, 1), "channel": Channel.PHONE, "consulter": Consulter.FAMILY, **values}
    return actions.log_contact(actor=actor, case=case, **values)


@pytest.mark.parametrize(
    "field,value", [("with_peer", True), ("with_specialist_team", True), ("visit_members", "鈴木（ピア）")]
)
def test_visit_fields_only_for_home_visits_and_accompaniment(coordinator, field, value):
    case = make_case(coordinator)
    with pytest.raises(ValidationError) as error:
        _contact(coordinator, case, channel=Channel.PHONE, **{field: value})
    assert error.value.message_dict == {
        field: ["訪問・同行のときだけ入力できます。方法を「訪問」か「同行」にしてください。"]
    }
    assert Contact.objects.count() == 0
    visit = _contact(coordinator, case, channel=Channel.HOME_VISIT, **{field: value})
    assert getattr(visit, field) == value
    contact = _contact(coordinator, case, channel=Channel.ACCOMPANY)
    with pytest.raises(ValidationError) as error:
        actions.update_contact(actor=coordinator, contact=contact, channel=Channel.EMAIL, **{field: value})
    assert list(error.value.message_dict) == [field]


def test_a_referral_needs_a_partner_or_a_partner_name(coordinator):
    case = make_case(coordinator)
    category = PartnerCategory.objects.get(name="ハローワーク")
    for name in ("", "   "):
        with pytest.raises(ValidationError) as error:
            actions.refer(
                actor=coordinator,
                case=case,
                date=date(2021, 6, 1),
                target=ReferralTarget.PERSON,
                category=category,
                partner_name=name,
            )
        assert error.value.message_dict == {"partner": ["つなぎ先を一覧から選ぶか、名称を入力してください。"]}
    assert Referral.objects.count() == 0
    referral = actions.refer(
        actor=coordinator,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        category=category,
        partner_name="ハローワーク青海",
    )
    assert referral.partner_name == "ハローワーク青海"


def test_the_named_staff_member_must_work_in_the_organisation(coordinator, network):
    case = make_case(coordinator)
    outsider = make_staff(network["other_center"], Role.COORDINATOR).user
    viewer = make_staff(network["own_center"], Role.VIEWER).user
    left = make_staff(network["own_center"], Role.COORDINATOR)
    left.is_active = False
    left.save()
    for user in (outsider, viewer, left.user, make_user()):
        with pytest.raises(ValidationError) as error:
            _contact(coordinator, case, staff=user)
        assert error.value.message_dict == {"staff": ["担当者はこの組織の職員から選んでください。"]}
    assert Contact.objects.count() == 0
    colleague = make_staff(network["own_center"], Role.PEER).user
    contact = _contact(coordinator, case, staff=colleague)
    assert contact.staff == colleague
    with pytest.raises(ValidationError) as error:
        actions.update_contact(actor=coordinator, contact=contact, staff=outsider)
    assert error.value.message_dict == {"staff": ["担当者はこの組織の職員から選んでください。"]}
    assert Contact.objects.get().staff == colleague


def test_assignees_must_work_in_the_organisation(coordinator, network):
    outsider = make_staff(network["other_center"], Role.COORDINATOR).user
    colleague = make_staff(network["own_center"], Role.COORDINATOR).user
    with pytest.raises(ValidationError) as error:
        make_case(coordinator, assigned=[colleague, outsider])
    assert error.value.message_dict == {"assigned": ["担当者はこの組織の職員から選んでください。"]}
    assert Case.objects.count() == 0
    case = make_case(coordinator, assigned=[colleague])
    with pytest.raises(ValidationError) as error:
        actions.set_assigned(actor=coordinator, case=case, users=[outsider])
    assert error.value.message_dict == {"assigned": ["担当者はこの組織の職員から選んでください。"]}
    assert list(case.assigned.all()) == [colleague]
    assert not AuditEntry.objects.filter(action="case.assign").exists()


def test_a_contact_note_has_one_limit_that_fits_an_xlsx_cell(coordinator):
    case = make_case(coordinator)
    assert domain.CONTACT_LIMITS["notes"] == 16_000 < domain.XLSX_CELL
    with pytest.raises(ValidationError) as error:
        _contact(coordinator, case, notes="あ" * 40_000)
    assert error.value.message_dict == {"notes": ["16,000文字以内で入力してください（40,000文字あります）。"]}
    assert _contact(coordinator, case, notes="あ" * 16_000).notes == "あ" * 16_000


def test_every_limit_fits_an_xlsx_cell():
    limits = [
        domain.CASE_LIMITS,
        domain.CONTACT_LIMITS,
        domain.REFERRAL_LIMITS,
        domain.CONSENT_LIMITS,
        domain.STATUS_LIMITS,
    ]
    assert max(limit for table in limits for limit in table.values()) <= domain.XLSX_CELL
    # The model columns hold what the limits let through.
    for model, table in (
        (Case, domain.CASE_LIMITS),
        (Contact, domain.CONTACT_LIMITS),
        (Referral, domain.REFERRAL_LIMITS),
    ):
        for name, limit in table.items():
            column = model._meta.get_field(name).max_length
            assert column is None or column >= limit, (model, name)


def test_a_name_that_grows_under_nfkc_keeps_a_search_key_within_its_column(coordinator):
    """㈱ folds to (株): a 100-character name became a 300-character key, which PostgreSQL refused
    with a server error (the column holds 220)."""
    case = make_case(coordinator, name="㈱" * 100, furigana="ｶﾌﾞｼｷｶﾞｲｼｬ" * 10)
    case.refresh_from_db()
    assert len(case.search_key) <= Case._meta.get_field("search_key").max_length
    assert case.search_key == "(株)" * 36 + "(|" + "かぶしきがいしゃ" * 10
    actions.update_case(actor=coordinator, case=case, name="㈲" * 100)
    case.refresh_from_db()
    assert case.search_key.startswith("(有)" * 36 + "(|")


def test_a_contact_before_the_birth_date_and_a_birth_date_after_a_contact_are_refused_on_their_field(coordinator):
    case = make_case(coordinator, opened_on=date(2021, 4, 1), birth_date=date(2000, 1, 1))
    with pytest.raises(ValidationError) as error:
        _contact(coordinator, case, date=date(1999, 12, 31))
    assert error.value.message_dict == {
        "date": ["生年月日（2000年1月1日）より前の日付です。日付か生年月日を確かめてください。"]
    }
    _contact(coordinator, case, date=date(2021, 4, 5))
    with pytest.raises(ValidationError) as error:
        actions.update_case(actor=coordinator, case=case, birth_date=date(2021, 4, 6), opened_on=date(2021, 4, 7))
    assert error.value.message_dict["birth_date"] == [
        "2021年4月5日の相談記録より後の生年月日です。生年月日か相談記録の日付を確かめてください。"
    ]
