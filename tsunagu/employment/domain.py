"""The rules of an employment support registration in one place: the actions, the ledger sheet 就労支援 and
the demo data all call these, so a rule or its wording changes here only.

A check returns {field: message} (empty when all is well); cases.domain.raise_if turns it into the
ValidationError the actions raise, and the ledger puts each message on its sheet, row and column.
"""

from datetime import date

from django.utils.translation import gettext as _

from tsunagu.cases.domain import length_errors
from tsunagu.cases.models import Case
from tsunagu.cases.rules import before_birth_message, record_date_error

from .models import EMPLOYED_OUTCOMES, Outcome, Registration, Step

FIELDS = ["registered_on", "step", "step1_on", "step3_on", "step4_on", "decided_on", "outcome", "ended_on", "notes"]
DATE_FIELDS = ["registered_on", "step1_on", "step3_on", "step4_on", "decided_on", "ended_on"]
LIMITS = {"notes": 16_000}


def normalised(values: dict) -> dict:
    """The values with their derived parts: a job decided is STEP5 (就職決定); every field present."""
    values = {name: values.get(name) for name in FIELDS}
    values["outcome"] = values["outcome"] or ""
    values["notes"] = (values["notes"] or "").strip()
    if values["step"] in (None, ""):
        values["step"] = Step.INTAKE
    if values["outcome"] in EMPLOYED_OUTCOMES:
        values["step"] = Step.EMPLOYED
    return values


def _date_errors(values: dict, *, birth_date: date | None, today: date) -> dict[str, str]:
    errors = {}
    for name in DATE_FIELDS:
        on = values.get(name)
        if on is None:
            continue
        if problem := record_date_error(on, today=today, future=False):
            errors[name] = problem
        elif birth_date is not None and on < birth_date:
            errors[name] = before_birth_message(birth_date)
    return errors


def registration_errors(
    values: dict, *, birth_date: date | None, today: date, others: list[Registration] = ()
) -> dict[str, str]:
    """What is wrong with normalised `values` for a registration of the case of a person born on
    `birth_date`; `others` are the case's other registrations, which may not overlap it (a person is
    registered once at a time)."""
    errors = length_errors(values, LIMITS)
    registered = values.get("registered_on")
    if registered is None:
        errors["registered_on"] = _("「登録日」を入力してください。")
    if values.get("step") not in Step.values:
        errors["step"] = _("「STEP」は1から5で選んでください。")
    if values.get("outcome") and values["outcome"] not in Outcome.values:
        errors["outcome"] = _("「進路」は一覧から選んでください。")
    errors |= _date_errors(values, birth_date=birth_date, today=today)
    if errors or registered is None:
        return errors
    step = values["step"]
    if values["step1_on"] is not None and values["step1_on"] > registered:
        errors["step1_on"] = _("STEP1（知る・関心をもつ）の日付は登録日と同じか、それより前にしてください。")
    previous = registered
    for number in (3, 4):
        on = values[f"step{number}_on"]
        if on is None:
            continue
        if step < number:
            errors[f"step{number}_on"] = _("STEP%(step)dに進んでいないので、この日付は入力できません。") % {
                "step": number
            }
        elif on < previous:
            errors[f"step{number}_on"] = _("STEP%(step)dの日付は登録日や前のSTEPの日付より後にしてください。") % {
                "step": number
            }
        previous = on
    decided, outcome = values["decided_on"], values["outcome"]
    if outcome and decided is None:
        errors["decided_on"] = _("進路を選んだときは「進路決定日」を入力してください。")
    elif decided is not None and not outcome:
        errors["outcome"] = _("進路決定日を入れたときは「進路」を選んでください。")
    elif decided is not None and decided < registered:
        errors["decided_on"] = _("「進路決定日」は登録日と同じか、それより後にしてください。")
    if step == Step.EMPLOYED and outcome not in EMPLOYED_OUTCOMES:
        errors["step"] = _("STEP5（就職決定）は、進路が就職（正規・非正規）のときだけです。")
    ended = values["ended_on"]
    if ended is not None:
        if ended < registered:
            errors["ended_on"] = _("「終了日」は登録日と同じか、それより後にしてください。")
        elif decided is not None and ended < decided:
            errors["ended_on"] = _("「終了日」は進路決定日と同じか、それより後にしてください。")
    if not errors:
        for other in others:
            if registered <= (other.ended_on or date.max) and other.registered_on <= (ended or date.max):
                errors["registered_on"] = _("このケースは%(date)sからの登録と期間が重なっています。") % {
                    "date": f"{other.registered_on.year}年{other.registered_on.month}月{other.registered_on.day}日"
                }
                break
    return errors


def build_registration(*, case: Case, values: dict, origin_referral=None) -> Registration:
    """An unsaved registration from checked, normalised values (bulk writers save many at once)."""
    return Registration(
        organisation_id=case.organisation_id,
        case=case,
        origin_referral=origin_referral,
        **{name: values[name] for name in FIELDS},
    )
