"""A lock exception works on every dated write path: each path refuses a date in a locked period with the
Japanese message on the field it came from, lets through the one person holding an open exception, and
refuses again for anyone else, for the system and after the exception's 期限 (until)."""

from datetime import date, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from tests.cases.factories import actor_for, make_case
from tests.factories import SYSTEM, make_staff
from tests.meetings.factories import make_meeting, make_plan
from tsunagu.cases import actions as cases
from tsunagu.cases.models import Channel, Consulter, ReferralStatus, ReferralTarget, Status
from tsunagu.employment import actions as employment
from tsunagu.ibasho import actions as ibasho
from tsunagu.meetings import actions as meetings
from tsunagu.meetings.models import MeetingKind
from tsunagu.orgs.models import LockException, PartnerCategory, Role
from tsunagu.orgs.periods import OpenCheck, ensure_open, ensure_span_open, lock_fiscal_year
from tsunagu.outreach import actions as outreach
from tsunagu.work import actions as work
from tsunagu.work import domain as work_domain

LOCKED = "令和3年4月1日〜令和4年3月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"
IN, AFTER = date(2021, 6, 1), date(2022, 4, 5)  # in the locked fiscal year 2021, and after it
NO_FIELD = None  # the refusal names no field (a row of a list: an attendee, a body at a meeting)


def contact(w, on=IN):
    return cases.log_contact(actor=SYSTEM, case=w.case, date=on, channel=Channel.PHONE, consulter=Consulter.FAMILY)


def referral(w, on=IN, **values):
    return cases.refer(
        actor=SYSTEM,
        case=w.case,
        date=on,
        target=ReferralTarget.PERSON,
        category=PartnerCategory.objects.first(),
        partner_name="外部の窓口",
        **values,
    )


def salon(w):
    return ibasho.create_ibasho(actor=SYSTEM, organisation=w.org, name="サロン", kind="physical", place="市民会館")


def session(w, on=IN):
    return ibasho.create_event(actor=SYSTEM, ibasho=salon(w), date=on, start_time=time(14))


def supporter(w, since=date(2021, 4, 1)):
    return outreach.create_supporter(
        actor=SYSTEM, organisation=w.org, name="馬場", status="registered", status_from=since
    )


def activity(w, on=IN):
    return outreach.record_activity(
        actor=SYSTEM, organisation=w.org, supporter=supporter(w), date=on, kind="consultation"
    )


def host(w):
    return work.create_host(actor=SYSTEM, organisation=w.org, name="山田農園", kind="farm", contact_person="山田")


def placement(w, start=date(2021, 5, 1), end=None, **values):
    return work.create_placement(
        actor=SYSTEM,
        organisation=w.org,
        case=w.case,
        host=host(w),
        program="experience",
        start=start,
        end=end,
        **values,
    )


def worked(w, placement, on=IN):
    work.record_days(actor=SYSTEM, placement=placement, days={on: Decimal(4)})
    return placement


def registration(w, **values):
    return employment.register(actor=SYSTEM, case=w.case, registered_on=date(2021, 5, 10), **values)


DECIDED = {"step": 5, "decided_on": date(2021, 9, 1), "outcome": "regular"}

