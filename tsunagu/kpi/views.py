from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core.forms import apply_errors, fiscal_year_choices
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.versions import VersionField, with_version
from tsunagu.core.wareki import current_fiscal_year, fiscal_year_label, in_english
from tsunagu.orgs import chooser
from tsunagu.orgs.access import get_organisation
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.forms import OrganisationChooserForm
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Perm

from . import actions, queries
from .access import get_indicator, get_measure, get_plan
from .forms import (
    EnteredValueForm,
    IndicatorForm,
    LevelFormSet,
    PeriodChoiceForm,
    PlanForm,
    TargetForm,
)
from .indicators import levels_for, source_label
from .models import JudgementLevel


def _chosen_year(request) -> int:
    form = PeriodChoiceForm(request.GET)
    return form.cleaned_data["fy"] if form.is_valid() else current_fiscal_year()


def overview_linker(keep: dict, acting: Organisation):
    """Picking an organisation in the KPI page's chooser leads to its own KPI address, in the same year
    (registered with orgs.chooser by KpiConfig.ready)."""
    fy = f"?{urlencode({'fy': keep['fy']})}" if keep.get("fy") else ""

    def link(code: str) -> str:
        url = reverse("kpi_overview") if code == acting.code else reverse("kpi_org", kwargs={"code": code})
        return url + fy

    return link


def _page(request, org, resolution=None):
    """The KPIs of `org`, under the same 組織 chooser as the statistics pages (the form goes to
    kpi_overview, which sends a chosen organisation on to its own address)."""
    acting = request.actor.organisation
    resolution = resolution or chooser.Resolution(org)
    choices = chooser.small_subtree_choices(acting)
    link = chooser.linker("kpi_overview", request.GET, acting)
    fy = _chosen_year(request)
    form = OrganisationChooserForm(
        {"org": request.GET.get("org") or org.code},
        resolution=resolution,
        choices=choices,
        page="kpi_overview",
    )
    form.is_valid()  # shows what the typed text came to on the field
    page = queries.kpi_page(org, fy, acting=acting)
    return render(
        request,
        "kpi/overview.html",
        {
            "org": org,
            "page": page,
            "fy": fy,
            "fy_label": fiscal_year_label(fy),
            # 「令和3年度（2021年度）」; the English label names both already: "FY2021 (Reiwa 3)".
            "fy_heading": fiscal_year_label(fy) if in_english() else f"{fiscal_year_label(fy)}（{fy}年度）",
            "years": fiscal_year_choices(fy),
            "own": org == acting,
            "measures": list(org.pdca_measures.all()),
            "form": form,
            "chooser": chooser.chooser(
                acting, resolution, searchable=choices is None, link=link, below=request.GET.get("below", "1")
            ),
        },
        status=404 if resolution.refused else 200,
    )


@staff_view(Perm.VIEW_STATS)
def kpi_overview(request):
    """The acting organisation's KPIs; ?org= (typed without JavaScript) leads to another's."""
    acting = request.actor.organisation
    asked = request.GET.get("org", "")
    resolution = chooser.resolve(request.actor, asked)
    if resolution.org is None:
        return _page(request, acting, resolution)
    if asked and resolution.org != acting:
        return redirect(chooser.linker("kpi_overview", request.GET, acting)(resolution.org.code))
    return _page(request, acting)


@staff_view(Perm.VIEW_STATS)
def kpi_org(request, code):
    return _page(request, get_organisation(request.actor, code, perm=Perm.VIEW_STATS))


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def indicator_add(request):
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = create_once(
                request,
                lambda: actions.create_indicator(
                    actor=request.actor, organisation=request.actor.organisation, **form.cleaned_data
                ),
                url_of=lambda indicator: reverse("kpi_indicator", kwargs={"pk": indicator.pk}),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("指標「%(name)s」を追加しました。") % {"name": indicator.name})
            return redirect("kpi_indicator", pk=indicator.pk)
    return render(request, "kpi/indicator_form.html", {"form": form, "indicator": None})


