"""The coordinator's daily tool (issue 14): appointments, the home page, people around a case, the case
list's filters and search, and case numbers per fiscal year."""

from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.log import MASK
from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.models import (
    Appointment,
    AppointmentStatus,
    CaseSettings,
    Channel,
    Consulter,
    Contact,
    NumberingScheme,
    ReferralTarget,
)
from tsunagu.orgs.models import Role
from tsunagu.stats.report import Period, build_report, counted_report

from ..conftest import act_as
from ..factories import make_staff
from .factories import actor_for, make_case


@pytest.fixture
def centre(network):
    return network["own_center"]


@pytest.fixture
def coordinator(centre):
    return make_staff(centre, Role.COORDINATOR, username="sato")


@pytest.fixture
def worker(client, coordinator):
    act_as(client, coordinator)
    return actor_for(coordinator)


def today():
    return timezone.localdate()


# --- case numbers ---------------------------------------------------------------------------------


def test_case_numbers_follow_the_fiscal_year_by_default(worker):
    # 2026-02-10 lies in 令和7年度 (FY2025): its case is 2025-0001, not 2026-0001.
    first = make_case(worker, number="", opened_on=date(2026, 2, 10))
    second = make_case(worker, number="", opened_on=date(2026, 3, 31))
    april = make_case(worker, number="", opened_on=date(2026, 4, 1))
    assert (first.number, second.number, april.number) == ("2025-0001", "2025-0002", "2026-0001")


def test_an_organisation_may_number_cases_by_calendar_year(client, network, worker):
    admin = make_staff(network["own_center"], Role.ADMIN)
    act_as(client, admin)
    page = client.get(reverse("case_settings"))
    assert page.status_code == 200 and page.context["form"].initial["numbering"] == NumberingScheme.FISCAL
    response = client.post(reverse("case_settings"), {"numbering": NumberingScheme.CALENDAR, "version": "1"})
    assert response.status_code == 302
    assert CaseSettings.objects.get(organisation=network["own_center"]).numbering == NumberingScheme.CALENDAR
    assert make_case(worker, number="", opened_on=date(2026, 2, 10)).number == "2026-0001"
    entry = AuditEntry.objects.get(action="case_settings.update")
    assert entry.changes == {"numbering": ["fiscal", "calendar"]}
    # A coordinator may not change it.
    act_as(client, make_staff(network["own_center"], Role.COORDINATOR))
    assert client.get(reverse("case_settings")).status_code == 403


def test_the_serial_is_the_largest_of_the_year_plus_one_even_past_9999(worker):
    make_case(worker, number="2025-9999", opened_on=date(2026, 1, 5))
    assert make_case(worker, number="", opened_on=date(2026, 1, 6)).number == "2025-10000"


# --- appointments -----------------------------------------------------------------------------------


