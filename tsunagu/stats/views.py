"""The statistics pages: the report for an organisation and everything below it over a period, its
XLSX and PDF downloads, and the trends over fiscal years.

Aggregates only: nothing here reads a personal record, which is why a 統計担当 may see all of it.
The organisation comes from ?org= (a code, or part of a name typed without JavaScript) and is looked
up only within the acting organisation's subtree (orgs.chooser.resolve): a code outside it, or of no
organisation, is a 404 whose page says so on the 組織 field, and the refusal is logged like any other; a
name that fits nothing is a message on the field.
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core import wareki
from tsunagu.core.exporting import download
from tsunagu.orgs import chooser
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Perm

from . import downloads
from .exporters import report_tables
from .forms import FY, ReportForm, TrendsForm
from .smallcells import shown_report, shown_trends, trends_note
from .trends import data_years, default_years, selectable_years, trend_tables, year_range_label


def _resolution(request) -> chooser.Resolution:
    return chooser.resolve(request.actor, request.GET.get("org", ""))


def _canonical(request, page: str, resolution) -> str | None:
    """The same page at ?org=CODE when a name (or a code in full-width digits) picked the organisation,
    so what the address bar shows, and any bookmark, names it by code."""
    asked = request.GET.get("org", "")
    if resolution.org is None or not asked or asked == resolution.org.code:
        return None
    return chooser.linker(page, request.GET, request.actor.organisation)(resolution.org.code)


def _organisation_form(request, page: str, resolution) -> dict:
    """The keyword arguments of the 組織 field, and the chooser around it for the template."""
    acting = request.actor.organisation
    choices = chooser.small_subtree_choices(acting)
    surroundings = chooser.chooser(
        acting,
        resolution,
        searchable=choices is None,
        link=chooser.linker(page, request.GET, acting),
        below=request.GET.get("below", "1"),
    )
    form_kwargs = {
        "resolution": resolution,
        "choices": choices,
        "page": page,
    }
    return {"form_kwargs": form_kwargs, "chooser": surroundings}


def _status(resolution) -> int:
    return 404 if resolution.refused else 200


def _with_defaults(request, defaults: dict) -> dict:
    """What was asked for, over the defaults: a bare /stats/ is this fiscal year's report."""
    return {**defaults, **{key: value for key, value in request.GET.items() if value != ""}}


def _report_form(request, org: Organisation, **organisation) -> ReportForm:
    defaults = {"org": org.code, "period": FY, "fy": wareki.fiscal_year(timezone.localdate()), "half": 1}
    return ReportForm(
        _with_defaults(request, defaults),
        fiscal_years=selectable_years(data_years(org)),
        acting=request.actor.organisation,
        **organisation,
    )


@staff_view(Perm.VIEW_STATS)
def report_page(request):
    resolution = _resolution(request)
    if canonical := _canonical(request, "stats_report", resolution):
        return redirect(canonical)
    org = resolution.org or request.actor.organisation
    chosen = _organisation_form(request, "stats_report", resolution)
    form = _report_form(request, org, **chosen["form_kwargs"])
    context = {"org": org, "form": form, "chooser": chosen["chooser"]}
    if form.is_valid():
        report = shown_report(request.actor.organisation, org, form.chosen_period(), form.chosen_cohort())
        context.update(
            report=report, tables=report_tables(report), period_label=form.period_label(), query=form.query_string()
        )
    return render(request, "stats/report.html", context, status=_status(resolution))


def _export(request, fmt: str):
    resolution = _resolution(request)
    if resolution.refused:
        raise Http404(_("見つかりません。"))
    org = resolution.org or request.actor.organisation
    form = _report_form(request, org, resolution=resolution)
    if not form.is_valid():
        # The page shows what is wrong with the period, on the fields, with what was typed.
        return redirect(f"{reverse('stats_report')}?{urlencode(request.GET)}")
    body, filename = downloads.report_file(request.actor, org, form, fmt)
    return download(body, filename)


@staff_view(Perm.VIEW_STATS)
def export_xlsx(request):
    return _export(request, "xlsx")


@staff_view(Perm.VIEW_STATS)
def export_pdf(request):
    return _export(request, "pdf")


@staff_view(Perm.VIEW_STATS)
def trends_page(request):
    resolution = _resolution(request)
    if canonical := _canonical(request, "stats_trends", resolution):
        return redirect(canonical)
    org = resolution.org or request.actor.organisation
    chosen = _organisation_form(request, "stats_trends", resolution)
    span = data_years(org)
    default = default_years(span)
    form = TrendsForm(
        _with_defaults(request, {"org": org.code, "to": default[-1], "years": len(default)}),
        fiscal_years=selectable_years(span),
        **chosen["form_kwargs"],
    )
    context = {"org": org, "form": form, "chooser": chosen["chooser"]}
    if form.is_valid():
        years = form.fiscal_years()
        trends = shown_trends(request.actor.organisation, org, years)
        context.update(tables=trend_tables(trends), years_label=year_range_label(years), note=trends_note(trends))
    return render(request, "stats/trends.html", context, status=_status(resolution))
