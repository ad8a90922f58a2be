"""Staff pages for meetings: the organisation's meetings by 年度, a meeting with who attended, its
decisions and (for a case conference) the cases discussed; the open decisions; the plans held against
planned. Every object comes through access.py; the actions write the audit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.core import wareki
from tsunagu.core.formpages import create_page
from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.versions import with_version
from tsunagu.orgs import chooser
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.models import Organisation

from . import actions, queries
from .access import (
    CASES_READ_PERM,
    READ_PERM,
    WRITE_PERM,
    case_by_number,
    get_attendance,
    get_decision,
    get_meeting,
    get_meeting_case,
    get_plan,
    linked_cases,
)
from .forms import (
    AttendanceForm,
    AttendancePeopleForm,
    CaseLinkForm,
    DecisionForm,
    ListFilterForm,
    MeetingForm,
    PlanForm,
    tree_of,
)
from .models import MeetingKind, Plan


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@staff_view(READ_PERM)
@require_GET
def meeting_list(request):
    org = request.actor.organisation
    form = ListFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    fy = data.get("fy") or wareki.current_fiscal_year()
    meetings = queries.meeting_list(org, fy, kind=data.get("kind", ""), status=data.get("status", ""))
    return render(
        request,
        "meetings/list.html",
        {
            "form": form,
            "search_form": True,
            "fy": fy,
            "meetings": meetings,
            "can_write": request.actor.can(WRITE_PERM),
        },
    )


def _meeting_form_page(request, form, meeting):
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "regions": queries.region_suggestions(request.actor.organisation)},
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def meeting_add(request):
    org = request.actor.organisation
    form = MeetingForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = create_once(
                request,
                lambda: actions.create_meeting(actor=request.actor, organisation=org, **form.cleaned_data),
                url_of=lambda meeting: reverse("meeting_detail", kwargs={"pk": meeting.pk}),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("会議「%(name)s」を登録しました。") % {"name": meeting.name})
            return redirect("meeting_detail", pk=meeting.pk)
    return _meeting_form_page(request, form, None)


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_meeting(request.actor, pk, write=True)
    initial = {name: getattr(meeting, name) for name in actions.MEETING_FIELDS} | {"version": meeting.version}
    form = with_version(MeetingForm(request.POST or None, initial=initial, organisation=meeting.organisation))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_meeting(actor=request.actor, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("会議「%(name)s」を保存しました。") % {"name": meeting.name})
            return redirect("meeting_detail", pk=meeting.pk)
    return _meeting_form_page(request, form, meeting)


def _attendance_context(request, meeting, form=None, *, focus=False):
    can_write = request.actor.can(WRITE_PERM)
    return {
        "focus_search": focus,
        "meeting": meeting,
        "attendance": queries.attendance_totals(meeting),
        "attendance_form": form or (AttendanceForm(organisation=meeting.organisation) if can_write else None),
        "can_write": can_write,
    }


def _detail_page(request, meeting, attendance_form=None):
    can_write = request.actor.can(WRITE_PERM)
    is_conference = meeting.kind == MeetingKind.CASE_CONFERENCE
    return render(
        request,
        "meetings/detail.html",
        _attendance_context(request, meeting, attendance_form)
        | {
            "decisions": meeting.decisions.select_related("owner").order_by("done_on", "due_on", "id"),
            "is_conference": is_conference,
            "case_count": meeting.linked_cases.count() if is_conference else 0,
            "cases": linked_cases(request.actor, meeting) if is_conference else None,
            "case_form": CaseLinkForm() if is_conference and can_write and request.actor.can(CASES_READ_PERM) else None,
        },
    )


@staff_view(READ_PERM)
@require_GET
def meeting_detail(request, pk):
    return _detail_page(request, get_meeting(request.actor, pk))


def _attendance_section(request, meeting, form=None, *, focus=False):
    return render(request, "meetings/_attendance.html", _attendance_context(request, meeting, form, focus=focus))


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def attendance_add(request, pk):
    """Add one attending body. With htmx the answer is the attendance section (the list and a fresh form,
    its search box focused for the next body); without, the meeting page."""
    meeting = get_meeting(request.actor, pk, write=True)
    if request.method == "GET":
        return _detail_page(request, meeting)
    form = AttendanceForm(request.POST, organisation=meeting.organisation)
    if form.is_valid():
        try:
            row = create_once(
                request,
                lambda: actions.record_attendance(
                    actor=request.actor,
                    meeting=meeting,
                    body=form.cleaned_data["body"],
                    body_name=form.cleaned_data["body_name"],
                    people=form.cleaned_data["people"],
                ),
                url_of=lambda row: reverse("meeting_detail", kwargs={"pk": meeting.pk}),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if _is_htmx(request):
                return _attendance_section(request, meeting, focus=True)  # ready for the next body
            messages.success(
                request, _("%(name)s（%(people)s人）を記録しました。") % {"name": row.body_name, "people": row.people}
            )
            return redirect("meeting_detail", pk=meeting.pk)
    if _is_htmx(request):
        return _attendance_section(request, meeting, form)
    return _detail_page(request, meeting, form)  # the mistake shows by its field, with what was typed


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def attendance_update(request, pk):
    row = get_attendance(request.actor, pk)
    if request.method == "GET":
        return redirect("meeting_detail", pk=row.meeting_id)
    form = AttendancePeopleForm(request.POST)
    if form.is_valid():
        try:
            actions.update_attendance(actor=request.actor, attendance=row, people=form.cleaned_data["people"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    if _is_htmx(request):
        return _attendance_section(request, row.meeting)
    return redirect("meeting_detail", pk=row.meeting_id)


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def attendance_remove(request, pk):
    row = get_attendance(request.actor, pk)
    meeting = row.meeting
    if request.method == "GET":
        return redirect("meeting_detail", pk=meeting.pk)
    try:
        actions.remove_attendance(actor=request.actor, attendance=row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if _is_htmx(request):
        return _attendance_section(request, meeting)
    return redirect("meeting_detail", pk=meeting.pk)


@staff_view(WRITE_PERM)
@require_GET
def body_search(request):
    """The attendance picker's options (htmx): the organisations of the region whose name or code fits
    what was typed, those that attended this organisation's meetings lately first; before anything is
    typed, those recent ones."""
    org = request.actor.organisation
    text = request.GET.get("body_name", "")[:120]
    recent = queries.recent_body_ids(org)
    tree = tree_of(org)
    if text.strip():
        found = chooser.search(tree, text, limit=chooser.RESULT_LIMIT * 3)
        codes = [row.code for row in found.rows]
        by_code = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        orgs = [by_code[c] for c in codes if c in by_code]
        rank = {pk: i for i, pk in enumerate(recent)}
        orgs.sort(key=lambda o: rank.get(o.pk, len(rank)))
        orgs = orgs[: chooser.RESULT_LIMIT]
    else:
        by_pk = Organisation.objects.in_bulk(recent)
        orgs = [by_pk[pk] for pk in recent if pk in by_pk]
    return render(request, "meetings/_body_options.html", {"orgs": orgs, "text": text, "recent": set(recent)})


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def decision_add(request, pk):
    meeting = get_meeting(request.actor, pk, write=True)
    form = DecisionForm(request.POST or None, organisation=meeting.organisation)
    return create_page(
        request,
        form,
        lambda values: actions.add_decision(actor=request.actor, meeting=meeting, **values),
        url_of=lambda decision: reverse("meeting_detail", kwargs={"pk": meeting.pk}),
        done=_("決定事項を記録しました。"),
        template="meetings/decision_form.html",
        context={"meeting": meeting, "decision": None},
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def decision_edit(request, pk):
    decision = get_decision(request.actor, pk, write=True)
    initial = {name: getattr(decision, name) for name in actions.DECISION_FIELDS} | {"version": decision.version}
    form = with_version(DecisionForm(request.POST or None, initial=initial, organisation=decision.organisation))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_decision(actor=request.actor, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("決定事項を保存しました。"))
            if request.POST.get("next") == "open":
                return redirect("meeting_decisions")
            return redirect("meeting_detail", pk=decision.meeting_id)
    return render(
        request,
        "meetings/decision_form.html",
        {"form": form, "meeting": decision.meeting, "decision": decision, "next": request.GET.get("next", "")},
    )


@staff_view(READ_PERM)
@require_GET
def open_decisions(request):
    return render(
        request,
        "meetings/decisions.html",
        {
            "decisions": queries.open_decisions(request.actor.organisation),
            "can_write": request.actor.can(WRITE_PERM),
        },
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def case_link(request, pk):
    meeting = get_meeting(request.actor, pk, write=True)
    if request.method == "GET":
        return redirect("meeting_detail", pk=meeting.pk)
    form = CaseLinkForm(request.POST)
    if form.is_valid():
        case = case_by_number(request.actor, form.cleaned_data["case"])
        if case is None:
            messages.error(
                request,
                _("ケース番号「%(number)s」のケースは、結び付けられるケースの中にありません。")
                % {"number": form.cleaned_data["case"]},
            )
        else:
            try:
                actions.link_case(actor=request.actor, meeting=meeting, case=case)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("ケース%(number)sを結び付けました。") % {"number": case.number})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("meeting_detail", pk=meeting.pk)


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def case_unlink(request, pk):
    link = get_meeting_case(request.actor, pk)
    if request.method == "GET":
        return redirect("meeting_detail", pk=link.meeting_id)
    actions.unlink_case(actor=request.actor, link=link)
    messages.success(request, _("ケースの結び付けを外しました。"))
    return redirect("meeting_detail", pk=link.meeting_id)


@staff_view(READ_PERM)
@require_GET
def plan_list(request):
    org = request.actor.organisation
    form = ListFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    fy = data.get("fy") or wareki.current_fiscal_year()
    first, last = wareki.fiscal_year_range(fy)
    plans = queries.plan_progress(Plan.objects.filter(organisation=org), first, last)
    for plan in plans:
        plan["text"] = queries.progress_text(plan)
    return render(
        request,
        "meetings/plans.html",
        {
            "form": form,
            "search_form": True,
            "fy": fy,
            "plans": plans,
            "summary": "・".join(plan["text"] for plan in plans),
            "can_write": request.actor.can(WRITE_PERM),
        },
    )


def _plan_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in actions.PLAN_FIELDS}


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def plan_add(request):
    org = request.actor.organisation
    form = PlanForm(request.POST or None, organisation=org, initial={"fiscal_year": wareki.current_fiscal_year()})
    return create_page(
        request,
        form,
        lambda values: actions.create_plan(actor=request.actor, organisation=org, **_plan_values(form)),
        url_of=lambda plan: reverse("meeting_plans") + f"?fy={plan.fiscal_year}",
        done=_("計画を登録しました。"),
        template="meetings/plan_form.html",
        context={"plan": None},
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_plan(request.actor, pk, write=True)
    initial = {name: getattr(plan, name) for name in actions.PLAN_FIELDS} | {"version": plan.version}
    form = with_version(PlanForm(request.POST or None, initial=initial, organisation=plan.organisation))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_plan(
                actor=request.actor, plan=plan, version=form.cleaned_data["version"], **_plan_values(form)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("計画を保存しました。"))
            return redirect(reverse("meeting_plans") + f"?fy={plan.fiscal_year}")
    return render(request, "meetings/plan_form.html", {"form": form, "plan": plan})


# --- the anonymised handout -----------------------------------------------------------------------

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
SUMMARY_MAX = 20000
PHRASES_MAX = 2000


def _posted_text(request, name: str, limit: int) -> str | None:
    value = request.POST.get(name)
    if value is None:
        return None
    return value.translate(_CONTROL).replace("\r\n", "\n")[:limit]


@staff_view(CASES_READ_PERM)
@require_http_methods(["GET", "POST"])
def handout(request, pk):
    """The masked summaries of the cases a conference discussed, the spans highlighted. The person may
    edit a summary, unmask a false positive (untick it) or add a phrase to mask, looks again, and prints
    the PDF: the print is audited with what was confirmed."""
    from tsunagu.core.exporting import download, html_to_pdf
    from tsunagu.orgs.models import OrgKind

    from . import handout as anonymise
    from .access import handout_cases

    meeting = get_meeting(request.actor, pk)
    cases = handout_cases(request.actor, meeting) if meeting.kind == MeetingKind.CASE_CONFERENCE else []
    posted = request.method == "POST"
    phrases_text = (_posted_text(request, "phrases", PHRASES_MAX) or "") if posted else ""
    phrases = [line.strip() for line in phrases_text.splitlines() if line.strip()][:50]
    items = []
    for index, case in enumerate(cases, start=1):
        text = _posted_text(request, f"summary-{case.pk}", SUMMARY_MAX) if posted else None
        items.append((anonymise.identity_of(case, _("事例%(n)s") % {"n": index}), text or anonymise.summary_of(case)))
    place_names = set(
        Organisation.objects.filter(kind__in=[OrgKind.MUNICIPALITY, OrgKind.DESIGNATED_CITY]).values_list(
            "name", flat=True
        )
    ) | {c.municipality.name for c in cases if c.municipality_id}
    masked = anonymise.mask_all(items, place_names, phrases=phrases)
    rows = []
    for case, result in zip(cases, masked, strict=True):
        unmasked = set(request.POST.getlist(f"unmask-{case.pk}")) if posted else set()
        unmasked &= {s.key for s in result.spans}
        rows.append({"case": case, "result": result, "unmasked": unmasked, "pieces": result.pieces()})
    if posted and request.POST.get("print") and rows:
        actions.record_handout(
            actor=request.actor,
            meeting=meeting,
            cases=cases,
            masked=sum(len(r["result"].spans) - len(r["unmasked"]) for r in rows),
            unmasked=sum(len(r["unmasked"]) for r in rows),
            added=len(phrases),
        )
        html = render(
            request,
            "meetings/handout_pdf.html",
            {
                "meeting": meeting,
                "title": _("事例検討資料（匿名化）"),
                "date": wareki.format_date(meeting.date),
                "entries": [
                    {"label": r["result"].identity.label, "text": r["result"].render(r["unmasked"])} for r in rows
                ],
            },
        ).content.decode()
        return download(html_to_pdf(html), f"handout-{meeting.number or meeting.pk}.pdf", private=True)
    return render(
        request,
        "meetings/handout.html",
        {
            "meeting": meeting,
            "rows": rows,
            "phrases": phrases_text,
            "is_conference": meeting.kind == MeetingKind.CASE_CONFERENCE,
        },
    )
