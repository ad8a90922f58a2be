"""Access declarations for the meeting pages."""

from datetime import date

from tsunagu.cases.models import Case
from tsunagu.meetings.models import Attendance, Decision, Meeting, MeetingCase, Plan
from tsunagu.orgs.rules import ROLE_PERMS, Perm

from ..access import UrlCase


def _meeting(world, side):
    return {"pk": world[f"{side}_meeting"].pk}


def _of(key):
    return lambda world, side: {"pk": world[f"{side}_{key}"].pk}


def _redirect_for_writers(role):
    """POST-only actions: a GET by someone who may use them leads back to the meeting page."""
    return 302 if Perm.EDIT_CASES in ROLE_PERMS[role] else 403


URL_CASES = [
    UrlCase("meeting_list", Perm.VIEW_ORG, leak=lambda w: w["other_meeting"].name),
    UrlCase("meeting_add", Perm.EDIT_CASES, leak=lambda w: w["other_meeting"].name),
    UrlCase("meeting_detail", Perm.VIEW_ORG, kwargs=_meeting),
    UrlCase(
        "meeting_edit",
        Perm.EDIT_CASES,
        kwargs=_meeting,
        post={
            "date": "2024-05-01",
            "kind": "council",
            "name": "書き換え",
            "status": "held",
            "format": "web",
            "version": "1",
        },
        changed=lambda w: Meeting.objects.filter(name="書き換え").exists(),
    ),
    UrlCase(
        "meeting_attendance_add",
        Perm.EDIT_CASES,
        kwargs=_meeting,
        post={"body_name": "書き換え", "people": "3"},
        changed=lambda w: Attendance.objects.filter(body_name="書き換え").exists(),
    ),
    UrlCase(
        "meeting_attendance_update",
        Perm.EDIT_CASES,
        kwargs=_of("meeting_attendance"),
        post={"people": "77"},
        changed=lambda w: Attendance.objects.filter(people=77).exists(),
        expected=_redirect_for_writers,
    ),
    UrlCase(
        "meeting_attendance_remove",
        Perm.EDIT_CASES,
        kwargs=_of("meeting_attendance"),
        post={},
        changed=lambda w: not Attendance.objects.filter(pk=w["other_meeting_attendance"].pk).exists(),
        expected=_redirect_for_writers,
    ),
    UrlCase("meeting_body_search", Perm.EDIT_CASES, leak=lambda w: w["other_meeting"].name),
    UrlCase(
        "meeting_decision_add",
        Perm.EDIT_CASES,
        kwargs=_meeting,
        post={"text": "書き換え"},
        changed=lambda w: Decision.objects.filter(text="書き換え").exists(),
    ),
    UrlCase("meeting_decisions", Perm.VIEW_ORG, leak=lambda w: w["other_decision"].text),
    UrlCase(
        "meeting_decision_edit",
        Perm.EDIT_CASES,
        kwargs=_of("decision"),
        post={"text": "書き換え", "version": "1"},
        changed=lambda w: Decision.objects.filter(text="書き換え").exists(),
    ),
    UrlCase(
        "meeting_case_link",
        Perm.EDIT_CASES,
        kwargs=_meeting,
        post={"case": "other-meeting-case-2"},
        changed=lambda w: MeetingCase.objects.count() != 2,
        expected=_redirect_for_writers,
    ),
    UrlCase(
        "meeting_case_unlink",
        Perm.EDIT_CASES,
        kwargs=_of("meeting_case"),
        post={},
        changed=lambda w: not MeetingCase.objects.filter(pk=w["other_meeting_case"].pk).exists(),
        expected=_redirect_for_writers,
    ),
    UrlCase(
        "meeting_handout",
        Perm.VIEW_CASES,
        kwargs=_meeting,
        post={"preview": "1", "phrases": "伏せる語句"},
    ),
    UrlCase("meeting_plans", Perm.VIEW_ORG, leak=lambda w: w["other_meeting_plan"].counterpart_name),
    UrlCase("meeting_plan_add", Perm.EDIT_CASES, leak=lambda w: w["other_meeting_plan"].counterpart_name),
    UrlCase(
        "meeting_plan_edit",
        Perm.EDIT_CASES,
        kwargs=_of("meeting_plan"),
        post={"fiscal_year": "2024", "kind": "council", "counterpart_name": "書き換え", "planned": "3", "version": "1"},
        changed=lambda w: Plan.objects.filter(counterpart_name="書き換え").exists(),
    ),
]


def extend_world(world):
    for side in ("own", "other"):
        org = world[side]
        meeting = world[f"{side}_meeting"] = Meeting.objects.create(
            organisation=org, date=date(2024, 6, 1), kind="case_conference", name=f"{side}-secret-meeting"
        )
        world[f"{side}_meeting_attendance"] = Attendance.objects.create(
            meeting=meeting, body_name=f"{side}-secret-body", people=4
        )
        world[f"{side}_decision"] = Decision.objects.create(
            meeting=meeting, organisation=org, text=f"{side}-secret-decision"
        )
        case = Case.objects.create(organisation=org, number=f"{side}-meeting-case", opened_on=date(2024, 1, 1))
        Case.objects.create(organisation=org, number=f"{side}-meeting-case-2", opened_on=date(2024, 1, 1))
        world[f"{side}_meeting_case"] = MeetingCase.objects.create(meeting=meeting, case=case)
        world[f"{side}_meeting_plan"] = Plan.objects.create(
            organisation=org, fiscal_year=2024, kind="council", counterpart_name=f"{side}-secret-plan", planned=2
        )
