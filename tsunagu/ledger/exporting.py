"""Exporting an organisation's ledger in the standard format: one row generator per sheet, rendered by
the core exporter as one XLSX workbook or as three CSV files (UTF-8 with BOM, which Excel opens as UTF-8).

What an export writes, an import reads back to the same records (tests/ledger/test_round_trip.py).
"""

import io
import zipfile

from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.cases.models import Case, Contact, Referral
from tsunagu.core.exporting import Sheet, csv_bytes, xlsx_write
from tsunagu.orgs.access import require
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor, Perm

from . import activities
from . import mapping as m


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
        "address",
        "phone",
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
        address,
        phone,
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
            m.clean_text(address),
            m.clean_text(phone),
        ]


def contact_rows(organisation: Organisation):
    query = Contact.objects.filter(case__organisation=organisation).order_by("case__number", "date", "id")
    for number, d, channel, consulter, relation, staff_name, first, last, username, minutes, notes in query.values_list(
        "case__number",
        "date",
        "channel",
        "consulter",
        "consulter_relation",
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
            m.RELATIONS.label(relation),
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


def ledger_sheets(organisation: Organisation) -> list[Sheet]:
    """One sheet each for ケース, 相談記録 and つなぎ, rows generated lazily, then each activity sheet
    (ledger/activities) the organisation has records for."""
    lookups = m.Lookups(organisation)
    return [
        Sheet("ケース", case_rows(organisation, lookups), headers=[c.header for c in m.CASE_COLUMNS]),
        Sheet("相談記録", contact_rows(organisation), headers=[c.header for c in m.CONTACT_COLUMNS]),
        Sheet("つなぎ", referral_rows(organisation, lookups), headers=[c.header for c in m.REFERRAL_COLUMNS]),
        *(
            Sheet(activity.name, iter(rows), headers=activity.headers)
            for activity, rows in activities.export_sheets(organisation)
        ),
    ]


def write_csv_files(sheets: list[Sheet]) -> tuple[dict[str, bytes], dict[str, int]]:
    """{"ケース.csv": bytes, …} and the row count of each sheet."""
    files, counts = {}, {}
    for sheet in sheets:
        files[f"{sheet.name}.csv"], counts[sheet.name] = csv_bytes(sheet)
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
        counts = xlsx_write(sheets, target)
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
        changes={name: [None, n] for name, n in counts.items()},
    )
    return result, counts


def zip_csv_files(files: dict[str, bytes]) -> bytes:
    """The CSV files in one download; zipfile marks the Japanese names as UTF-8."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
