"""The meeting pages: recording a meeting, its attending bodies through the picker, decisions until done,
the cases of a case conference under the consent rule, and the plans page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions as case_actions
from tsunagu.meetings import actions
from tsunagu.meetings.models import Attendance, Decision, Meeting, MeetingKind, MeetingStatus
from tsunagu.orgs.models import OrgKind, Role

from ..cases.factories import actor_for, make_case
from ..conftest import act_as
from ..factories import make_org, make_staff
from .factories import make_meeting, make_plan

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def member(network):
    return make_staff(network["own_center"], Role.COORDINATOR)


@pytest.fixture
def worker(member):
    return actor_for(member)


def test_a_meeting_typed_in_wareki_is_saved_and_audited(client, member):
    act_as(client, member)
    response = client.post(
        reverse("meeting_add"),
        {
            "date": "R2.7.15",
            "kind": "council",
            "name": "中部地区連絡協議会",
            "status": "held",
            "format": "hybrid",
            "region": "中部",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    assert (meeting.date, meeting.kind, meeting.format, meeting.region) == (
        date(2020, 7, 15),
        "council",
        "hybrid",
        "中部",
    )
    assert AuditEntry.objects.filter(action="meeting.create", object_id=str(meeting.pk)).count() == 1


def test_a_cancelled_meeting_needs_its_reason_and_keeps_what_was_typed(client, member):
    act_as(client, member)
    response = client.post(
        reverse("meeting_add"),
        {
            "date": "2021-02-05",
            "kind": "council",
            "name": "宮古地区連絡協議会",
            "status": "cancelled",
            "format": "in_person",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "中止した会議には「中止理由」を入力してください。" in body
    assert 'value="宮古地区連絡協議会"' in body
    assert not Meeting.objects.exists()


def test_a_meeting_cannot_be_held_in_the_future(worker):
    with pytest.raises(ValidationError) as raised:
        make_meeting(worker, date=date(2099, 1, 1), kind=MeetingKind.COUNCIL)
    assert "date" in raised.value.message_dict


def test_the_picker_finds_organisations_by_kana_with_recent_ones_first(client, network, member, worker):
    pref = network["own"]
    ino = make_org(OrgKind.MUNICIPALITY, pref, name="いの町")
    hokenjo = make_org(OrgKind.PARTNER, pref, name="いの保健所", category="保健所・保健センター")
    make_org(OrgKind.MUNICIPALITY, network["other"], name="いの村")  # another prefecture: never offered
    earlier = make_meeting(worker, date=date(2021, 5, 1), kind=MeetingKind.COUNCIL)
    actions.record_attendance(actor=worker, meeting=earlier, body=hokenjo, people=1)
    act_as(client, member)
    body = client.get(reverse("meeting_body_search"), {"body_name": "イノ"}, **HTMX).content.decode()
    assert body.index("いの保健所") < body.index("いの町")
    assert "いの村" not in body
    assert f'data-body-id="{ino.pk}"' in body
    # Before anything is typed: the recent ones.
    recent = client.get(reverse("meeting_body_search"), {"body_name": ""}, **HTMX).content.decode()
    assert "いの保健所" in recent and "いの町" not in recent


def test_attendance_by_picked_id_typed_name_or_outside_body(client, network, member, worker):
    ino = make_org(OrgKind.MUNICIPALITY, network["own"], name="いの町")
    meeting = make_meeting(worker, date=date(2021, 5, 1), kind=MeetingKind.COUNCIL)
    act_as(client, member)
    url = reverse("meeting_attendance_add", args=[meeting.pk])
    picked = client.post(url, {"body": ino.pk, "body_name": "いの町", "people": "3"}, **HTMX)
    assert picked.status_code == 200 and "1機関 3人" in picked.content.decode()
    assert "autofocus" in picked.content.decode()  # ready for the next body
    client.post(url, {"body_name": "ＮＰＯ法人ひだまり", "people": "2"}, **HTMX)
    section = client.post(url, {"body_name": "いの町", "people": "9"}, **HTMX).content.decode()
    assert "「いの町」はこの会議にすでに記録されています。" in section
    assert list(Attendance.objects.order_by("id").values_list("body_id", "body_name", "people")) == [
        (ino.pk, "いの町", 3),
        (None, "NPO法人ひだまり", 2),
    ]
    # A typed name of an organisation of the tree is that organisation.
    other = make_meeting(worker, date=date(2021, 6, 1), kind=MeetingKind.COUNCIL)
    client.post(reverse("meeting_attendance_add", args=[other.pk]), {"body_name": "いの町", "people": "1"}, **HTMX)
    assert other.attendances.get().body_id == ino.pk
    # Another prefecture's organisation id is not offered and is refused by name.
    foreign = make_org(OrgKind.MUNICIPALITY, network["other"], name="よその町")
    refused = client.post(url, {"body": foreign.pk, "body_name": "よその町", "people": "1"}, **HTMX)
    assert "選んだ機関が見つかりません" in refused.content.decode()
    assert meeting.attendances.count() == 2


def test_decisions_are_listed_until_done(client, member, worker):
    meeting = make_meeting(worker, date=date(2021, 5, 1), kind=MeetingKind.STAFF, name="担当者会議")
    act_as(client, member)
    client.post(
        reverse("meeting_decision_add", args=[meeting.pk]), {"text": "次回までに資料を作る", "due_on": "R3.6.1"}
    )
    decision = Decision.objects.get()
    assert (decision.due_on, decision.organisation_id) == (date(2021, 6, 1), meeting.organisation_id)
    assert "次回までに資料を作る" in client.get(reverse("meeting_decisions")).content.decode()
    client.post(
        reverse("meeting_decision_edit", args=[decision.pk]),
        {"text": decision.text, "due_on": "2021-06-01", "done_on": "2021-05-30", "version": "1", "next": "open"},
    )
    assert "次回までに資料を作る" not in client.get(reverse("meeting_decisions")).content.decode()


def test_a_case_conference_links_own_or_consented_cases_only(client, network, member, worker):
    conference = make_meeting(worker, date=date(2021, 5, 1), kind=MeetingKind.CASE_CONFERENCE, name="検討会")
    own = make_case(worker, number="C-1")
    city_worker = actor_for(make_staff(network["own_city"], Role.COORDINATOR))
    unconsented = make_case(city_worker, number="M-1")
    consented = make_case(city_worker, number="M-2")
    case_actions.record_consent(
        actor=city_worker,
        case=consented,
        given_by="person",
        purpose="ケース検討会での共有",
        given_on=date(2021, 4, 10),
        share_with=[network["own_center"]],
    )
    actions.link_case(actor=worker, meeting=conference, case=own)
    with pytest.raises(ValidationError):
        actions.link_case(actor=worker, meeting=conference, case=unconsented)
    act_as(client, member)
    client.post(reverse("meeting_case_link", args=[conference.pk]), {"case": "M-2"})
    client.post(reverse("meeting_case_link", args=[conference.pk]), {"case": "M-1"})
    assert set(conference.linked_cases.values_list("case__number", flat=True)) == {"C-1", "M-2"}
    page = client.get(reverse("meeting_detail", args=[conference.pk])).content.decode()
    assert "C-1" in page and "M-2" in page
    # A peer supporter or a statistician of the centre sees how many, not which.
    for role in (Role.PEER, Role.STATISTICIAN):
        act_as(client, make_staff(network["own_center"], role))
        page = client.get(reverse("meeting_detail", args=[conference.pk])).content.decode()
        assert "C-1" not in page and "M-2" not in page
        assert "2件（個人の情報は表示しません）" in page


def test_the_plans_page_prints_held_against_planned(client, network, member, worker):
    ino = make_org(OrgKind.MUNICIPALITY, network["own"], name="いの町")
    make_plan(worker, 2021, MeetingKind.AGENCY_SUPPORT, ino, 5)
    for day in (date(2021, 5, 10), date(2021, 7, 12)):
        make_meeting(worker, date=day, kind=MeetingKind.AGENCY_SUPPORT, municipality=ino)
    make_meeting(
        worker, date=date(2021, 8, 1), kind=MeetingKind.AGENCY_SUPPORT, municipality=ino, status=MeetingStatus.PLANNED
    )
    act_as(client, member)
    page = client.get(reverse("meeting_plans"), {"fy": "2021"}).content.decode()
    assert "いの町（２／５回）" in page


def test_the_list_shows_a_fiscal_year_in_a_fixed_number_of_queries(client, member, worker, django_assert_num_queries):
    act_as(client, member)
    make_meeting(worker, date=date(2021, 5, 1), kind=MeetingKind.COUNCIL, name="一回目")
    client.get(reverse("meeting_list"))  # the first request of a session also writes the session
    with django_assert_num_queries(5) as one:
        client.get(reverse("meeting_list"), {"fy": "2021"})
    for day in (2, 3):
        make_meeting(worker, date=date(2021, 5, day), kind=MeetingKind.COUNCIL, name=f"{day}回目")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("meeting_list"), {"fy": "2021"}).content.decode()
    assert "一回目" in page and "3回目" in page