# (name, field refused, the records made before the lock, the write in the locked period)
PATHS = [
    # 相談 (cases): 受付日, 状態の変更, 相談記録, 同意, つなぎ, 予定
    ("open_case", "opened_on", None, lambda w, s, a: make_case(a, organisation=w.org, opened_on=IN)),
    (
        "case_move_opened_on",
        "opened_on",
        None,
        lambda w, s, a: cases.update_case(actor=a, case=w.case, opened_on=AFTER),
    ),
    (
        "case_reband",
        "birth_date",
        contact,
        lambda w, s, a: cases.update_case(actor=a, case=w.case, birth_date=date(1980, 1, 1)),
    ),
    (
        "change_status",
        "on",
        None,
        lambda w, s, a: cases.change_status(actor=a, case=w.case, status=Status.CLOSED, on=date(2022, 3, 1)),
    ),
    (
        "log_contact",
        "date",
        None,
        lambda w, s, a: cases.log_contact(
            actor=a, case=w.case, date=IN, channel=Channel.PHONE, consulter=Consulter.PERSON
        ),
    ),
    ("update_contact", "date", contact, lambda w, s, a: cases.update_contact(actor=a, contact=s, notes="訂正")),
    (
        "move_contact_in",
        "date",
        lambda w: contact(w, AFTER),
        lambda w, s, a: cases.update_contact(actor=a, contact=s, date=IN),
    ),
    ("delete_contact", "date", contact, lambda w, s, a: cases.delete_contact(actor=a, contact=s)),
    (
        "record_consent",
        "given_on",
        None,
        lambda w, s, a: cases.record_consent(
            actor=a,
            case=w.case,
            given_by=ReferralTarget.PERSON,
            purpose="受診のため",
            given_on=IN,
            share_with=[w.partner],
        ),
    ),
    (
        "withdraw_consent",
        "on",
        lambda w: cases.record_consent(
            actor=SYSTEM,
            case=w.case,
            given_by=ReferralTarget.PERSON,
            purpose="受診のため",
            given_on=date(2021, 4, 2),
            share_with=[w.partner],
        ),
        lambda w, s, a: cases.withdraw_consent(actor=a, consent=s, on=IN),
    ),
    (
        "refer",
        "date",
        None,
        lambda w, s, a: cases.refer(
            actor=a,
            case=w.case,
            date=IN,
            target=ReferralTarget.PERSON,
            category=PartnerCategory.objects.first(),
            partner_name="外部の窓口",
        ),
    ),
    (
        "referral_result_in",
        "on",
        referral,
        lambda w, s, a: cases.set_referral_status(actor=a, referral=s, status=ReferralStatus.DECIDED, on=IN),
    ),
    (
        # Dated in the locked year, decided after it: the year's 支援決定 count would still move.
        "referral_decided_later",
        "status",
        referral,
        lambda w, s, a: cases.set_referral_status(actor=a, referral=s, status=ReferralStatus.DECIDED, on=AFTER),
    ),
    (
        "schedule_appointment",
        "date",
        None,
        lambda w, s, a: cases.schedule_appointment(actor=a, case=w.case, date=IN, channel=Channel.PHONE),
    ),
    # 居場所: 開催日, 参加
    (
        "ibasho_session",
        "date",
        salon,
        lambda w, s, a: ibasho.create_event(actor=a, ibasho=s, date=IN, start_time=time(15)),
    ),
    (
        "ibasho_session_move_in",
        "date",
        lambda w: session(w, AFTER),
        lambda w, s, a: ibasho.update_event(actor=a, event=s, date=IN),
    ),
    (
        "ibasho_attendance",
        NO_FIELD,
        session,
        lambda w, s, a: ibasho.record_attendance(actor=a, event=s, nickname="たろう"),
    ),
    (
        "ibasho_attendance_remove",
        NO_FIELD,
        lambda w: ibasho.record_attendance(actor=SYSTEM, event=session(w), case=w.case),
        lambda w, s, a: ibasho.remove_attendance(actor=a, attendance=s),
    ),
    # 会議: 開催日, 参加機関, 年度の計画
    ("meeting", "date", None, lambda w, s, a: make_meeting(a, w.org, kind=MeetingKind.COUNCIL, date=IN)),
    (
        "meeting_update",
        "date",
        lambda w: make_meeting(SYSTEM, w.org, kind=MeetingKind.COUNCIL, date=IN),
        lambda w, s, a: meetings.update_meeting(actor=a, meeting=s, name="第1回 連絡協議会"),
    ),
    (
        "meeting_attendance",
        NO_FIELD,
        lambda w: make_meeting(SYSTEM, w.org, kind=MeetingKind.COUNCIL, date=IN),
        lambda w, s, a: meetings.record_attendance(actor=a, meeting=s, body_name="保健所", people=2),
    ),
    (
        "meeting_attendance_update",
        NO_FIELD,
        lambda w: meetings.record_attendance(
            actor=SYSTEM,
            meeting=make_meeting(SYSTEM, w.org, kind=MeetingKind.COUNCIL, date=IN),
            body_name="保健所",
            people=2,
        ),
        lambda w, s, a: meetings.update_attendance(actor=a, attendance=s, people=3),
    ),
    (
        "meeting_attendance_remove",
        NO_FIELD,
        lambda w: meetings.record_attendance(
            actor=SYSTEM,
            meeting=make_meeting(SYSTEM, w.org, kind=MeetingKind.COUNCIL, date=IN),
            body_name="保健所",
            people=2,
        ),
        lambda w, s, a: meetings.remove_attendance(actor=a, attendance=s),
    ),
    (
        "meeting_plan",
        "fiscal_year",
        None,
        lambda w, s, a: make_plan(a, 2021, MeetingKind.COUNCIL, "県連絡協議会", 4, organisation=w.org),
    ),
    (
        "meeting_plan_update",
        "fiscal_year",
        lambda w: make_plan(SYSTEM, 2021, MeetingKind.COUNCIL, "県連絡協議会", 4, organisation=w.org),
        lambda w, s, a: meetings.update_plan(actor=a, plan=s, planned=5),
    ),
    # 普及啓発・サポーター (outreach)
    (
        "outreach_event",
        "date",
        None,
        lambda w, s, a: outreach.create_event(actor=a, organisation=w.org, date=IN, kind="seminar", name="講演会"),
    ),
    (
        "outreach_event_update",
        "date",
        lambda w: outreach.create_event(actor=SYSTEM, organisation=w.org, date=IN, kind="seminar", name="講演会"),
        lambda w, s, a: outreach.update_event(actor=a, event=s, name="講演会（第2回）"),
    ),
    (
        "material",
        "date",
        None,
        lambda w, s, a: outreach.create_material(
            actor=a, organisation=w.org, date=IN, kind="poster", name="ポスター", made=10
        ),
    ),
    (
        "material_update",
        "date",
        lambda w: outreach.create_material(
            actor=SYSTEM, organisation=w.org, date=IN, kind="poster", name="ポスター", made=10
        ),
        lambda w, s, a: outreach.update_material(actor=a, material=s, made=20),
    ),
    (
        "supporter_registered",
        "status_from",
        None,
        lambda w, s, a: outreach.create_supporter(
            actor=a, organisation=w.org, name="千田", status="registered", status_from=IN
        ),
    ),
    (
        "supporter_status",
        "status_from",
        supporter,
        lambda w, s, a: outreach.update_supporter(actor=a, supporter=s, status="resting", status_from=IN),
    ),
    (
        "supporter_activity",
        "date",
        supporter,
        lambda w, s, a: outreach.record_activity(
            actor=a, organisation=w.org, supporter=s, date=IN, kind="consultation"
        ),
    ),
    (
        "supporter_activity_update",
        "date",
        activity,
        lambda w, s, a: outreach.update_activity(actor=a, activity=s, minutes=90),
    ),
    # 就労体験 (work): 開始日・終了日, 結果, 種別, 就労実績, 単価
    (
        "placement",
        "start",
        host,
        lambda w, s, a: work.create_placement(
            actor=a, organisation=w.org, case=w.case, host=s, program="experience", start=IN
        ),
    ),
    (
        "placement_end",
        "end",
        placement,
        lambda w, s, a: work.update_placement(actor=a, placement=s, end=date(2021, 9, 30)),
    ),
    (
        "placement_outcome",
        "outcome",
        lambda w: placement(w, end=date(2021, 9, 30), outcome="continuing"),
        lambda w, s, a: work.update_placement(actor=a, placement=s, outcome="employed"),
    ),
    (
        "placement_program",
        "program",
        lambda w: worked(w, placement(w)),
        lambda w, s, a: work.update_placement(actor=a, placement=s, program="training"),
    ),
    (
        "worked_day",
        work_domain.day_field(IN),
        placement,
        lambda w, s, a: work.record_days(actor=a, placement=s, days={IN: Decimal(5)}),
    ),
    (
        "allowance_rate",
        "applies_from",
        lambda w: worked(w, placement(w)),
        lambda w, s, a: work.add_rate(
            actor=a,
            organisation=w.org,
            program="experience",
            payee="participant",
            unit="day",
            value=1000,
            applies_from=date(2021, 3, 1),
        ),
    ),
    # 就労支援 (employment): 登録日, 進路決定日, 進路
    (
        "registration",
        "registered_on",
        None,
        lambda w, s, a: employment.register(actor=a, case=w.case, registered_on=IN),
    ),
    (
        "registration_decided",
        "decided_on",
        registration,
        lambda w, s, a: employment.update_registration(actor=a, registration=s, **DECIDED),
    ),
    (
        "registration_outcome",
        "outcome",
        lambda w: registration(w, **DECIDED),
        lambda w, s, a: employment.update_registration(actor=a, registration=s, outcome="non_regular"),
    ),
]


