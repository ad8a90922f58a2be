"""Attendance at 居場所 events: a case, a nickname or anonymous, and which attendance is a case's first
(the "connected" indicator counts a case's first 居場所 attendance, DOMAIN.md)."""

import itertools
from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.factories import actor_for, make_case
from tests.conftest import act_as
from tests.factories import make_staff
from tsunagu.audit.log import MASK
from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import ReferralTarget
from tsunagu.ibasho import actions
from tsunagu.ibasho.models import Attendance
from tsunagu.orgs.models import Role

_serial = itertools.count(1)


@pytest.fixture
def worker(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


@pytest.fixture
def salon(worker):
    return actions.create_ibasho(
        actor=worker, organisation=worker.organisation, name="まったりサロン", kind="physical", place="市民会館"
    )


def make_event(actor, ibasho, day: date):
    return actions.create_event(actor=actor, ibasho=ibasho, date=day, start_time=time(14, next(_serial) % 60))


def firsts(case) -> list[tuple[date, str]]:
    return list(Attendance.objects.filter(case=case, is_first=True).order_by("target").values_list("date", "target"))


def test_the_earliest_attendance_is_the_first_across_add_remove_and_a_moved_date(worker, salon):
    case = make_case(worker)
    may10, apr20, jun1 = (
        make_event(worker, salon, d) for d in (date(2021, 5, 10), date(2021, 4, 20), date(2021, 6, 1))
    )
    on_may10 = actions.record_attendance(actor=worker, event=may10, case=case)
    assert on_may10.is_first is True
    on_apr20 = actions.record_attendance(actor=worker, event=apr20, case=case)
    actions.record_attendance(actor=worker, event=jun1, case=case)
    assert firsts(case) == [(date(2021, 4, 20), "person")]

    actions.remove_attendance(actor=worker, attendance=on_apr20)
    assert firsts(case) == [(date(2021, 5, 10), "person")]

    # The 5/10 event moves to 3/1 of the previous fiscal year (FY2020): still the first, and its date follows.
    actions.update_event(actor=worker, event=may10, date=date(2021, 3, 1))
    on_may10.refresh_from_db()
    assert (on_may10.date, on_may10.is_first) == (date(2021, 3, 1), True)
    # Moved after 6/1 instead, the 6/1 attendance takes over.
    actions.update_event(actor=worker, event=may10, date=date(2021, 7, 1))
    assert firsts(case) == [(date(2021, 6, 1), "person")]
    assert Attendance.objects.filter(case=case, is_first=True).count() == 1


def test_the_person_and_the_family_each_have_their_own_first(worker, salon):
    case = make_case(worker)
    early, late = make_event(worker, salon, date(2021, 5, 1)), make_event(worker, salon, date(2021, 6, 1))
    actions.record_attendance(actor=worker, event=late, case=case, target=ReferralTarget.PERSON)
    actions.record_attendance(actor=worker, event=early, case=case, target=ReferralTarget.FAMILY)
    actions.record_attendance(actor=worker, event=late, case=case, target=ReferralTarget.FAMILY)
    assert firsts(case) == [(date(2021, 5, 1), "family"), (date(2021, 6, 1), "person")]


def test_on_the_same_day_the_attendance_recorded_first_is_the_first(worker, salon):
    case = make_case(worker)
    morning, evening = make_event(worker, salon, date(2021, 5, 1)), make_event(worker, salon, date(2021, 5, 1))
    first = actions.record_attendance(actor=worker, event=evening, case=case)
    second = actions.record_attendance(actor=worker, event=morning, case=case)
    assert Attendance.objects.get(is_first=True) == first
    actions.remove_attendance(actor=worker, attendance=first)
    second.refresh_from_db()
    assert second.is_first is True


def test_nicknames_and_anonymous_attendees_are_never_a_first(worker, salon):
    event = make_event(worker, salon, date(2021, 5, 1))
    nick = actions.record_attendance(actor=worker, event=event, nickname="  ひまわり ")
    anon = actions.record_attendance(actor=worker, event=event, anonymous=True, target=ReferralTarget.FAMILY)
    assert (nick.nickname, nick.is_first, anon.anonymous, anon.is_first) == ("ひまわり", False, True, False)
    assert (nick.organisation, nick.date) == (worker.organisation, date(2021, 5, 1))


@pytest.mark.parametrize(
    "values,expected",
    [
        ({}, {"__all__": ["参加した人を「ケース番号」「ニックネーム」「匿名で参加」のどれかで入力してください。"]}),
        (
            {"nickname": " "},
            {"__all__": ["参加した人を「ケース番号」「ニックネーム」「匿名で参加」のどれかで入力してください。"]},
        ),
        (
            {"nickname": "ひまわり", "anonymous": True},
            {"__all__": ["「ケース番号」「ニックネーム」「匿名で参加」は、どれか一つだけを入力してください。"]},
        ),
        ({"anonymous": True, "target": "agency"}, {"target": ["「参加した人」は本人か家族を選んでください。"]}),
    ],
)
def test_an_attendee_is_exactly_one_of_a_case_a_nickname_or_anonymous(worker, salon, values, expected):
    event = make_event(worker, salon, date(2021, 5, 1))
    with pytest.raises(ValidationError) as raised:
        actions.record_attendance(actor=worker, event=event, **values)
    assert raised.value.message_dict == expected
    assert not Attendance.objects.exists()


def test_a_case_and_a_nickname_together_are_refused(worker, salon):
    event = make_event(worker, salon, date(2021, 5, 1))
    with pytest.raises(ValidationError) as raised:
        actions.record_attendance(actor=worker, event=event, case=make_case(worker), nickname="ひまわり")
    assert raised.value.message_dict == {
        "__all__": ["「ケース番号」「ニックネーム」「匿名で参加」は、どれか一つだけを入力してください。"]
    }


def test_a_case_attends_an_event_once_per_target(worker, salon):
    case = make_case(worker, number="K-7")
    event = make_event(worker, salon, date(2021, 5, 1))
    actions.record_attendance(actor=worker, event=event, case=case)
    with pytest.raises(ValidationError) as raised:
        actions.record_attendance(actor=worker, event=event, case=case)
    assert raised.value.message_dict == {"case": ["ケースK-7の本人は、この開催にすでに記録されています。"]}
    actions.record_attendance(actor=worker, event=event, case=case, target=ReferralTarget.FAMILY)
    assert event.attendances.count() == 2


def test_another_organisations_case_is_refused(network, worker, salon):
    other_worker = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    stranger = make_case(other_worker, number="X-1")
    event = make_event(worker, salon, date(2021, 5, 1))
    with pytest.raises(ValidationError) as raised:
        actions.record_attendance(actor=worker, event=event, case=stranger)
    assert raised.value.message_dict == {"case": ["「ケース番号」のケースはこの組織のケースではありません。"]}
    with pytest.raises(PermissionDenied):
        actions.record_attendance(actor=other_worker, event=event, case=stranger)
    assert not Attendance.objects.exists()


def test_adding_and_removing_are_audited_with_the_nickname_masked(worker, salon):
    case = make_case(worker, number="K-1")
    event = make_event(worker, salon, date(2021, 5, 1))
    attendance = actions.record_attendance(actor=worker, event=event, case=case, target=ReferralTarget.FAMILY)
    added = AuditEntry.objects.get(action="ibasho.attendance_add")
    assert (added.object_id, added.object_label, added.organisation, added.username) == (
        str(attendance.pk),
        "K-1 まったりサロン 2021-05-01",
        worker.organisation,
        worker.user.username,
    )
    assert added.changes == {
        "event": [None, event.pk],
        "date": [None, "2021-05-01"],
        "case": [None, case.pk],
        "target": [None, "family"],
        "is_first": [None, True],
    }
    nick = actions.record_attendance(actor=worker, event=event, nickname="ひまわり")
    assert AuditEntry.objects.filter(action="ibasho.attendance_add").order_by("id").last().changes == {
        "event": [None, event.pk],
        "date": [None, "2021-05-01"],
        "target": [None, "person"],
        "nickname": [MASK, MASK],
    }
    actions.remove_attendance(actor=worker, attendance=attendance)
    actions.remove_attendance(actor=worker, attendance=nick)
    removed = AuditEntry.objects.filter(action="ibasho.attendance_remove").order_by("id")
    assert [(e.object_label, e.changes.get("case")) for e in removed] == [
        ("K-1 まったりサロン 2021-05-01", [case.pk, None]),
        ("まったりサロン 2021-05-01", None),
    ]
    assert "ひまわり" not in str(list(AuditEntry.objects.values_list("changes", "object_label")))


def test_a_failed_add_writes_nothing(worker, salon):
    event = make_event(worker, salon, date(2021, 5, 1))
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        actions.record_attendance(actor=worker, event=event)
    assert AuditEntry.objects.count() == before


# --- pages ---------------------------------------------------------------------------------------------


def test_the_event_page_lists_and_adds_attendees(client, worker, salon):
    case = make_case(worker, number="K-12")
    event = make_event(worker, salon, date(2021, 5, 1))
    act_as(client, worker.membership)
    add = reverse("ibasho_attendance_add", kwargs={"pk": event.pk})
    page_url = reverse("ibasho_event_detail", kwargs={"pk": event.pk})
    response = client.post(add, {"case": "Ｋ－１２", "target": "family"})  # typed full-width
    assert response["Location"] == page_url
    client.post(add, {"nickname": "ひまわり", "target": "person"})
    client.post(add, {"anonymous": "on", "target": "person"})
    client.post(add, {"anonymous": "on", "target": "family"})
    page = client.get(page_url).content.decode()
    assert 'data-testid="attendance-total">4人<' in page and 'data-testid="attendance-anonymous">2人<' in page
    assert "ケース K-12</a>\n      （家族）" in page and "初回" in page and "ひまわり（本人）" in page
    assert reverse("case_detail", kwargs={"pk": case.pk}) in page
    assert 'for="id_case"' in page and 'for="id_nickname"' in page and 'for="id_anonymous"' in page
    detail = client.get(reverse("ibasho_detail", kwargs={"pk": salon.pk})).content.decode()
    assert f'<a href="{page_url}">4人' in detail
    # Who looked at which cases' attendance is in the trail, as for the case list.
    seen = AuditEntry.objects.filter(action="ibasho.attendance_view").latest("pk")
    assert (seen.object_id, seen.changes) == (str(event.pk), {"cases": [None, ["K-12"]]})


def test_an_unknown_case_number_names_the_field_and_keeps_what_was_typed(client, network, worker, salon):
    make_case(actor_for(make_staff(network["other_center"], Role.COORDINATOR)), number="X-9")
    event = make_event(worker, salon, date(2021, 5, 1))
    act_as(client, worker.membership)
    url = reverse("ibasho_attendance_add", kwargs={"pk": event.pk})
    response = client.post(url, {"case": "X-9", "target": "family"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "「ケース番号」X-9 のケースはこの組織にありません。" in page
    assert 'value="X-9"' in page and 'value="family" id="id_target_1" required checked' in page
    page = client.post(url, {"nickname": "ひまわり", "anonymous": "on", "target": "person"}).content.decode()
    assert "「ケース番号」「ニックネーム」「匿名で参加」は、どれか一つだけを入力してください。" in page
    assert 'value="ひまわり"' in page and 'name="anonymous" id="id_anonymous" checked' in page
    assert not Attendance.objects.exists()


def test_removing_asks_first_then_removes_on_post(client, worker, salon):
    case = make_case(worker, number="K-3")
    event = make_event(worker, salon, date(2021, 5, 1))
    attendance = actions.record_attendance(actor=worker, event=event, case=case)
    act_as(client, worker.membership)
    url = reverse("ibasho_attendance_remove", kwargs={"pk": attendance.pk})
    page = client.get(url).content.decode()
    assert "この参加の記録を削除します。" in page and "次に早い参加が初回になります。" in page and "ケース K-3" in page
    assert Attendance.objects.exists()
    # The page names the case: a read in the trail (issue 13).
    viewed = AuditEntry.objects.get(action="ibasho.attendance_remove_view")
    assert (viewed.user, viewed.object_id, viewed.changes) == (
        worker.user,
        str(attendance.pk),
        {"cases": [None, ["K-3"]]},
    )
    response = client.post(url)
    assert response["Location"] == reverse("ibasho_event_detail", kwargs={"pk": event.pk})
    assert not Attendance.objects.exists()


def test_a_statistician_sees_counts_but_not_case_numbers(client, network, worker, salon):
    event = make_event(worker, salon, date(2021, 5, 1))
    actions.record_attendance(actor=worker, event=event, case=make_case(worker, number="K-5"))
    act_as(client, make_staff(network["own_center"], Role.STATISTICIAN))
    assert client.get(reverse("ibasho_event_detail", kwargs={"pk": event.pk})).status_code == 403
    detail = client.get(reverse("ibasho_detail", kwargs={"pk": salon.pk})).content.decode()
    assert "1人" in detail and reverse("ibasho_event_detail", kwargs={"pk": event.pk}) not in detail


def test_a_viewer_reads_attendance_without_the_form(client, network, worker, salon):
    event = make_event(worker, salon, date(2021, 5, 1))
    actions.record_attendance(actor=worker, event=event, case=make_case(worker, number="K-6"))
    act_as(client, make_staff(network["own_center"], Role.VIEWER))
    page = client.get(reverse("ibasho_event_detail", kwargs={"pk": event.pk})).content.decode()
    assert "ケース K-6" in page and 'name="nickname"' not in page and "削除" not in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_event_page_does_a_fixed_number_of_queries(client, worker, salon):
    event = make_event(worker, salon, date(2021, 5, 1))
    act_as(client, worker.membership)
    url = reverse("ibasho_event_detail", kwargs={"pk": event.pk})
    actions.record_attendance(actor=worker, event=event, case=make_case(worker))
    _queries(client, url)
    one = _queries(client, url)
    for _n in range(2):
        actions.record_attendance(actor=worker, event=event, case=make_case(worker))
        actions.record_attendance(actor=worker, event=event, anonymous=True)
    assert _queries(client, url) == one


def test_the_case_timeline_shows_attendances_with_the_first_marked_in_fixed_queries(client, worker, salon):
    case = make_case(worker, number="K-8")
    act_as(client, worker.membership)
    url = reverse("case_detail", kwargs={"pk": case.pk})
    actions.record_attendance(actor=worker, event=make_event(worker, salon, date(2021, 5, 10)), case=case)
    _queries(client, url)
    one = _queries(client, url)
    for day in (date(2021, 4, 20), date(2021, 6, 1)):
        actions.record_attendance(actor=worker, event=make_event(worker, salon, day), case=case)
    assert _queries(client, url) == one
    response = client.get(url)
    entries = [e for e in response.context["events"] if e.kind == "attendance"]
    assert [(e.on, e.obj.is_first) for e in entries] == [
        (date(2021, 6, 1), False),
        (date(2021, 5, 10), False),
        (date(2021, 4, 20), True),
    ]
    page = response.content.decode()
    assert page.count("居場所に参加（本人）") == 3 and page.count("まったりサロン") == 3