@staff_view(Perm.VIEW_STATS)
def indicator_detail(request, pk):
    indicator = get_indicator(request.actor, pk)
    fy = _chosen_year(request)
    page = queries.kpi_page(indicator.organisation, fy, acting=request.actor.organisation, only=indicator)
    return render(
        request,
        "kpi/indicator_detail.html",
        {
            "indicator": indicator,
            "row": page.rows[0] if page.rows else None,
            "fy": fy,
            "fy_label": fiscal_year_label(fy),
            "source": source_label(indicator.source),
            "plans": queries.indicator_plans(indicator),
            "value_rows": queries.value_rows(indicator),
            "levels": page.levels,
            "own": indicator.organisation == request.actor.organisation,
        },
    )


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk):
    indicator = get_indicator(request.actor, pk, write=True)
    initial = {name: getattr(indicator, name) for name in actions.INDICATOR_FIELDS} | {"version": indicator.version}
    form = with_version(IndicatorForm(request.POST or None, initial=initial, editing=True))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_indicator(actor=request.actor, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("指標「%(name)s」を保存しました。") % {"name": indicator.name})
            return redirect("kpi_indicator", pk=indicator.pk)
    return render(request, "kpi/indicator_form.html", {"form": form, "indicator": indicator})


def _yearly(request, pk, *, form_class, model_name, save, title):
    indicator = get_indicator(request.actor, pk, write=True)
    fy = _chosen_year(request)
    existing = getattr(indicator, model_name).filter(fiscal_year=fy).first()
    initial = {"fiscal_year": fy, "value": existing.value if existing else None, "note": getattr(existing, "note", "")}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(indicator, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(label)sの%(what)sを保存しました。")
                % {"label": fiscal_year_label(form.cleaned_data["fiscal_year"]), "what": title},
            )
            return redirect("kpi_indicator", pk=indicator.pk)
    locked = model_name == "entered_values" and not indicator.is_manual
    return render(
        request, "kpi/yearly_form.html", {"form": form, "indicator": indicator, "title": title, "locked": locked}
    )


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    return _yearly(
        request,
        pk,
        form_class=TargetForm,
        model_name="targets",
        title=_("計画値"),
        save=lambda i, d: actions.set_target(
            actor=request.actor, indicator=i, fiscal_year=d["fiscal_year"], value=d["value"]
        ),
    )


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def entered_value_edit(request, pk):
    return _yearly(
        request,
        pk,
        form_class=EnteredValueForm,
        model_name="entered_values",
        title=_("実績値"),
        save=lambda i, d: actions.set_entered_value(
            actor=request.actor, indicator=i, fiscal_year=d["fiscal_year"], value=d["value"], note=d["note"]
        ),
    )


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    """Add a multi-year plan, or change or delete the one named by ?plan=."""
    indicator = get_indicator(request.actor, pk, write=True)
    plan_id = request.GET.get("plan", "")
    # A malformed id names no plan: the page offers a new one, as without it.
    plan = get_plan(request.actor, indicator, plan_id) if plan_id.isdigit() else None
    initial = {"first_year": current_fiscal_year()}
    if plan is not None:
        increments = dict(indicator.targets.filter(fiscal_year__in=plan.years).values_list("fiscal_year", "value"))
        initial = {
            "first_year": plan.first_year,
            "baseline": plan.baseline,
            "baseline_label": plan.baseline_label,
            "adds_to_baseline": plan.adds_to_baseline,
            "version": plan.version,
        }
        initial |= {f"increment_{n}": increments.get(fy) for n, fy in enumerate(plan.years, start=1)}
    form = PlanForm(request.POST or None, initial=initial)
    if plan is not None:
        with_version(form)
    if request.method == "POST" and plan is not None and "delete" in request.POST:
        # The delete button carries the version the page was opened at: a plan changed since is kept.
        form = with_version(PlanForm(initial=initial))  # the stored plan, with the refusal above it
        form.cleaned_data = {}
        try:
            version = VersionField().clean(request.POST.get("version"))
            actions.delete_plan(actor=request.actor, plan=plan, version=version)
        except ValidationError as error:  # StaleEdit included: the other person's values are shown
            apply_errors(form, error)
            return render(request, "kpi/plan_form.html", {"form": form, "indicator": indicator, "plan": plan})
        messages.success(request, _("計画を削除しました。"))
        return redirect("kpi_indicator", pk=indicator.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save():
            return actions.save_plan(
                actor=request.actor,
                indicator=indicator,
                plan=plan,
                first_year=data["first_year"],
                baseline=data["baseline"],
                increments=data["increments"],
                baseline_label=data["baseline_label"],
                adds_to_baseline=data["adds_to_baseline"],
                version=data.get("version"),
            )

        try:
            if plan is None:  # a new plan: once per form, however often it is sent
                create_once(request, save, url_of=lambda _plan: reverse("kpi_indicator", kwargs={"pk": indicator.pk}))
            else:
                save()
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("計画を保存しました。"))
            return redirect("kpi_indicator", pk=indicator.pk)
    return render(request, "kpi/plan_form.html", {"form": form, "indicator": indicator, "plan": plan})


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def levels_edit(request):
    org = request.actor.organisation
    current = levels_for(org)
    own = bool(current) and current[0].organisation_id == org.pk
    initial = [{"label": level.label, "min_ratio": level.min_ratio} for level in current]
    formset = LevelFormSet(request.POST or None, initial=initial, prefix="levels")
    error = None
    if request.method == "POST" and "reset" in request.POST:
        actions.reset_levels(actor=request.actor, organisation=org)
        messages.success(request, _("進捗状況の区分を上位の組織（または既定）に戻しました。"))
        return redirect("kpi_levels")
    if request.method == "POST" and formset.is_valid():
        levels = [
            (f.cleaned_data["label"], f.cleaned_data["min_ratio"]) for f in formset.forms if f.cleaned_data.get("label")
        ]
        try:
            actions.set_levels(actor=request.actor, organisation=org, levels=levels)
        except ValidationError as problem:
            error = problem.message_dict.get("levels", problem.messages)
        else:
            messages.success(request, _("進捗状況の区分を保存しました。"))
            return redirect("kpi_levels")
    return render(
        request,
        "kpi/levels_form.html",
        {
            "formset": formset,
            "own": own,
            "error": error,
            "org": org,
            "defaults": JudgementLevel.objects.filter(organisation__isnull=True).order_by("-min_ratio"),
        },
    )


