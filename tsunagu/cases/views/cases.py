"""The case list, a new case, the case page, and editing, status and assignment of a case."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.wareki import age_on, fiscal_year
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from .. import actions, printing, queries
from ..access import can_write_cases, get_case
from ..domain import numbering_of
from ..forms import (
    RELATIONSHIP_WORDS,
    AssignForm,
    CaseFilterForm,
    CaseForm,
    CaseSettingsForm,
    ContactForm,
    HouseholdFormSet,
    StatusForm,
    household_initial,
    household_values,
)
from ..models import AgeBand, CaseSettings, Status
from ..rules import is_ice_age_generation
from . import case_work_view, is_htmx, reading

OUTING_CLASS = {
    1: gettext_lazy("準ひきこもり"),
    2: gettext_lazy("狭義"),
    3: gettext_lazy("狭義"),
    4: gettext_lazy("狭義"),
}


@case_work_view()
def case_list(request):
    actor, today = request.actor, timezone.localdate()
    org = actor.organisation
    form = CaseFilterForm(
        request.GET or None, staff_queryset=queries.case_staff(org), municipalities=queries.municipalities(org)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    page, rows = queries.case_list_page(actor, filters, today, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "today": today,
            "can_write": can_write_cases(actor),
        },
    )


def _case_form_context(form, household, *, similar=(), suggest_8050=False, case=None):
    return {
        "form": form,
        "household": household,
        "similar": similar,
        "suggest_8050": suggest_8050,
        "case": case,
        "relationship_words": RELATIONSHIP_WORDS,
    }


def _suggestion(form, household, today) -> bool:
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    members = [
        {"relationship": f.cleaned_data["relationship"], "age": f.cleaned_data.get("age")}
        for f in household.forms
        if getattr(f, "cleaned_data", None) and f.cleaned_data.get("relationship") and not f.cleaned_data.get("DELETE")
    ]
    return data.get("household_8050") is None and queries.suggests_8050(
        birth_date=data.get("birth_date"), age_band=data.get("age_band", ""), household=members, today=today
    )


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def case_add(request):
    actor, today = request.actor, timezone.localdate()
    form = CaseForm(request.POST or None, municipalities=queries.municipalities(actor.organisation))
    household = HouseholdFormSet(request.POST or None, prefix="household")
    similar, suggest = [], False
    if request.method == "POST":
        valid = form.is_valid() & household.is_valid()  # both, so every error shows at once
        suggest = _suggestion(form, household, today)
        if request.POST.get("_preview") and is_htmx(request):
            # htmx asks, while the form is filled in, whether the household looks like 8050.
            return render(request, "cases/_suggest_8050.html", {"suggest_8050": suggest})
        if valid:
            values = form.case_values()
            similar = queries.similar_cases_shown(
                actor, furigana=values["furigana"], birth_date=values["birth_date"], today=today
            )
            if not similar or form.cleaned_data.get("confirm_similar"):
                try:
                    case = create_once(
                        request,
                        lambda: actions.open_case(actor=actor, household=household_values(household), **values),
                        url_of=lambda case: reverse("case_detail", kwargs={"pk": case.pk}),
                    )
                except AlreadySaved as error:
                    return already_saved(request, error)
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, _("ケース%(number)sを作成しました。") % {"number": case.number})
                    return redirect("case_detail", pk=case.pk)
    return render(
        request, "cases/case_form.html", _case_form_context(form, household, similar=similar, suggest_8050=suggest)
    )


@case_work_view()
def case_detail(request, pk):
    actor, today = request.actor, timezone.localdate()
    case = get_case(actor, pk)
    data = queries.case_page(case, everything=request.GET.get("timeline") == "all")
    can_write = can_write_cases(actor)
    latest_contact = next((e.obj for e in data["events"] if e.kind == "contact"), None)
    members = [{"relationship": m.relationship, "age": m.age} for m in data["household"]]
    allowed = actions.ALLOWED_STATUS_CHANGES[Status(case.status)]
    context = {
        "case": case,
        **data,
        "today": today,
        "age": age_on(case.birth_date, today) if case.birth_date and case.birth_date <= today else None,
        "band": AgeBand(queries.current_band(case, today)).label,
        "ice_age": is_ice_age_generation(case.birth_date, today),
        "fiscal_year": fiscal_year(today),
        "outing_class": OUTING_CLASS.get(case.outing_level),
        "suggest_8050": case.household_8050 is None
        and queries.suggests_8050(birth_date=case.birth_date, age_band=case.age_band, household=members, today=today),
        "can_write": can_write,
        "can_assign": actor.can(Perm.EDIT_CASES),
        "quick_form": ContactForm(
            quick=True, initial={"consulter": latest_contact.consulter if latest_contact else case.first_consulter}
        )
        if can_write
        else None,
        "status_form": StatusForm(allowed=allowed, initial={"version": case.version}, auto_id="status_%s")
        if can_write
        else None,
        "viewers": queries.case_viewers(case) if actor.can(Perm.VIEW_CASES) else None,
        "print_forms": printing.FORMS.values(),
    }
    return render(request, "cases/detail.html", context)


def _initial(case) -> dict:
    initial = {name: getattr(case, name) for name in actions.CASE_FIELDS}
    initial["version"] = case.version
    return initial


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    actor, today = request.actor, timezone.localdate()
    case = get_case(actor, pk, write=True, log_read=reading(request))
    municipalities = queries.municipalities(actor.organisation)
    if request.method == "POST":
        form = CaseForm(request.POST, municipalities=municipalities, editing=True)
        household = HouseholdFormSet(request.POST, prefix="household")
        valid = form.is_valid() & household.is_valid()
        if request.POST.get("_preview") and is_htmx(request):
            return render(request, "cases/_suggest_8050.html", {"suggest_8050": _suggestion(form, household, today)})
        if valid:
            try:
                actions.update_case(
                    actor=actor,
                    case=case,
                    version=form.cleaned_data["version"],
                    household=household_values(household),
                    **form.case_values(),
                )
            except ValidationError as error:  # StaleEdit included: what was typed stays on the page
                apply_errors(form, error)
            else:
                messages.success(request, _("ケース%(number)sを保存しました。") % {"number": case.number})
                return redirect("case_detail", pk=case.pk)
    else:
        form = CaseForm(initial=_initial(case), municipalities=municipalities, editing=True)
        household = HouseholdFormSet(prefix="household", initial=household_initial(case))
    return render(
        request,
        "cases/case_form.html",
        _case_form_context(
            form, household, suggest_8050=_suggestion(form, household, today) if form.is_bound else False, case=case
        ),
    )


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def case_status(request, pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    allowed = actions.ALLOWED_STATUS_CHANGES[Status(case.status)]
    form = StatusForm(request.POST or None, allowed=allowed, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_status(
                actor=actor, case=case, status=data["status"], on=data["on"], note=data["note"], version=data["version"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("状態を「%(status)s」にしました。") % {"status": case.get_status_display()})
            return redirect("case_detail", pk=case.pk)
    return render(request, "cases/status_form.html", {"case": case, "form": form})


@staff_view(Perm.EDIT_CASES)
@require_http_methods(["GET", "POST"])
def case_assign(request, pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    form = AssignForm(
        request.POST or None,
        staff_queryset=queries.case_staff(actor.organisation),
        initial={"users": list(case.assigned.all()), "version": case.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_assigned(actor=actor, case=case, users=list(data["users"]), version=data["version"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("担当者を保存しました。"))
            return redirect("case_detail", pk=case.pk)
    return render(request, "cases/assign_form.html", {"case": case, "form": form})


@case_work_view()
def case_find(request):
    """The home page's search box: straight to the case when the words name one (2026-0022, or 0022
    when only one case ends with it), else the case list searching for them."""
    query = (request.GET.get("q") or "")[:100]
    case = queries.find_case(request.actor, query)
    if case is not None:
        return redirect("case_detail", pk=case.pk)
    return redirect(reverse("case_list") + "?" + urlencode({"q": query}))


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def case_settings(request):
    """How the organisation numbers new cases (by fiscal year unless it chose otherwise)."""
    actor = request.actor
    current = CaseSettings.objects.filter(organisation=actor.organisation).first()
    initial = {"numbering": numbering_of(actor.organisation), "version": current.version if current else 1}
    form = CaseSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = data["version"] if current else None
        try:
            actions.set_numbering(actor=actor, numbering=data["numbering"], version=version)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("ケース番号の付け方を保存しました。"))
            return redirect("case_settings")
    return render(request, "cases/settings.html", {"form": form})