@pytest.fixture
def world(network):
    org = network["own_center"]
    w = SimpleNamespace(
        org=org,
        partner=network["own_city"],
        holder=actor_for(make_staff(org, Role.ADMIN)),
        other=actor_for(make_staff(org, Role.ADMIN)),
    )
    w.case = make_case(SYSTEM, organisation=org, opened_on=date(2021, 4, 1), birth_date=date(1990, 7, 1))
    return w


def refusal(attempt) -> tuple[str | None, list[str]]:
    with pytest.raises(ValidationError) as error:
        attempt()
    if hasattr(error.value, "error_dict"):
        ((field, messages),) = error.value.message_dict.items()
        return (None if field == NON_FIELD_ERRORS else field), messages
    return None, error.value.messages


@pytest.mark.parametrize("name,field,before,write", PATHS, ids=[p[0] for p in PATHS])
def test_every_dated_write_path_honours_the_lock_and_its_exception(world, name, field, before, write):
    made = before(world) if before else None
    lock = lock_fiscal_year(world.org, 2021)
    attempt = lambda actor: write(world, made, actor)  # noqa: E731

    assert refusal(lambda: attempt(world.holder)) == (field, [LOCKED])
    assert refusal(lambda: attempt(SYSTEM)) == (field, [LOCKED])  # the system has no exception
    today = timezone.localdate()
    exception = LockException.objects.create(
        lock=lock, user=world.holder.user, until=today - timedelta(days=1), reason="訂正のため"
    )
    assert refusal(lambda: attempt(world.holder)) == (field, [LOCKED])  # after its 期限
    exception.until = today
    exception.save()
    assert refusal(lambda: attempt(world.other)) == (field, [LOCKED])  # another person
    attempt(world.holder)  # the person holding it, until today included