# --- the PDCA sheet 様式1 -----------------------------------------------------------------------------


@staff_view(Perm.VIEW_STATS)
@require_http_methods(["GET", "POST"])
def measure_sheet(request, pk):
    """A measure's 様式1 for ?fy=: the sheet as it will print, and (for the owning organisation) its
    texts written on the page, saved at the version they were opened at."""
    from . import sheets
    from .forms import SheetTextsForm

    measure = get_measure(request.actor, pk, write=request.method == "POST")
    fy = _chosen_year(request)
    sheet = sheets.build_sheet(measure, fy, acting=request.actor.organisation)
    own = measure.organisation == request.actor.organisation
    form = with_version(SheetTextsForm(request.POST or None, initial={**sheet.texts, "version": sheet.version}))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            actions.save_sheet_texts(actor=request.actor, measure=measure, fiscal_year=fy, version=version, **data)
        except ValidationError as error:  # StaleEdit included: the other person's values are shown
            apply_errors(form, error)
        else:
            messages.success(request, _("検証票の記述を保存しました。"))
            return redirect(f"{reverse('kpi_measure_sheet', kwargs={'pk': measure.pk})}?{urlencode({'fy': fy})}")
    return render(
        request,
        "kpi/measure_sheet.html",
        {
            "measure": measure,
            "sheet": sheet,
            "form": form,
            "own": own,
            "fy": fy,
            "years": fiscal_year_choices(fy),
        },
    )


