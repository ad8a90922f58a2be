"""The rules of events, materials, supporters and supporter activities in one place: validation,
limits and derived values. The actions, the ledger sheets and the demo data all call these, so a rule
or a message changes here only.

A check returns {field: message} (empty when all is well); `raise_if` turns it into the ValidationError
the actions raise, and the ledger puts each message on its sheet, row and column.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases import rules as case_rules

from .models import (
    ActivityKind,
    Event,
    EventFormat,
    EventKind,
    EventStatus,
    Material,
    MaterialKind,
    Supporter,
    SupporterStatus,
)

# One limit per field: the forms, the ledger and these checks use the same numbers.
EVENT_LIMITS = {"number": 30, "name": 200, "audience": 200, "place": 200, "how_to_join": 1000}
MATERIAL_LIMITS = {"number": 30, "name": 200, "distributed_to": 300}
SUPPORTER_LIMITS = {"number": 30, "name": 100}
MAX_PARTICIPANTS = 1_000_000
MAX_COPIES = 100_000_000
MAX_MINUTES = 24 * 60

EVENT_FIELDS = [
    "number",
    "date",
    "kind",
    "name",
    "status",
    "format",
    "audience",
    "participants",
    "is_public",
    "start_time",
    "place",
    "how_to_join",
]
MATERIAL_FIELDS = ["number", "date", "kind", "name", "made", "distributed", "distributed_to"]
SUPPORTER_FIELDS = ["number", "name", "trained_on"]
ACTIVITY_FIELDS = ["supporter", "date", "kind", "minutes", "case"]


def raise_if(errors: dict[str, str | None]) -> None:
    errors = {name: problem for name, problem in errors.items() if problem}
    if errors:
        raise ValidationError(errors)


def _text(values: dict, name: str) -> str:
    return (values.get(name) or "").strip()


def _too_long(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return _("%(limit)s文字以内で入力してください（いま%(length)s文字）。") % {
            "limit": f"{limit:,}",
            "length": f"{len(text):,}",
        }
    return None


def _count_error(value, limit: int, label: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return _("「%(field)s」は0以上の整数で入力してください。") % {"field": label}
    if value > limit:
        return _("「%(field)s」が大きすぎます（%(limit)sまで）。") % {"field": label, "limit": f"{limit:,}"}
    return None


def _choice_error(value, choices, label: str, *, blank: bool = False) -> str | None:
    if blank and not value:
        return None
    if value not in choices.values:
        return _("「%(field)s」を一覧から選んでください。") % {"field": label}
    return None


def _limits(values: dict, limits: dict) -> dict:
    return {name: _too_long(_text(values, name), limit) for name, limit in limits.items()}


# --- events ----------------------------------------------------------------------------------------------


def event_errors(values: dict, *, today: date | None = None) -> dict:
    """What is wrong with an event's values: a held event cannot be in the future (it would count as done
    before it happened), and a public one must say where it is and how to join."""
    today = today or timezone.localdate()
    errors = _limits(values, EVENT_LIMITS)
    on = values.get("date")
    if on is None:
        errors["date"] = _("「日付」を入力してください。")
    elif problem := case_rules.record_date_error(on, today=today):
        errors["date"] = problem
    errors["kind"] = _choice_error(values.get("kind"), EventKind, _("種別"))
    if not _text(values, "name"):
        errors["name"] = _("「名称」を入力してください。")
    errors["status"] = _choice_error(values.get("status"), EventStatus, _("状態"))
    if not errors["status"] and not errors.get("date") and values["status"] == EventStatus.HELD and on > today:
        errors["status"] = _("まだ先の日付です。開催前なら「状態」を「予定」にしてください。")
    errors["format"] = _choice_error(values.get("format"), EventFormat, _("形式"), blank=True)
    errors["participants"] = _count_error(values.get("participants"), MAX_PARTICIPANTS, _("参加人数"))
    if values.get("is_public"):
        if not _text(values, "how_to_join") and not errors.get("how_to_join"):
            errors["how_to_join"] = _("公開する研修・啓発には「参加・申込の方法」を入力してください。")
        if not _text(values, "place") and values.get("format") != EventFormat.WEB and not errors.get("place"):
            errors["place"] = _("公開する研修・啓発には「場所」を入力してください（Webだけのときは形式を「Web」に）。")
    return errors


def clean_event(values: dict) -> dict:
    raise_if(event_errors(values))
    return {
        **values,
        **{name: _text(values, name) for name in EVENT_LIMITS},
        "format": values.get("format") or "",
        "participants": values.get("participants") or 0,
        "is_public": bool(values.get("is_public")),
    }


# --- materials -------------------------------------------------------------------------------------------


def material_errors(values: dict, *, today: date | None = None) -> dict:
    errors = _limits(values, MATERIAL_LIMITS)
    on = values.get("date")
    if on is None:
        errors["date"] = _("「日付」を入力してください。")
    elif problem := case_rules.record_date_error(on, today=today, future=False):
        errors["date"] = problem
    errors["kind"] = _choice_error(values.get("kind"), MaterialKind, _("種別"))
    if not _text(values, "name"):
        errors["name"] = _("「名称」を入力してください。")
    errors["made"] = _count_error(values.get("made"), MAX_COPIES, _("作成数"))
    errors["distributed"] = _count_error(values.get("distributed"), MAX_COPIES, _("配布数"))
    return errors


def clean_material(values: dict) -> dict:
    raise_if(material_errors(values))
    return {
        **values,
        **{name: _text(values, name) for name in MATERIAL_LIMITS},
        "made": values.get("made") or 0,
        "distributed": values.get("distributed") or 0,
    }


# --- supporters ------------------------------------------------------------------------------------------


def supporter_errors(values: dict, *, today: date | None = None) -> dict:
    errors = _limits(values, SUPPORTER_LIMITS)
    if not _text(values, "name"):
        errors["name"] = _("「氏名」を入力してください。")
    trained_on = values.get("trained_on")
    if trained_on is not None and (problem := case_rules.record_date_error(trained_on, today=today, future=False)):
        errors["trained_on"] = problem
    return errors


def clean_supporter(values: dict) -> dict:
    raise_if(supporter_errors(values))
    return {**values, **{name: _text(values, name) for name in SUPPORTER_LIMITS}}


def status_errors(status, since: date | None, *, last_change: date | None, today: date | None = None) -> dict:
    """A status from a date: one of the list, not in the future, and not before the supporter's last
    change (the history only grows forward; the same day replaces that day's status)."""
    errors = {"status": _choice_error(status, SupporterStatus, _("状態"))}
    if since is None:
        errors["status_from"] = _("「状態の変更日」を入力してください。")
    elif problem := case_rules.record_date_error(since, today=today, future=False):
        errors["status_from"] = problem
    elif last_change is not None and since < last_change:
        errors["status_from"] = _("「状態の変更日」は前回の変更日（%(date)s）以降にしてください。") % {
            "date": last_change.isoformat()
        }
    return errors


# --- activities ------------------------------------------------------------------------------------------


def activity_date_error(on: date | None, *, today: date | None = None) -> str | None:
    if on is None:
        return _("「日付」を入力してください。")
    return case_rules.record_date_error(on, today=today, future=False)


def activity_errors(values: dict, *, organisation, today: date | None = None) -> dict:
    errors: dict[str, str | None] = {}
    supporter = values.get("supporter")
    if supporter is None:
        errors["supporter"] = _("「サポーター」を選んでください。")
    elif supporter.organisation_id != organisation.pk:
        errors["supporter"] = _("「サポーター」はこの組織のサポーターではありません。")
    errors["date"] = activity_date_error(values.get("date"), today=today)
    errors["kind"] = _choice_error(values.get("kind"), ActivityKind, _("種別"))
    errors["minutes"] = _count_error(values.get("minutes"), MAX_MINUTES, _("時間（分）"))
    case = values.get("case")
    if case is not None and case.organisation_id != organisation.pk:
        errors["case"] = _("「ケース番号」のケースはこの組織のケースではありません。")
    return errors


# --- numbers ---------------------------------------------------------------------------------------------


def next_number(model, organisation, prefix: str) -> str:
    """The next free number of the organisation for a record typed on a page (E0001, M0001, S0001): the
    ledger's key, so a page record exports and re-imports as itself."""
    taken = set(
        model.objects.filter(organisation=organisation, number__startswith=prefix).values_list("number", flat=True)
    )
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


NUMBER_PREFIX = {Event: "E", Material: "M", Supporter: "S"}


def number_taken_error(model, organisation, number: str, *, exclude_pk=None) -> str | None:
    rows = model.objects.filter(organisation=organisation, number=number)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if number and rows.exists():
        return _("番号「%(number)s」はすでに使われています。") % {"number": number}
    return None
