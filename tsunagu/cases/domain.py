"""The rules of case records in one place: validation and derived fields of cases, contacts, referrals,
consent and status changes. The case actions, the ledger import and the synthetic data all call these
functions, so a rule or a message changes here only; the bulk variants take many records at once for
the ledger and the synthetic data.

A check returns {field: message} (empty when all is well); `raise_if` turns it into the
ValidationError the actions raise, and the ledger puts each message on its sheet, row and column. The
messages are the same wherever the record comes from.

What is kept here, and who calls it:
- search key (search_key), first/last contact dates (build_case, contact_dates, refresh_contact_dates),
  each contact's age band and organisation (contact_band, build_contact, reband), the opening status
  history (opening_history): actions, ledger.applying, demo.synth_cases;
- length limits (*_LIMITS, too_long): the forms (LimitedCharField), the ledger's cell parsers, the actions;
- case, contact, referral, consent and status-change rules (*_errors): actions and ledger.importing.
Age bands themselves are counted by rules.age_band_on; versions stay with the actions (_bump); audit
entries go through audit.log.log_action and its bulk form log_actions.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from tsunagu.core.text import fold
from tsunagu.core.wareki import fiscal_year
from tsunagu.orgs.models import Membership, Organisation, OrgKind, Role

from .models import (
    OUTREACH_CHANNELS,
    Case,
    CaseSettings,
    Consulter,
    Contact,
    NumberingScheme,
    ReferralStatus,
    Relation,
    Status,
    StatusChange,
)
from .rules import after_contact_message, age_band_on, before_birth_message, birth_date_error, record_date_error

# --- length limits -------------------------------------------------------------------------------
# One limit per field, used by the forms, the ledger import and these checks, so whatever the pages
# accept also fits one XLSX cell (32,767 characters) and survives export → import.
XLSX_CELL = 32_767
CASE_LIMITS = {"number": 30, "name": 100, "furigana": 100, "notes": 16_000, "address": 200, "phone": 30}
CONTACT_LIMITS = {"staff_name": 100, "notes": 16_000, "visit_members": 200}
MEMBER_LIMITS = {"relationship": 30, "name": 100, "phone": 30, "notes": 200}
APPOINTMENT_LIMITS = {"place": 200, "notes": 500}
REFERRAL_LIMITS = {"partner_name": 120, "override_reason": 300, "notes": 16_000}
CONSENT_LIMITS = {"purpose": 200}
STATUS_LIMITS = {"note": 200}
# Case.search_key holds two folded texts and a "|"; NFKC can make a text longer (㈱ → (株)), so each
# half is cut to fit the column (max_length 220) rather than let the database refuse it.
SEARCH_KEY_PART = 109

# Staff who do case work: those a case can be assigned to and a contact recorded by.
CASE_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.PEER)
# The only statuses a referral's result date belongs to.
RESULT_STATUSES = (ReferralStatus.DECIDED, ReferralStatus.FAILED, ReferralStatus.WITHDRAWN)


def raise_if(errors: dict[str, str | None]) -> None:
    """The ValidationError of the problems found; a None is no problem."""
    errors = {name: problem for name, problem in errors.items() if problem}
    if errors:
        raise ValidationError(errors)


def too_long(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return _("%(max)s文字以内で入力してください（%(length)s文字あります）。") % {
            "max": f"{limit:,}",
            "length": f"{len(text):,}",
        }
    return None


def length_errors(values: dict, limits: dict[str, int]) -> dict[str, str]:
    errors = {}
    for name, limit in limits.items():
        problem = too_long(values.get(name) or "", limit)
        if problem:
            errors[name] = problem
    return errors


def future(on: date | None, today: date) -> str | None:
    """A record date that cannot be right: before 平成 (a 和暦 year typed as 西暦) or after today
    (rules.record_date_error)."""
    return None if on is None else record_date_error(on, today=today, future=False)


# --- cases ---------------------------------------------------------------------------------------


def search_key(name: str, furigana: str) -> str:
    """Name and furigana folded for search (core.text.fold), in the format the case search reads."""
    return f"{fold(name)[:SEARCH_KEY_PART]}|{fold(furigana)[:SEARCH_KEY_PART]}"


def case_errors(values: dict, *, today: date) -> dict[str, str]:
    """The rules a case's own values must keep, whoever writes them. `status` and `closed_on` are
    checked only when given (the case page changes them through change_status)."""
    errors = length_errors(values, CASE_LIMITS)
    for name in ("opened_on", "reached_on", "closed_on"):
        problem = future(values.get(name), today)
        if problem:
            errors[name] = problem
    if values.get("birth_date") and (problem := birth_date_error(values["birth_date"], today=today)):
        errors["birth_date"] = problem
    opened = values.get("opened_on")
    if opened is None:
        errors["opened_on"] = _("受付日を入力してください。")
        return errors
    if values.get("birth_date") and values["birth_date"] > opened:
        errors.setdefault("birth_date", _("生年月日が受付日より後になっています。"))
    if values.get("reached_on") and values["reached_on"] < opened:
        errors.setdefault("reached_on", _("本人につながった日が受付日より前になっています。"))
    if "status" in values:
        status, closed_on = values.get("status") or Status.INTAKE, values.get("closed_on")
        if status == Status.CLOSED and not closed_on:
            errors.setdefault("closed_on", _("状態が「終結」のときは終結日を入力してください。"))
        elif status != Status.CLOSED and closed_on:
            errors.setdefault("closed_on", _("終結日は状態が「終結」のときだけ入力します。"))
    if values.get("closed_on") and values["closed_on"] < opened:
        errors.setdefault("closed_on", _("終結日が受付日より前になっています。"))
    municipality = values.get("municipality")
    if municipality is not None and municipality.kind not in (OrgKind.MUNICIPALITY, OrgKind.DESIGNATED_CITY):
        errors["municipality"] = _("市区町村を選んでください。")
    return errors


def check_case(values: dict, *, organisation: Organisation, today: date, instance: Case | None = None) -> None:
    """case_errors and a number that is given and not taken in the organisation."""
    errors = case_errors(values, today=today)
    number = (values.get("number") or "").strip()
    if not number:
        errors["number"] = _("ケース番号を入力してください。")
    elif (
        "number" not in errors
        and Case.objects.filter(organisation=organisation, number=number)
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        errors["number"] = _("ケース番号「%(number)s」はすでにあります。") % {"number": number}
    raise_if(errors)


def numbering_of(organisation: Organisation) -> str:
    """The organisation's case numbering (CaseSettings), by fiscal year unless it chose otherwise."""
    chosen = CaseSettings.objects.filter(organisation=organisation).values_list("numbering", flat=True).first()
    return chosen or NumberingScheme.FISCAL