def test_the_checks_need_the_actor_and_count_one_query(world, django_assert_num_queries):
    lock = lock_fiscal_year(world.org, 2021)
    LockException.objects.create(lock=lock, user=world.holder.user, until=timezone.localdate(), reason="訂正")
    with pytest.raises(TypeError):
        ensure_open(world.org, IN, actor=world.holder.user)
    with pytest.raises(TypeError):
        ensure_open(world.org, IN)
    with django_assert_num_queries(1):
        ensure_open(world.org, IN, actor=world.holder)
    with django_assert_num_queries(1), pytest.raises(ValidationError):
        ensure_open(world.org, IN, actor=world.other)
    with django_assert_num_queries(1):
        assert OpenCheck(world.org, actor=world.holder).spans == []
    with django_assert_num_queries(1):
        assert OpenCheck(world.org, actor=world.other).spans == [(date(2021, 4, 1), date(2022, 3, 31))]
    # A span touching one locked day is refused; one wholly outside is open.
    with pytest.raises(ValidationError) as error:
        ensure_span_open(world.org, date(2022, 3, 31), date(2023, 3, 31), actor=world.other, field="fiscal_year")
    assert error.value.message_dict == {"fiscal_year": [LOCKED]}
    ensure_span_open(world.org, date(2022, 4, 1), date(2023, 3, 31), actor=world.other)
    assert OpenCheck(world.org, actor=world.other).span_message(date(2020, 4, 1), date(2021, 4, 1)) == LOCKED
    assert OpenCheck(world.org, actor=world.other).span_message(date(2020, 4, 1), date(2021, 3, 31)) is None


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_a_partner_cannot_answer_a_referral_of_the_origins_locked_year(world, answer):
    """Accepting or declining moves the origin's 支援決定 count of the referral's year: the partner's staff are
    refused while that year is locked at the origin, and nothing changes (no case opens at the partner)."""
    request = cases.refer(
        actor=SYSTEM,
        case=world.case,
        date=IN,
        target=ReferralTarget.PERSON,
        category=PartnerCategory.objects.first(),
        partner=world.partner,
    )
    lock_fiscal_year(world.org, 2021)
    partner_staff = actor_for(make_staff(world.partner, Role.COORDINATOR))
    cases_before = world.partner.cases.count()
    if answer == "accept":
        attempt = lambda: cases.accept_referral(actor=partner_staff, referral=request, on=AFTER)  # noqa: E731
    else:
        attempt = lambda: cases.decline_referral(actor=partner_staff, referral=request, on=AFTER, reason="定員")  # noqa: E731
    assert refusal(attempt) == ("on", [LOCKED])
    request.refresh_from_db()
    assert (request.status, request.result_on) == (ReferralStatus.REQUESTED, None)
    assert world.partner.cases.count() == cases_before
