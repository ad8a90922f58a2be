"""Exporting an organisation's ledger in the standard format: one row generator per sheet, rendered as
one XLSX workbook or as three CSV files (UTF-8 with BOM, which Excel opens as UTF-8).

What an export writes, an import reads back to the same records (tests/ledger/test_round_trip.py).
"""

import csv
import io
import zipfile
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tsunagu.audit.log import log_action
from tsunagu.cases.models import Case, Contact, Referral
from tsunagu.orgs.access import require
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor, Perm

from . import mapping as m
from .reading import SHEETS

CSV_ENCODING = "utf-8-sig"


def case_rows(organisation: Organisation, lookups: m.Lookups):
    fields = (
        "number",
        "opened_on",
        "name",
        "furigana",
        "birth_date",
        "age_band",
        "sex",
        "municipality_id",
        "first_consulter",
        "reached_on",
        "outing_level",
        "duration_months",
        "household_8050",
        "status",
        "closed_on",
    )
    for (
        number,
        opened_on,
        name,
        furigana,
        birth_date,
        age_band,
        sex,
        municipality_id,
        first_consulter,
        reached_on,
        outing_level,
        duration_months,
        household_8050,
        status,
        closed_on,
    ) in Case.objects.filter(organisation=organisation).order_by("number", "id").values_list(*fields).iterator(2000):
        yield [
            number,
            opened_on,
            m.clean_text(name),
            m.clean_text(furigana),
            birth_date,
            m.AGE_BANDS.label(age_band),
            m.SEXES.label(sex),
            lookups.municipality_cell(municipality_id),
            m.CONSULTERS.label(first_consulter),
            reached_on,
            outing_level,
            duration_months,
            m.yes_no(household_8050),
            m.STATUSES.label(status),
            closed_on,
        ]


def contact_rows(organisation: Organisation):
    query = Contact.objects.filter(case__organisation=organisation).order_by("case__number", "date", "id")
    for number, d, channel, consulter, staff_name, first, last, username, minutes, notes in query.values_list(
        "case__number",
        "date",
        "channel",
        "consulter",
        "staff_name",
        "staff__first_name",
        "staff__last_name",
        "staff__username",
        "minutes",
        "notes",
    ).iterator(5000):
        yield [
            number,
            d,
            m.CHANNELS.label(channel),
            m.CONSULTERS.label(consulter),
            m.staff_label(staff_name, first, last, username),
            minutes,
            m.clean_text(notes),
        ]


def referral_rows(organisation: Organisation, lookups: m.Lookups):
    query = Referral.objects.filter(case__organisation=organisation).order_by("case__number", "date", "id")
    for number, d, target, category_id, to_ibasho, partner_name, status, result_on in query.values_list(
        "case__number", "date", "target", "category_id", "to_ibasho", "partner_name", "status", "result_on"
    ).iterator(2000):
        # 依頼 (no answer yet) is a blank 結果, as the ledger writes it.
        result = "" if status == "requested" else m.RESULTS.label(status)
        yield [
            number,
            d,
            m.TARGETS.label(target),
            lookups.category_cell(category_id, to_ibasho),
            m.clean_text(partner_name),
            result,
            result_on,
        ]


def ledger_sheets(organisation: Organisation):
    """(sheet name, headers, rows) for each sheet, rows generated lazily."""
    lookups = m.Lookups(organisation)
    return [
        ("ケース", [c.header for c in m.CASE_COLUMNS], case_rows(organisation, lookups)),
        ("相談記録", [c.header for c in m.CONTACT_COLUMNS], contact_rows(organisation)),
        ("つなぎ", [c.header for c in m.REFERRAL_COLUMNS], referral_rows(organisation, lookups)),
    ]


def write_xlsx(sheets, out) -> dict[str, int]:
    workbook = Workbook(write_only=True)
    counts = {}
    for name, headers, rows in sheets:
        sheet = workbook.create_sheet(name)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        sheet.append(header_cells)
        count = 0
        for row in rows:
            sheet.append([_xlsx_value(sheet, value) for value in row])
            count += 1
        counts[name] = count
    workbook.save(out)
    return counts


def _xlsx_value(sheet, value):
    if isinstance(value, str) and value.startswith("="):
        # openpyxl would store "=…" as a formula: keep it text, which Excel shows and never runs.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return m.neutralise(value)
    return str(value)


def csv_bytes(headers: list[str], rows) -> tuple[bytes, int]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
        count += 1
    return buffer.getvalue().encode(CSV_ENCODING), count


def write_csv_files(sheets) -> tuple[dict[str, bytes], dict[str, int]]:
    """{"ケース.csv": bytes, …} and the row count of each sheet."""
    files, counts = {}, {}
    for name, headers, rows in sheets:
        files[f"{name}.csv"], counts[name] = csv_bytes(headers, rows)
    return files, counts


def export_ledger(
    *, actor: Actor, organisation: Organisation, format: str = "xlsx", out=None
) -> tuple[bytes | dict | None, dict[str, int]]:
    """Write the organisation's ledger and record who took it; returns (data, rows per sheet).
    XLSX goes to `out` (a path or a binary file) when given, else comes back as bytes; CSV comes back
    as {file name: bytes}."""
    require(actor, Perm.VIEW_CASES, organisation, message=_("他の組織の台帳は書き出せません。"))
    sheets = ledger_sheets(organisation)
    if format == "xlsx":
        target = out if out is not None else io.BytesIO()
        counts = write_xlsx(sheets, target)
        result = None if out is not None else target.getvalue()
    elif format == "csv":
        result, counts = write_csv_files(sheets)
    else:
        raise ValueError(_("形式は xlsx か csv です。"))
    log_action(
        actor,
        "ledger.export",
        label=f"{organisation.code} {format}",
        organisation=organisation,
        changes={name: [None, counts[name]] for name in SHEETS},
    )
    return result, counts


def zip_csv_files(files: dict[str, bytes]) -> bytes:
    """The three CSV files in one download; zipfile marks the Japanese names as UTF-8."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