def number_year(on: date, scheme: str) -> int:
    """The year in a case number: the fiscal year of the 受付日 (2026-02-10 is 令和7年度, so 2025) or,
    for calendar numbering, its calendar year."""
    return on.year if scheme == NumberingScheme.CALENDAR else fiscal_year(on)


def next_case_number(organisation: Organisation, on: date) -> str:
    """The next number of the year: 2025-0001, 2025-0002, … (a ledger may bring its own numbers)."""
    prefix = f"{number_year(on, numbering_of(organisation))}-"
    numbers = Case.objects.filter(organisation=organisation, number__startswith=prefix).values_list("number", flat=True)
    serials = [int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(serials, default=0) + 1:04d}"


def member_errors(values: dict) -> dict[str, str]:
    """A person around a case: a 続柄 and text within its limits."""
    errors = length_errors(values, MEMBER_LIMITS)
    if not (values.get("relationship") or "").strip():
        errors["relationship"] = _("続柄を選んでください。")
    return errors


def birth_after_contact(birth_date: date | None, first_contact: date | None, *, reveal: bool = True) -> str | None:
    """reveal=False leaves the stored contact date out of the message (the ledger import's)."""
    if birth_date and first_contact and first_contact < birth_date:
        return after_contact_message(first_contact if reveal else None)
    return None


def build_case(*, organisation: Organisation, values: dict, contact_dates: Iterable[date] = ()) -> Case:
    """An unsaved case with its derived fields (search key, first and last contact), for bulk_create."""
    dates = sorted(contact_dates)
    return Case(
        organisation=organisation,
        search_key=search_key(values.get("name", ""), values.get("furigana", "")),
        first_contact_on=dates[0] if dates else None,
        last_contact_on=dates[-1] if dates else None,
        **values,
    )


def opening_history(case: Case, *, user, note: str = "") -> list[StatusChange]:
    """The status history of a case written with its status already set: 受付 on the 受付日 and, for a
    case that is further on, its status on the honest lower bound (the 終結日, else the 受付日)."""
    changes = [StatusChange(case=case, status=Status.INTAKE, changed_on=case.opened_on, changed_by=user, note=note)]
    if case.status != Status.INTAKE:
        on = case.closed_on if case.status == Status.CLOSED else case.opened_on
        changes.append(StatusChange(case=case, status=case.status, changed_on=on, changed_by=user, note=note))
    return changes


