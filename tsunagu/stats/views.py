"""The statistics pages: the report for an organisation and everything below it over a period, its
XLSX and PDF downloads, and the trends over fiscal years.

Aggregates only: nothing here reads a personal record, which is why a 統計担当 may see all of it.
The organisation comes from ?org= and is reached through get_organisation, so one outside the
acting organisation's subtree is a 404 like any other record.
"""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.log import log_action
from tsunagu.core import wareki
from tsunagu.orgs.access import get_organisation
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Perm

from .exporters import Document, japanese, report_tables, to_pdf, to_xlsx
from .forms import FY, ReportForm, TrendsForm, organisation_choices
from .report import build_report
from .trends import build_trends, data_years, default_years, selectable_years, trend_tables, year_range_label

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _organisation(request) -> Organisation:
    code = request.GET.get("org") or request.actor.organisation.code
    return get_organisation(request.actor, code, perm=Perm.VIEW_STATS)


def _with_defaults(request, defaults: dict) -> dict:
    """What was asked for, over the defaults: a bare /stats/ is this fiscal year's report."""
    return {**defaults, **{key: value for key, value in request.GET.items() if value != ""}}


def _report_form(request, org: Organisation) -> ReportForm:
    defaults = {"org": org.code, "period": FY, "fy": wareki.fiscal_year(timezone.localdate()), "half": 1}
    return ReportForm(_with_defaults(request, defaults), organisations=organisation_choices(request.actor.organisation),
                      fiscal_years=selectable_years(data_years(org)))


@staff_view(Perm.VIEW_STATS)
def report_page(request):
    org = _organisation(request)
    form = _report_form(request, org)
    context = {"org": org, "form": form}
    if form.is_valid():
        report = build_report(org, form.chosen_period())
        context.update(report=report, tables=report_tables(report), period_label=form.period_label(),
                       query=form.query_string())
    return render(request, "stats/report.html", context)


def _document(org: Organisation, form: ReportForm) -> Document:
    period = form.chosen_period()
    return Document(org_name=org.name, org_code=org.code, period=period, period_label=form.period_label(),
                    tables=report_tables(build_report(org, period)))


def _export(request, fmt: str, render_file):
    org = _organisation(request)
    form = _report_form(request, org)
    if not form.is_valid():
        # The page shows what is wrong with the period, on the fields, with what was typed.
        return redirect(f"{reverse('stats_report')}?{urlencode(request.GET)}")
    document = japanese(_document, org, form)
    body = japanese(render_file, document)
    log_action(request.actor, "stats.export", obj=org,
               label=f"{fmt.upper()} {org.code} {document.period.start.isoformat()}〜{document.period.end.isoformat()}")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.{fmt}"'
    return response


@staff_view(Perm.VIEW_STATS)
def export_xlsx(request):
    return _export(request, "xlsx", to_xlsx)


@staff_view(Perm.VIEW_STATS)
def export_pdf(request):
    return _export(request, "pdf", to_pdf)


@staff_view(Perm.VIEW_STATS)
def trends_page(request):
    org = _organisation(request)
    span = data_years(org)
    default = default_years(span)
    form = TrendsForm(_with_defaults(request, {"org": org.code, "to": default[-1], "years": len(default)}),
                      organisations=organisation_choices(request.actor.organisation),
                      fiscal_years=selectable_years(span))
    context = {"org": org, "form": form}
    if form.is_valid():
        years = form.fiscal_years()
        context.update(tables=trend_tables(build_trends(org, years)), years_label=year_range_label(years))
    return render(request, "stats/trends.html", context)