def test_an_appointment_is_planned_shown_and_closed_by_recording_the_contact(client, worker, coordinator):
    case = make_case(worker, number="2026-0022", name="山田太郎")
    response = client.post(
        reverse("appointment_add", kwargs={"pk": case.pk}),
        {
            "date": today().isoformat(),
            "time": "14:30",
            "channel": Channel.HOME_VISIT,
            "place": "自宅",
            "staff": [coordinator.user.pk],
            "notes": "母と同席",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(case=case)
    assert (appointment.date, appointment.time, appointment.place) == (today(), time(14, 30), "自宅")
    assert list(appointment.staff.all()) == [coordinator.user]
    created = AuditEntry.objects.get(action="appointment.create")
    assert created.changes["place"] == [MASK, MASK] and created.changes["staff"] == [None, ["sato"]]

    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "この予定の記録をする" in page and "自宅" in page

    form = client.get(reverse("contact_add", kwargs={"pk": case.pk}), {"appointment": appointment.pk})
    initial = form.context["form"].initial
    assert (initial["date"], initial["time"], initial["channel"]) == (today(), time(14, 30), Channel.HOME_VISIT)
    assert "次の予定の記録です" in form.content.decode()
    response = client.post(
        reverse("contact_add", kwargs={"pk": case.pk}),
        {
            "date": today().isoformat(),
            "time": "14:40",
            "channel": Channel.HOME_VISIT,
            "consulter": Consulter.FAMILY,
            "consulter_relation": "母",
            "notes": "訪問した",
            "appointment": str(appointment.pk),
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(case=case)
    assert (contact.time, contact.consulter, contact.consulter_relation) == (time(14, 40), "family", "母")
    appointment.refresh_from_db()
    assert (appointment.status, appointment.contact_id, appointment.version) == ("done", contact.pk, 2)
    assert AuditEntry.objects.get(action="appointment.done").changes == {
        "status": ["planned", "done"],
        "contact": [None, contact.pk],
    }
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "この予定の記録をする" not in page
    assert "14:40 <strong>訪問</strong>" in page and "家族（母）" in page


def test_a_closed_appointment_cannot_be_recorded_twice(worker):
    case = make_case(worker)
    appointment = actions.schedule_appointment(actor=worker, case=case, date=today(), channel=Channel.PHONE)
    values = {"date": today(), "channel": Channel.PHONE, "consulter": Consulter.PERSON}
    actions.log_contact(actor=worker, case=case, appointment=appointment, **values)
    with pytest.raises(ValidationError) as error:
        actions.log_contact(actor=worker, case=case, appointment=appointment, **values)
    assert error.value.message_dict == {"appointment": ["この予定はすでに記録済みか取り消されています。"]}
    assert Contact.objects.filter(case=case).count() == 1


def test_another_cases_appointment_does_not_close_through_this_case(client, worker):
    case, other = make_case(worker), make_case(worker)
    appointment = actions.schedule_appointment(actor=worker, case=other, date=today(), channel=Channel.PHONE)
    response = client.post(
        reverse("contact_add", kwargs={"pk": case.pk}),
        {"date": today().isoformat(), "channel": "phone", "consulter": "person", "appointment": appointment.pk},
    )
    assert response.status_code == 200
    assert "この予定はすでに記録済みか取り消されています。" in response.content.decode()
    assert not Contact.objects.exists()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PLANNED


def test_an_appointment_edit_carries_its_version_and_a_cancel_closes_it(client, worker):
    case = make_case(worker)
    appointment = actions.schedule_appointment(actor=worker, case=case, date=today(), channel=Channel.PHONE)
    actions.update_appointment(actor=worker, appointment=appointment, version=1, place="センター")
    response = client.post(
        reverse("appointment_edit", kwargs={"pk": case.pk, "appointment_pk": appointment.pk}),
        {"date": today().isoformat(), "channel": "phone", "place": "病院", "version": "1"},
    )
    assert response.status_code == 200 and "他の人が保存しました" in response.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).place == "センター"
    response = client.post(
        reverse("appointment_cancel", kwargs={"pk": case.pk, "appointment_pk": appointment.pk}), {"version": "2"}
    )
    assert response.status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CANCELLED


def test_an_appointment_before_the_intake_or_years_ahead_is_refused(worker):
    case = make_case(worker, opened_on=date(2026, 1, 5))
    with pytest.raises(ValidationError) as error:
        actions.schedule_appointment(actor=worker, case=case, date=date(2026, 1, 4), channel=Channel.PHONE)
    assert error.value.message_dict == {"date": ["受付日より前の日付にはできません。"]}
    with pytest.raises(ValidationError) as error:
        actions.schedule_appointment(actor=worker, case=case, date=today() + timedelta(days=400), channel="phone")
    assert list(error.value.message_dict) == ["date"]


def test_the_week_view_shows_one_staff_members_week_or_the_organisations(client, worker, centre, coordinator):
    peer = make_staff(centre, Role.PEER, username="suzuki")
    case = make_case(worker, number="W-1", assigned=[coordinator.user, peer.user])
    monday = today() - timedelta(days=today().weekday())
    actions.schedule_appointment(actor=worker, case=case, date=monday, channel="phone", staff=[coordinator.user])
    actions.schedule_appointment(
        actor=worker, case=case, date=monday + timedelta(days=2), channel="office", staff=[peer.user]
    )
    actions.schedule_appointment(actor=worker, case=case, date=monday + timedelta(days=7), channel="phone")
    mine = client.get(reverse("appointment_week"))
    assert mine.context["count"] == 1 and mine.context["who"] == coordinator.user
    everyone = client.get(reverse("appointment_week"), {"week": monday.isoformat(), "staff": ""})
    assert everyone.context["count"] == 2
    assert [len(items) for _day, items in everyone.context["days"]] == [1, 0, 1, 0, 0, 0, 0]
    theirs = client.get(reverse("appointment_week"), {"week": monday.isoformat(), "staff": peer.user.pk})
    assert theirs.context["count"] == 1
    assert AuditEntry.objects.filter(action="appointment.week").count() == 3


# --- the home page ------------------------------------------------------------------------------------


def _home_world(worker, coordinator, network, n, start=0):
    for i in range(start, start + n):
        case = make_case(worker, number=f"H-{i}", name=f"本人{i}", opened_on=date(2025, 4, 1))
        actions.log_contact(actor=worker, case=case, date=date(2025, 5, 1), channel="phone", consulter="family")
        actions.schedule_appointment(actor=worker, case=case, date=today(), time=time(10, i), channel="home_visit")
        actions.refer(
            actor=worker,
            case=case,
            date=date(2025, 6, 1),
            target=ReferralTarget.PERSON,
            partner_name="外部の窓口",
            category=None,
            to_ibasho=True,
        )


def test_the_home_page_says_what_to_do_today(client, worker, coordinator, network):
    _home_world(worker, coordinator, network, 2)
    fresh = make_case(worker, number="H-new", opened_on=today())
    response = client.get(reverse("home"))
    body = response.content.decode()
    work = response.context["casework"]
    assert [a.case.number for a in work["today_appointments"]] == ["H-0", "H-1"]
    assert {row.case.number for row in work["my_cases"]} == {"H-0", "H-1", "H-new"}
    assert {row.case.number: row.next_appointment.date for row in work["my_cases"] if row.next_appointment} == {
        "H-0": today(),
        "H-1": today(),
    }
    assert [c.number for c in work["quiet"]] == ["H-0", "H-1"]  # last contact 2025-05-01; H-new opened today
    assert [r.case.number for r in work["sent_waiting"]] == ["H-0", "H-1"]
    assert body.count("この予定の記録をする") == 2
    assert response.context["web_waiting"] == 0
    assert fresh.number not in [c.number for c in work["quiet"]]


def test_the_home_page_reads_a_fixed_number_of_queries(client, worker, coordinator, network):
    _home_world(worker, coordinator, network, 1)
    client.get(reverse("home"))  # the session's first save is not the page's
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("home")).status_code == 200
    _home_world(worker, coordinator, network, 3, start=1)
    with CaptureQueriesContext(connection) as four:
        assert client.get(reverse("home")).status_code == 200
    # session, user, membership, organisation counts, this week's appointments and their staff, next
    # appointments, my cases, quiet cases, sent referrals, received referrals, the audit entry, Web相談
    # waiting, the children, and the second factor's check of the user's devices: 15 with one case or four.
    assert (len(one), len(four)) == (15, 15)


def test_the_quiet_list_follows_the_chosen_days(client, worker):
    case = make_case(worker, number="Q-1", opened_on=today() - timedelta(days=200))
    actions.log_contact(actor=worker, case=case, date=today() - timedelta(days=45), channel="phone", consulter="family")
    assert [c.number for c in client.get(reverse("home"), {"quiet": "30"}).context["casework"]["quiet"]] == ["Q-1"]
    assert client.get(reverse("home"), {"quiet": "60"}).context["casework"]["quiet"] == []
    assert client.get(reverse("home"), {"quiet": "7"}).context["casework"]["quiet_days"] == 90


def test_the_search_box_opens_a_case_by_its_serial_when_unique(client, worker):
    case = make_case(worker, number="2026-0022")
    response = client.get(reverse("case_find"), {"q": "0022"})
    assert response.status_code == 302 and response.url == reverse("case_detail", kwargs={"pk": case.pk})
    make_case(worker, number="2025-0022")
    response = client.get(reverse("case_find"), {"q": "００２２"})
    assert response.status_code == 302 and response.url.startswith(reverse("case_list"))
    listed = client.get(response.url)
    assert sorted(row.case.number for row in listed.context["rows"]) == ["2025-0022", "2026-0022"]


# --- people around a case ---------------------------------------------------------------------------


def test_the_mother_with_her_phone_is_kept_and_masked_in_the_audit(client, worker):
    case = make_case(worker, number="P-1", opened_on=date(2025, 4, 1))
    post = {
        "number": "P-1",
        "opened_on": "2025-04-01",
        "first_consulter": "family",
        "age_band": "unknown",
        "sex": "unknown",
        "address": "青海市本町1-2-3",
        "phone": "090-1111-2222",
        "version": "1",
        "household-TOTAL_FORMS": "2",
        "household-INITIAL_FORMS": "0",
        "household-0-relationship": "母",
        "household-0-name": "山田花子",
        "household-0-age": "78",
        "household-0-phone": "090-1234-5678",
        "household-0-may_contact": "on",
        "household-0-lives_with": "on",
    }
    response = client.post(reverse("case_edit", kwargs={"pk": case.pk}), post)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.address, case.phone) == ("青海市本町1-2-3", "090-1111-2222")
    assert list(case.household.values_list("relationship", "name", "age", "phone", "may_contact", "lives_with")) == [
        ("母", "山田花子", 78, "090-1234-5678", True, True)
    ]
    entry = AuditEntry.objects.get(action="case.update")
    assert entry.changes["phone"] == [MASK, MASK] and entry.changes["household"] == [MASK, MASK]
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk}))
    body = page.content.decode()
    assert "090-1234-5678" in body and "連絡してよい" in body and "青海市本町1-2-3" in body
    assert AuditEntry.objects.filter(action="case.view", object_id=str(case.pk)).count() == 1