# --- staff ---------------------------------------------------------------------------------------


def staff_errors(organisation: Organisation, *, staff=None, assigned: Iterable = ()) -> dict[str, str]:
    """The named staff member and the assignees must do case work in the organisation (an active
    membership with a case role)."""
    users = [u for u in [staff, *assigned] if u is not None]
    if not users:
        return {}
    members = set(
        Membership.objects.filter(
            organisation=organisation, is_active=True, role__in=CASE_ROLES, user__in=[u.pk for u in users]
        ).values_list("user_id", flat=True)
    )
    errors = {}
    if staff is not None and staff.pk not in members:
        errors["staff"] = _("担当者はこの組織の職員から選んでください。")
    if any(u.pk not in members for u in assigned):
        errors["assigned"] = _("担当者はこの組織の職員から選んでください。")
    return errors


# --- contacts ------------------------------------------------------------------------------------


def contact_band(case: Case, on: date) -> str:
    """The person's age band at the contact date, whoever consulted (DOMAIN.md counting rule)."""
    return age_band_on(birth_date=case.birth_date, known_band=case.age_band, on=on)


def contact_errors(values: dict, *, birth_date: date | None, today: date, reveal: bool = True) -> dict[str, str]:
    """reveal=False leaves the case's stored birth date out of the messages (the ledger import's: its
    error text must not read out birth dates for a file of probe dates)."""
    errors = length_errors(values, CONTACT_LIMITS)
    on = values.get("date")
    if on is None:
        errors["date"] = _("日付を入力してください。")
    elif future(on, today):
        errors["date"] = future(on, today)
    elif birth_date and on < birth_date:
        errors["date"] = before_birth_message(birth_date if reveal else None)
    relation = values.get("consulter_relation") or ""
    if relation and relation not in Relation.values:
        errors["consulter_relation"] = _("続柄を一覧から選んでください。")
    elif relation and values.get("consulter") != Consulter.FAMILY:
        errors["consulter_relation"] = _("続柄は相談者が「家族」のときだけ入力します。")
    if values.get("minutes") is not None and values["minutes"] > 24 * 60:
        errors["minutes"] = _("所要時間は1440分（24時間）以内で入力してください。")
    if values.get("channel") and values["channel"] not in OUTREACH_CHANNELS:
        for name in ("with_peer", "with_specialist_team", "visit_members"):
            if values.get(name):
                errors[name] = _("訪問・同行のときだけ入力できます。方法を「訪問」か「同行」にしてください。")
    return errors


def appointment_errors(values: dict, *, case: Case, today: date) -> dict[str, str]:
    """An appointment's date lies on or after the 受付日 and at most a year ahead (rules.record_date_error);
    a past date is allowed (a visit entered afterwards, to be recorded)."""
    errors = length_errors(values, APPOINTMENT_LIMITS)
    on = values.get("date")
    if on is None:
        errors["date"] = _("日付を入力してください。")
    elif problem := record_date_error(on, today=today, future=True):
        errors["date"] = problem
    elif on < case.opened_on:
        errors["date"] = _("受付日より前の日付にはできません。")
    return errors


def build_contact(case: Case, values: dict, **extra) -> Contact:
    """An unsaved contact of the case with its derived fields (organisation, age band)."""
    return Contact(
        case=case, organisation=case.organisation, age_band=contact_band(case, values["date"]), **values, **extra
    )


def contact_dates(case_ids: Iterable[int]) -> dict[int, tuple[date | None, date | None]]:
    """First and last contact date of each case, in one query per 500 cases."""
    ids, found = sorted(set(case_ids)), {}
    for start in range(0, len(ids), 500):
        for row in (
            Contact.objects.filter(case_id__in=ids[start : start + 500])
            .values("case_id")
            .annotate(first=Min("date"), last=Max("date"))
        ):
            found[row["case_id"]] = (row["first"], row["last"])
    return {pk: found.get(pk, (None, None)) for pk in ids}


def refresh_contact_dates(cases: Iterable[Case]) -> list[Case]:
    """Set first_contact_on and last_contact_on from the contacts, in bulk; returns the cases changed."""
    by_id = {case.pk: case for case in cases}
    changed = []
    for pk, (first, last) in contact_dates(by_id).items():
        case = by_id[pk]
        if (case.first_contact_on, case.last_contact_on) != (first, last):
            case.first_contact_on, case.last_contact_on = first, last
            changed.append(case)
    Case.objects.bulk_update(changed, ["first_contact_on", "last_contact_on"], batch_size=500)
    return changed