@staff_view(Perm.VIEW_STATS)
def measure_sheet_download(request, pk, fmt):
    from tsunagu.core.exporting import download

    from . import sheets

    if fmt not in ("pdf", "xlsx"):
        from django.http import Http404

        raise Http404
    measure = get_measure(request.actor, pk)
    sheet = sheets.build_sheet(measure, _chosen_year(request), acting=request.actor.organisation)
    body = sheets.pdf(sheet) if fmt == "pdf" else sheets.xlsx(sheet)
    return download(body, sheets.filename(sheet, fmt))


# --- the yearly progress report -------------------------------------------------------------------------


def _progress_period(request) -> tuple[int, str]:
    from .forms import ProgressPeriodForm
    from .models import ReportPart

    form = ProgressPeriodForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["fy"], form.cleaned_data["part"]
    return form.cleaned_data.get("fy", current_fiscal_year()), ReportPart.YEAR


def _progress_query(fy: int, part: str) -> str:
    return urlencode({"fy": fy, "part": part})


@staff_view(Perm.VIEW_STATS)
def progress_report(request, code):
    """An organisation's progress report for ?fy= and ?part= (fy, h1, h2): a page per program."""
    from . import progress
    from .access import get_progress_organisation
    from .models import ReportPart

    org = get_progress_organisation(request.actor, code)
    fy, part = _progress_period(request)
    return render(
        request,
        "kpi/progress.html",
        {
            "org": org,
            "document": progress.build_report(org, fy, part, acting=request.actor.organisation),
            "fy": fy,
            "part": part,
            "years": fiscal_year_choices(fy),
            "parts": ReportPart.choices,
            "query": _progress_query(fy, part),
            "own": org == request.actor.organisation and request.actor.can(Perm.MANAGE_ORG),
        },
    )


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def progress_page_edit(request, code, program):
    """One page of the report with its text and the organisation its figures come from, saved at the
    version the page was opened at (a stale save shows the other person's text)."""
    from django.http import Http404

    from . import progress
    from .access import get_progress_organisation
    from .forms import ProgressPageForm
    from .models import Program

    org = get_progress_organisation(request.actor, code, write=True)
    if program not in Program.values:
        raise Http404
    fy, part = _progress_period(request)
    page = progress.build_report(org, fy, part, acting=request.actor.organisation, only=program).page(program)
    initial = {"text": page.text, "source": page.source if page.source_is_chosen else None, "version": page.version}
    form = with_version(ProgressPageForm(request.POST or None, initial=initial, organisation=org))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.save_progress_page(
                actor=request.actor,
                organisation=org,
                fiscal_year=fy,
                part=part,
                program=program,
                text=data["text"],
                source=data["source"],
                version=data["version"],
            )
        except ValidationError as error:  # StaleEdit included: the other person's values are shown
            apply_errors(form, error)
        else:
            messages.success(request, _("「%(page)s」のページを保存しました。") % {"page": page.title})
            url = reverse("kpi_progress", kwargs={"code": org.code})
            return redirect(f"{url}?{_progress_query(fy, part)}#page-{program}")
    return render(
        request,
        "kpi/progress_page_form.html",
        {"org": org, "page": page, "form": form, "fy": fy, "part": part, "query": _progress_query(fy, part)},
    )


@staff_view(Perm.VIEW_STATS)
def progress_download(request, code, fmt):
    from django.http import Http404

    from tsunagu.core.exporting import download

    from . import progress
    from .access import get_progress_organisation

    if fmt not in ("pdf", "xlsx"):
        raise Http404
    org = get_progress_organisation(request.actor, code)
    fy, part = _progress_period(request)
    body, filename = progress.download_file(
        request.actor, progress.build_report(org, fy, part, acting=request.actor.organisation), fmt
    )
    return download(body, filename)
