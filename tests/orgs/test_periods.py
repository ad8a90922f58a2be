"""Period locks: every write path that records dated work refuses a date in a locked period, for the
organisation that locked it and everything below it, and nowhere else."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.cases.factories import actor_for, make_case
from tests.factories import SYSTEM, make_staff
from tests.ledger.builders import case_row, contact_row, ledger, referral_row, xlsx_bytes
from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter, Contact, ReferralStatus, ReferralTarget, Status
from tsunagu.ibasho import actions as ibasho_actions
from tsunagu.ibasho.models import Attendance
from tsunagu.ledger.importing import import_ledger
from tsunagu.orgs.models import PartnerCategory, Role
from tsunagu.orgs.periods import OpenCheck, ensure_open, lock_fiscal_year, lock_months

LOCKED = "令和3年4月1日〜令和4年3月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"
IN_FY2021, IN_FY2022 = date(2021, 6, 1), date(2022, 4, 5)


def refused(error) -> dict:
    return error.value.message_dict


@pytest.fixture
def worker(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


def test_a_lock_covers_its_months_for_the_organisation_and_everything_below(network):
    lock = lock_fiscal_year(network["own"], 2021)
    assert (lock.starts_on, lock.ends_on) == (date(2021, 4, 1), date(2022, 3, 31))
    for org in (network["own"], network["own_center"], network["own_city"]):
        with pytest.raises(ValidationError) as error:
            ensure_open(org, date(2022, 3, 31), field="date", actor=SYSTEM)
        assert refused(error) == {"date": [LOCKED]}
        ensure_open(org, date(2021, 3, 31), actor=SYSTEM)
        ensure_open(org, date(2022, 4, 1), actor=SYSTEM)
    ensure_open(network["own"], None, actor=SYSTEM)
    ensure_open(network["other_center"], IN_FY2021, actor=SYSTEM)  # another prefecture
    ensure_open(network["nation"], IN_FY2021, actor=SYSTEM)  # nor above
    with pytest.raises(ValidationError) as error:
        ensure_open(network["own_city"], IN_FY2021, actor=SYSTEM)
    assert error.value.messages == [LOCKED]


def test_months_are_locked_whole_and_read_once_for_many_dates(network, django_assert_num_queries):
    lock = lock_months(network["own_center"], date(2023, 5, 17), date(2024, 2, 3))
    assert (lock.starts_on, lock.ends_on) == (date(2023, 5, 1), date(2024, 2, 29))
    with django_assert_num_queries(1):
        check = OpenCheck(network["own_center"], actor=SYSTEM)
    with django_assert_num_queries(0):
        assert check.message(date(2023, 4, 30)) is None
        assert check.message(date(2024, 2, 29)).startswith("令和5年5月1日〜令和6年2月29日は締められた期間です。")
        assert check.message(None) is None


def test_case_actions_refuse_dated_work_in_a_locked_period(network, worker):
    case = make_case(worker, opened_on=date(2021, 4, 1), birth_date=date(1990, 7, 1))
    contact = actions.log_contact(
        actor=worker, case=case, date=IN_FY2021, channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    later = actions.log_contact(
        actor=worker, case=case, date=IN_FY2022, channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    referral = actions.refer(
        actor=worker,
        case=case,
        date=IN_FY2021,
        target=ReferralTarget.PERSON,
        category=PartnerCategory.objects.first(),
        partner_name="外部の窓口",
    )
    lock_fiscal_year(network["own"], 2021)
    attempts = {
        "open_case": lambda: make_case(worker, opened_on=IN_FY2021),
        "log_contact": lambda: actions.log_contact(
            actor=worker, case=case, date=IN_FY2021, channel=Channel.PHONE, consulter=Consulter.PERSON
        ),
        "update_contact": lambda: actions.update_contact(actor=worker, contact=contact, notes="書き直し"),
        "move_contact_in": lambda: actions.update_contact(actor=worker, contact=later, date=IN_FY2021),
        "delete_contact": lambda: actions.delete_contact(actor=worker, contact=contact),
        "change_status": lambda: actions.change_status(
            actor=worker, case=case, status=Status.CLOSED, on=date(2022, 3, 1)
        ),
        "move_opened_on": lambda: actions.update_case(actor=worker, case=case, opened_on=IN_FY2022),
        "reband_contacts": lambda: actions.update_case(actor=worker, case=case, birth_date=date(1980, 1, 1)),
        "record_consent": lambda: actions.record_consent(
            actor=worker,
            case=case,
            given_by=ReferralTarget.PERSON,
            purpose="受診のため",
            given_on=IN_FY2021,
            share_with=[network["own_city"]],
        ),
        "refer": lambda: actions.refer(
            actor=worker,
            case=case,
            date=IN_FY2021,
            target=ReferralTarget.PERSON,
            category=PartnerCategory.objects.first(),
            partner_name="外部の窓口",
        ),
        "set_referral_status": lambda: actions.set_referral_status(
            actor=worker, referral=referral, status=ReferralStatus.DECIDED, on=date(2022, 3, 31)
        ),
    }
    fields = {
        "open_case": "opened_on",
        "change_status": "on",
        "move_opened_on": "opened_on",
        "reband_contacts": "birth_date",
        "record_consent": "given_on",
        "set_referral_status": "on",
    }
    for name, attempt in attempts.items():
        with pytest.raises(ValidationError) as error:
            attempt()
        assert refused(error) == {fields.get(name, "date"): [LOCKED]}, name
    assert Contact.objects.filter(case=case).count() == 2
    contact.refresh_from_db()
    assert (contact.notes, later.date) == ("", IN_FY2022)
    # What changes no reported figure is still open: a name, a contact after the period, a status now.
    actions.update_case(actor=worker, case=case, name="山田 花子")
    actions.update_contact(actor=worker, contact=later, notes="追記")
    actions.change_status(actor=worker, case=case, status=Status.SUPPORT, on=IN_FY2022)


def test_another_prefecture_is_not_locked(network):
    other = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    lock_fiscal_year(network["own"], 2021)
    case = make_case(other, opened_on=IN_FY2021)
    actions.log_contact(actor=other, case=case, date=IN_FY2021, channel=Channel.PHONE, consulter=Consulter.PERSON)


def test_ibasho_sessions_and_attendance_refuse_a_locked_date(network, worker):
    from datetime import time

    salon = ibasho_actions.create_ibasho(
        actor=worker, organisation=worker.organisation, name="まったりサロン", kind="physical", place="市民会館"
    )
    session = ibasho_actions.create_event(actor=worker, ibasho=salon, date=IN_FY2021, start_time=time(14))
    open_session = ibasho_actions.create_event(actor=worker, ibasho=salon, date=IN_FY2022, start_time=time(14))
    case = make_case(worker, opened_on=date(2021, 4, 1))
    attendance = ibasho_actions.record_attendance(actor=worker, event=session, case=case)
    lock_fiscal_year(network["own"], 2021)
    with pytest.raises(ValidationError) as error:
        ibasho_actions.create_event(actor=worker, ibasho=salon, date=IN_FY2021, start_time=time(15))
    assert refused(error) == {"date": [LOCKED]}
    with pytest.raises(ValidationError) as error:
        ibasho_actions.update_event(actor=worker, event=open_session, date=IN_FY2021)
    assert refused(error) == {"date": [LOCKED]}
    with pytest.raises(ValidationError) as error:
        ibasho_actions.record_attendance(actor=worker, event=session, nickname="たろう")
    assert error.value.messages == [LOCKED]
    with pytest.raises(ValidationError) as error:
        ibasho_actions.remove_attendance(actor=worker, attendance=attendance)
    assert error.value.messages == [LOCKED]
    assert Attendance.objects.count() == 1
    ibasho_actions.update_event(actor=worker, event=session, place="公民館")  # the date stays: open
    ibasho_actions.record_attendance(actor=worker, event=open_session, nickname="たろう")


def test_a_ledger_row_in_a_locked_period_is_refused_and_an_unchanged_one_is_not(network):
    org = network["own_center"]
    first = ledger(
        [case_row(number="A", opened="2021-04-05")],
        [contact_row(number="A", day="2021-04-05")],
        [referral_row(number="A", day="2021-06-01")],
    )
    assert import_ledger(actor=SYSTEM, organisation=org, files=[("台帳.xlsx", xlsx_bytes(first))]).ok
    lock_fiscal_year(network["own"], 2021)
    again = import_ledger(actor=SYSTEM, organisation=org, files=[("台帳.xlsx", xlsx_bytes(first))])
    assert again.ok, again.errors
    new_case = ledger([case_row(number="A", opened="2021-04-05"), case_row(number="B", opened="2021-05-01")])
    result = import_ledger(actor=SYSTEM, organisation=org, files=[("台帳.xlsx", xlsx_bytes(new_case))])
    assert result.errors == [f"「ケース」シート 3行目「受付日」: {LOCKED}"]
    grown = ledger(
        [case_row(number="A", opened="2021-04-05")],
        [contact_row(number="A", day="2021-04-05"), contact_row(number="A", day="2021-07-01", notes="追加")],
        [
            referral_row(number="A", day="2021-06-01", result="支援決定", result_on="2022-03-02"),
            referral_row(number="A", day="2022-03-01", name="別の窓口"),
        ],
    )
    result = import_ledger(actor=SYSTEM, organisation=org, files=[("台帳.xlsx", xlsx_bytes(grown))])
    assert result.errors == [
        f"「相談記録」シート 3行目「日付」: {LOCKED}",
        f"「つなぎ」シート 2行目「結果日」: {LOCKED}",
        f"「つなぎ」シート 3行目「日付」: {LOCKED}",
    ]
    assert Contact.objects.filter(case__organisation=org).count() == 1


def test_removing_locked_work_on_the_pages_answers_with_the_reason(client, network):
    from datetime import time

    from django.urls import reverse

    from tests.conftest import act_as

    member = make_staff(network["own_center"], Role.COORDINATOR)
    worker = actor_for(member)
    case = make_case(worker, opened_on=date(2021, 4, 1))
    contact = actions.log_contact(
        actor=worker, case=case, date=IN_FY2021, channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    salon = ibasho_actions.create_ibasho(
        actor=worker, organisation=worker.organisation, name="サロン", kind="physical", place="市民会館"
    )
    session = ibasho_actions.create_event(actor=worker, ibasho=salon, date=IN_FY2021, start_time=time(14))
    attendance = ibasho_actions.record_attendance(actor=worker, event=session, case=case)
    lock_fiscal_year(network["own"], 2021)
    act_as(client, member)
    response = client.post(reverse("contact_delete", args=[case.pk, contact.pk]), follow=True)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    response = client.post(reverse("ibasho_attendance_remove", args=[attendance.pk]), follow=True)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert (Contact.objects.count(), Attendance.objects.count()) == (1, 1)
