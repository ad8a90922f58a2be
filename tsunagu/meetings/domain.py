"""Validation and derived values of meetings, attendance, decisions and plans: the one place their rules
live, called by the actions (pages), the demo data and the ledger, so all refuse the same values with
the same words. Each function returns cleaned values or raises ValidationError keyed by field name."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tsunagu.cases import rules as case_rules
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.regions import MUNICIPAL_KINDS

from .models import MeetingFormat, MeetingKind, MeetingStatus

MEETING_FIELDS = [
    "date",
    "kind",
    "name",
    "status",
    "cancel_reason",
    "format",
    "region",
    "municipality",
    "supervision",
    "content",
]
LIMITS = {"name": 200, "cancel_reason": 300, "region": 60, "content": 4000}
MAX_PEOPLE = 100_000  # a head count beyond this is a typing mistake (a whole prefecture's staff is less)
MAX_PLANNED = 1_000


def page_number(pk: int) -> str:
    """The 会議番号 of a meeting recorded on the pages (a ledger's own numbers are kept as typed)."""
    return f"K{pk:06d}"


def _name(text: str) -> str:
    """A body's, counterpart's or region's name as matched and stored: NFKC (ＮＰＯ → NPO), one space."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _text(values: dict, name: str) -> str:
    if name == "region":
        return _name(values.get(name))
    return " ".join((values.get(name) or "").split()) if name != "content" else (values.get(name) or "").strip()


def clean_meeting(values: dict) -> dict:
    errors = {}
    cleaned = {name: values.get(name) for name in MEETING_FIELDS}
    for name in LIMITS:
        cleaned[name] = _text(values, name)
        if len(cleaned[name]) > LIMITS[name]:
            errors[name] = _("%(limit)s文字以内で入力してください。") % {"limit": LIMITS[name]}
    if not cleaned["name"]:
        errors["name"] = _("「名称」を入力してください。")
    if cleaned["kind"] not in MeetingKind.values:
        errors["kind"] = _("「種別」を選んでください。")
    if cleaned["status"] not in MeetingStatus.values:
        errors["status"] = _("「状態」を選んでください。")
    if cleaned["format"] not in MeetingFormat.values:
        errors["format"] = _("「形式」を選んでください。")
    on = cleaned["date"]
    if on is None:
        errors["date"] = _("「日付」を入力してください。")
    elif problem := case_rules.record_date_error(on, future=cleaned["status"] != MeetingStatus.HELD):
        errors["date"] = problem  # a meeting may be planned (or called off) ahead, but not held ahead
    if cleaned["status"] == MeetingStatus.CANCELLED:
        if not cleaned["cancel_reason"]:
            errors["cancel_reason"] = _("中止した会議には「中止理由」を入力してください。")
    else:
        cleaned["cancel_reason"] = ""
    municipality = cleaned["municipality"]
    if municipality is not None and (
        not isinstance(municipality, Organisation) or municipality.kind not in MUNICIPAL_KINDS
    ):
        errors["municipality"] = _("「対象の市区町村」は市区町村を選んでください。")
    cleaned["supervision"] = bool(cleaned["supervision"])
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_attendance(*, body: Organisation | None, body_name: str, people) -> tuple[str, int]:
    """The name to store and the head count: an organisation's current name, or the typed name."""
    errors = {}
    name = body.name if body is not None else _name(body_name)
    if not name:
        errors["body_name"] = _("参加機関を選ぶか、機関名を入力してください。")
    elif len(name) > 120:
        errors["body_name"] = _("%(limit)s文字以内で入力してください。") % {"limit": 120}
    if people is None or people == "":
        errors["people"] = _("「人数」を入力してください。")
    elif not isinstance(people, int) or not 1 <= people <= MAX_PEOPLE:
        errors["people"] = _("「人数」は1から%(max)sまでの数で入力してください。") % {"max": f"{MAX_PEOPLE:,}"}
    if errors:
        raise ValidationError(errors)
    return name, people


def clean_decision(values: dict) -> dict:
    errors = {}
    text = " ".join((values.get("text") or "").split())
    if not text:
        errors["text"] = _("「決定事項」を入力してください。")
    elif len(text) > 500:
        errors["text"] = _("%(limit)s文字以内で入力してください。") % {"limit": 500}
    for name in ("due_on", "done_on"):
        on = values.get(name)
        if on is not None and (problem := case_rules.record_date_error(on, future=name == "due_on")):
            errors[name] = problem
    if errors:
        raise ValidationError(errors)
    return {**values, "text": text}


def clean_plan(*, fiscal_year, kind, counterpart: Organisation | None, counterpart_name: str, planned) -> dict:
    errors = {}
    name = counterpart.name if counterpart is not None else _name(counterpart_name)
    if not isinstance(fiscal_year, int) or not 1989 <= fiscal_year <= 2100:
        errors["fiscal_year"] = _("「年度」は1989から2100までの年で入力してください（例: 2021、R3）。")
    if kind not in MeetingKind.values:
        errors["kind"] = _("「種別」を選んでください。")
    if not name:
        errors["counterpart_name"] = _("「相手先」を選ぶか、名称を入力してください。")
    elif len(name) > 120:
        errors["counterpart_name"] = _("%(limit)s文字以内で入力してください。") % {"limit": 120}
    if not isinstance(planned, int) or not 1 <= planned <= MAX_PLANNED:
        errors["planned"] = _("「予定回数」は1から%(max)sまでの数で入力してください。") % {"max": MAX_PLANNED}
    if errors:
        raise ValidationError(errors)
    return {
        "fiscal_year": fiscal_year,
        "kind": kind,
        "counterpart": counterpart,
        "counterpart_name": name,
        "planned": planned,
    }
