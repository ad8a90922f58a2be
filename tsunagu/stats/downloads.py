"""The report as a file to take away (XLSX, PDF). Who took which organisation's figures for which period
is part of the audit trail, written here, where the file is made."""

from tsunagu.audit.log import log_action
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor

from .exporters import Document, japanese, report_tables, to_pdf, to_xlsx
from .forms import ReportForm
from .smallcells import ranged_note, shown_report

RENDERERS = {"xlsx": to_xlsx, "pdf": to_pdf}


def _document(acting: Organisation, org: Organisation, form: ReportForm) -> Document:
    period = form.chosen_period()
    report = shown_report(acting, org, period, form.chosen_cohort())
    return Document(
        org_name=org.name,
        org_code=org.code,
        period=period,
        period_label=form.period_label(),
        tables=report_tables(report),
        footnote=ranged_note(report),
    )


def report_file(actor: Actor, org: Organisation, form: ReportForm, fmt: str) -> tuple[bytes, str]:
    """The report of `org` for the period of a valid ReportForm as `fmt` (xlsx, pdf), in Japanese, and
    its file name; recorded as stats.export."""
    document = japanese(_document, actor.organisation, org, form)
    body = japanese(RENDERERS[fmt], document)
    log_action(
        actor,
        "stats.export",
        obj=org,
        label=f"{fmt.upper()} {org.code} {document.period.start.isoformat()}〜{document.period.end.isoformat()}",
    )
    return body, f"{document.filename_stem}.{fmt}"