def test_an_old_relationship_word_opens_as_its_group(client, worker):
    case = make_case(worker, household=[{"relationship": "兄", "age": 50}])
    form = client.get(reverse("case_edit", kwargs={"pk": case.pk})).context["household"]
    assert form.initial[0]["relationship"] == "兄弟"


def test_the_relation_of_who_consulted_needs_a_family_consulter(worker):
    case = make_case(worker)
    with pytest.raises(ValidationError) as error:
        actions.log_contact(
            actor=worker, case=case, date=date(2025, 5, 1), channel="phone", consulter="person", consulter_relation="母"
        )
    assert error.value.message_dict == {"consulter_relation": ["続柄は相談者が「家族」のときだけ入力します。"]}


def test_a_mother_who_consulted_counts_as_family_in_the_report(worker, centre):
    case = make_case(worker, opened_on=date(2025, 4, 1))
    for relation in ("母", "父", ""):
        actions.log_contact(
            actor=worker,
            case=case,
            date=date(2025, 5, 1),
            channel="phone",
            consulter="family",
            consulter_relation=relation,
        )
    actions.log_contact(actor=worker, case=case, date=date(2025, 5, 2), channel="phone", consulter="person")
    period = Period(date(2025, 4, 1), date(2026, 3, 31))
    for report in (build_report(centre, period), counted_report(centre, period)):
        assert report["contacts"]["total"] == 4
        assert report["contacts"]["by_consulter"] == {"本人": 1, "家族": 3, "関係機関": 0, "その他": 0}