def rebanded_contacts(cases: Iterable[Case]) -> list[Contact]:
    """Contacts of the cases whose stored age band no longer matches the case's birth date or 年代,
    with the new band set (not saved: the caller checks, then bulk_updates)."""
    by_id = {case.pk: case for case in cases}
    ids, stale = sorted(by_id), []
    for start in range(0, len(ids), 500):
        for contact in Contact.objects.filter(case_id__in=ids[start : start + 500]).only(
            "id", "case_id", "date", "age_band"
        ):
            band = contact_band(by_id[contact.case_id], contact.date)
            if band != contact.age_band:
                contact.age_band = band
                stale.append(contact)
    return stale


def reband(cases: Iterable[Case]) -> int:
    """A changed birth date or 年代 changes the band of the case's earlier contacts too."""
    stale = rebanded_contacts(cases)
    Contact.objects.bulk_update(stale, ["age_band"], batch_size=1000)
    return len(stale)


# --- status changes ------------------------------------------------------------------------------

ALLOWED_STATUS_CHANGES = {
    Status.INTAKE: {Status.ASSESSMENT, Status.SUPPORT, Status.CLOSED},
    Status.ASSESSMENT: {Status.SUPPORT, Status.CLOSED},
    Status.SUPPORT: {Status.ASSESSMENT, Status.CLOSED},
    Status.CLOSED: {Status.SUPPORT},  # reopening
}


def status_change_errors(case: Case, *, status: str, on: date, note: str = "", today: date) -> dict[str, str]:
    errors = length_errors({"note": note}, STATUS_LIMITS)
    if status not in ALLOWED_STATUS_CHANGES[Status(case.status)]:
        errors["status"] = _("「%(from)s」から「%(to)s」には変えられません。") % {
            "from": Status(case.status).label,
            "to": Status(status).label if status in Status.values else status,
        }
    if on < case.opened_on:
        errors["on"] = _("受付日より前の日付にはできません。")
    elif future(on, today):
        errors["on"] = future(on, today)
    return errors


# --- consent -------------------------------------------------------------------------------------


def consent_errors(*, purpose: str, given_on: date, share_with, share_with_categories, today: date) -> dict:
    errors = length_errors({"purpose": purpose}, CONSENT_LIMITS)
    if not purpose.strip():
        errors["purpose"] = _("目的を入力してください。")
    if not share_with and not share_with_categories:
        errors["share_with"] = _("共有先の組織か区分を一つ以上選んでください。")
    if future(given_on, today):
        errors["given_on"] = future(given_on, today)
    return errors


def withdrawal_errors(consent, *, on: date, today: date) -> dict[str, str]:
    if consent.withdrawn_on is not None:
        return {"on": _("この同意はすでに撤回されています。")}
    if on < consent.given_on:
        return {"on": _("撤回日が同意日より前になっています。")}
    if future(on, today):
        return {"on": future(on, today)}
    return {}


# --- referrals -----------------------------------------------------------------------------------


def referral_result_errors(values: dict, *, today: date) -> dict[str, str]:
    """The rules of a referral's date and result, for the case page and the ledger alike."""
    errors = {}
    on, result_on = values.get("date"), values.get("result_on")
    if future(on, today):
        errors["date"] = future(on, today)
    status = values.get("status") or ReferralStatus.REQUESTED
    if result_on and on and result_on < on:
        errors["result_on"] = _("結果日がつなぎの日付より前になっています。")
    elif result_on and status not in RESULT_STATUSES:
        errors["result_on"] = _("結果日は結果が支援決定・不成立・取下げのときだけ入力します。")
    elif future(result_on, today):
        errors["result_on"] = future(result_on, today)
    return errors


def referral_errors(values: dict, *, case: Case, today: date) -> dict[str, str]:
    """A referral made on the case page: a partner of the directory or a partner's name, never the
    organisation itself, and a category unless it goes to a 居場所."""
    errors = length_errors(values, REFERRAL_LIMITS)
    errors.update(referral_result_errors(values, today=today))
    partner = values.get("partner")
    if partner is None and not (values.get("partner_name") or "").strip():
        errors["partner"] = _("つなぎ先を一覧から選ぶか、名称を入力してください。")
    if partner is not None and partner == case.organisation:
        errors["partner"] = _("自分の組織にはつなげません。")
    category = values.get("category") or (partner.category if partner is not None else None)
    if not values.get("to_ibasho") and category is None:
        errors["category"] = _("つなぎ先区分を選んでください（居場所の場合は「居場所」）。")
    return errors