# --- the case list --------------------------------------------------------------------------------------


def _numbers(client, **params):
    return [row.case.number for row in client.get(reverse("case_list"), params).context["rows"]]


def test_the_list_filters_by_fiscal_year_and_intake_dates(client, worker):
    make_case(worker, number="A", opened_on=date(2025, 3, 31))
    make_case(worker, number="B", opened_on=date(2025, 4, 1))
    make_case(worker, number="C", opened_on=date(2026, 3, 31))
    make_case(worker, number="D", opened_on=date(2026, 4, 1))
    assert sorted(_numbers(client, fy="2025")) == ["B", "C"]
    assert sorted(_numbers(client, opened_from="R7.4.1", opened_to="2026/3/31")) == ["B", "C"]
    assert sorted(_numbers(client, opened_from="2026-03-31")) == ["C", "D"]


def test_the_fiscal_year_filter_is_labelled_in_the_pages_language(client, worker):
    page = client.get(reverse("case_list")).content.decode()
    assert '<option value="2024">2024年度（令和6年度）</option>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("case_list")).content.decode()
    assert '<option value="2024">FY2024 (Reiwa 6)</option>' in page
    assert '<option value="2019">FY2019 (Reiwa 1)</option>' in page


def test_a_serial_alone_finds_its_case_in_the_list_and_the_name_is_a_link(client, worker):
    case = make_case(worker, number="2026-0022", name="山田太郎")
    make_case(worker, number="2026-0023")
    response = client.get(reverse("case_list"), {"q": "0022"})
    assert [row.case.number for row in response.context["rows"]] == ["2026-0022"]
    assert f'<a href="{reverse("case_detail", kwargs={"pk": case.pk})}">山田太郎</a>' in response.content.decode()
