"""Writing a checked ledger in one transaction, with bulk operations so that ten thousand cases take
seconds. The derived fields (each contact's age band, each case's first and last contact dates and
search key, the status history) come from the bulk functions of cases.domain, which the case actions
use too, and the audit entries are written by audit.log.log_actions, the bulk form of log_action.

Matching: a case by its ケース番号 in the organisation; a contact by its whole content, as a multiset
(two identical phone calls on one day are two contacts); a referral by (date, target, partner) with
its result as what may change. The ledger only adds and updates: a record missing from the file is
never deleted, because tsunagu also holds records entered in it directly.
"""

from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_action, log_actions, snapshot
from tsunagu.cases import domain
from tsunagu.cases.models import Case, Contact, Referral, ReferralStatus, Status, StatusChange
from tsunagu.orgs.locks import lock_statistics
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.periods import OpenCheck
from tsunagu.orgs.rules import Actor

from . import mapping as m
from .activities import apply_activities

CHUNK = 500
# Case fields the ledger carries, as model attributes.
CASE_FIELDS = [
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
]
TEXT_FIELDS = {"name", "furigana", "address", "phone"}
# Optional contact columns: a sheet without one says nothing about it (contact_identity).
CONTACT_OPTIONAL = ("consulter_relation", "staff_name", "minutes", "notes")
IMPORT_NOTE = "台帳の取込"


class _Rollback(Exception):
    pass


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def contact_identity(values: dict, present: list[str]) -> tuple:
    """What makes two contacts the same contact: all of its content the sheet has columns for."""
    optional = {
        "consulter_relation": values.get("consulter_relation") or "",
        "staff_name": m.clean_text(values.get("staff_name") or ""),
        "minutes": values.get("minutes"),
        "notes": m.clean_text(values.get("notes") or ""),
    }
    return (values["date"], values["channel"], values["consulter"], *(optional[f] for f in present))


def referral_key(date_, target, category_id, partner_name) -> tuple:
    """What makes two referrals the same referral; its result (結果, 結果日) is what may change.
    A referral to a 居場所 has no category, whatever its to_ibasho flag says."""
    name = () if partner_name is None else (m.clean_text(partner_name),)
    return (date_, target, category_id or m.IBASHO, *name)


def _case_values(row) -> dict:
    """The row's values as model attributes. Only the columns the sheet has: a ledger without, say,
    外出状況 leaves that field of an existing case alone, and a new case takes the model's default."""
    values = dict(row.values)
    if "municipality" in values:
        municipality = values.pop("municipality")
        values["municipality_id"] = municipality.pk if municipality is not None else None
    return values


def _current(case: Case, name: str):
    value = getattr(case, name)
    return m.clean_text(value) if name in TEXT_FIELDS else value


class _Writer:
    def __init__(self, actor: Actor, organisation: Organisation, parsed, errors):
        self.actor, self.organisation, self.parsed, self.errors = actor, organisation, parsed, errors
        self.now, self.today = timezone.now(), timezone.localdate()
        self.counts = Counter(
            dict.fromkeys(
                (
                    "cases_created",
                    "cases_updated",
                    "cases_unchanged",
                    "contacts_created",
                    "contacts_unchanged",
                    "referrals_created",
                    "referrals_updated",
                    "referrals_unchanged",
                ),
                0,
            )
        )
        self.changes: dict[str, dict] = {}  # case number -> audit changes
        self.created_numbers: set[str] = set()
        self.locks = OpenCheck(organisation, actor=actor)  # read once: a lookup per row, no query

    def locked(self, sheet: str, row: int, column: str, *dates) -> bool:
        """Name the row's cell when one of `dates` lies in a locked period (orgs.periods)."""
        problem = next((message for on in dates if (message := self.locks.message(on))), None)
        if problem is None:
            return False
        self.errors.add(
            _("%(where)s %(row)d行目「%(column)s」: %(problem)s")
            % {"where": self.parsed.where[sheet], "row": row, "column": column, "problem": problem}
        )
        return True

    def load_cases(self) -> dict[str, Case]:
        needed = (
            set(self.parsed.cases)
            | {r.number for r in self.parsed.contacts}
            | {r.number for r in self.parsed.referrals}
        )
        ids = {
            m.nfkc(number): pk
            for pk, number in Case.objects.filter(organisation=self.organisation).values_list("id", "number")
        }
        cases = {}
        for chunk in chunks([ids[n] for n in needed if n in ids]):
            # Locked for the transaction on PostgreSQL, so an edit made meanwhile is not overwritten.
            for case in Case.objects.select_for_update().filter(pk__in=chunk):
                cases[m.nfkc(case.number)] = case
        vanished = sorted(n for n in needed - set(cases) if n not in self.parsed.cases)
        for number in vanished:
            self.errors.add(
                _("ケース「%(number)s」は確認の後に削除されました。もう一度取り込んでください。") % {"number": number}
            )
        return cases

    def write_cases(self, cases: dict[str, Case]) -> list[Case]:
        """Create and update cases; returns existing cases whose age-band inputs changed."""
        new, changed, status_changes, rebanded = [], [], [], []
        file_dates = defaultdict(list)
        for row in self.parsed.contacts:
            file_dates[row.number].append(row.values["date"])
        for number, row in self.parsed.cases.items():
            values = _case_values(row)
            case = cases.get(number)
            if case is None:
                self.locked("ケース", row.row, "受付日", values["opened_on"])
                self.locked("ケース", row.row, "終結日", values.get("closed_on"))
                case = domain.build_case(
                    organisation=self.organisation,
                    values={"number": number, **values},
                    contact_dates=file_dates.get(number, ()),
                )
                new.append(case)
                cases[number] = case
                self.created_numbers.add(number)
                continue
            before = snapshot(case, CASE_FIELDS)
            differs = [name for name in values if _current(case, name) != values[name]]
            if not differs:
                self.counts["cases_unchanged"] += 1
                continue
            for name, header in (("opened_on", "受付日"), ("closed_on", "終結日")):
                if name in differs:
                    self.locked("ケース", row.row, header, _current(case, name), values[name])
            old_status = case.status
            for name in differs:
                setattr(case, name, values[name])
            case.search_key = domain.search_key(case.name, case.furigana)
            case.version += 1
            case.updated_at = self.now
            changed.append(case)
            self.changes[number] = diff(before, snapshot(case, CASE_FIELDS), Case.PERSONAL_FIELDS)
            if case.status != old_status:
                on = case.closed_on if case.status == Status.CLOSED else self.today
                status_changes.append(
                    StatusChange(
                        case=case, status=case.status, changed_on=on, changed_by=self.actor.user, note=IMPORT_NOTE
                    )
                )
            if {"birth_date", "age_band"} & set(differs):
                rebanded.append(case)
        Case.objects.bulk_create(new, batch_size=CHUNK)
        for case in new:
            # The ledger does not say when support began: domain.opening_history takes the lower bound.
            status_changes += domain.opening_history(case, user=self.actor.user, note=IMPORT_NOTE)
            self.changes[case.number] = diff({}, snapshot(case, CASE_FIELDS), Case.PERSONAL_FIELDS)
        Case.objects.bulk_update(changed, CASE_FIELDS + ["search_key", "version", "updated_at"], batch_size=CHUNK)
        StatusChange.objects.bulk_create(status_changes, batch_size=CHUNK)
        self.counts["cases_created"], self.counts["cases_updated"] = len(new), len(changed)
        return rebanded

    def reband(self, rebanded: list[Case]) -> None:
        """A changed birth date or 年代 changes the band of the case's earlier contacts too."""
        firsts = domain.contact_dates(case.pk for case in rebanded)
        for case in rebanded:
            problem = domain.birth_after_contact(case.birth_date, firsts[case.pk][0], reveal=False)
            if problem:
                row = self.parsed.cases[m.nfkc(case.number)]
                self.errors.add(
                    _("%(where)s %(row)d行目「%(column)s」: %(problem)s")
                    % {"where": self.parsed.where["ケース"], "row": row.row, "column": "生年月日", "problem": problem}
                )
        if self.errors.count:
            return
        by_id = {case.pk: case for case in rebanded}
        updates = []
        for contact in domain.rebanded_contacts(rebanded):
            row = self.parsed.cases[m.nfkc(by_id[contact.case_id].number)]
            if not self.locked("ケース", row.row, "生年月日", contact.date):
                updates.append(contact)
        Contact.objects.bulk_update(updates, ["age_band"], batch_size=CHUNK)

    def _existing_ids(self, cases: dict[str, Case], rows) -> list[int]:
        return sorted({cases[r.number].pk for r in rows if r.number not in self.created_numbers})

    def write_contacts(self, cases: dict[str, Case]) -> set[int]:
        """Returns the ids of existing cases that got new contacts."""
        # A column the sheet does not have says nothing about a contact: it is left out of the identity.
        present = [f for f in CONTACT_OPTIONAL if f in self.parsed.present.get("相談記録", ())]
        seen: dict[int, Counter] = defaultdict(Counter)
        for chunk in chunks(self._existing_ids(cases, self.parsed.contacts)):
            for (
                case_id,
                d,
                channel,
                consulter,
                relation,
                staff_name,
                first,
                last,
                username,
                minutes,
                notes,
            ) in Contact.objects.filter(case_id__in=chunk).values_list(
                "case_id",
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
            ):
                values = {
                    "date": d,
                    "channel": channel,
                    "consulter": consulter,
                    "consulter_relation": relation,
                    "minutes": minutes,
                    "notes": notes,
                    "staff_name": m.staff_label(staff_name, first, last, username),
                }
                seen[case_id][contact_identity(values, present)] += 1
        new, grown = [], set()
        for row in self.parsed.contacts:
            case, v = cases[row.number], row.values
            identity = contact_identity(v, present)
            if seen[case.pk][identity] > 0:
                seen[case.pk][identity] -= 1
                self.counts["contacts_unchanged"] += 1
                continue
            self.locked("相談記録", row.row, "日付", v["date"])
            new.append(
                domain.build_contact(
                    case,
                    {
                        "date": v["date"],
                        "channel": v["channel"],
                        "consulter": v["consulter"],
                        "consulter_relation": v.get("consulter_relation") or "",
                        "staff_name": v.get("staff_name", ""),
                        "minutes": v.get("minutes"),
                        "notes": v.get("notes", ""),
                    },
                    created_at=self.now,
                    updated_at=self.now,
                )
            )
            self._count(row.number, "contacts_added")
            if row.number not in self.created_numbers:
                grown.add(case.pk)
        Contact.objects.bulk_create(new, batch_size=CHUNK * 2)
        self.counts["contacts_created"] = len(new)
        return grown

    def refresh_contact_dates(self, cases: dict[str, Case], grown: set[int]) -> None:
        domain.refresh_contact_dates(case for case in cases.values() if case.pk in grown)

    def write_referrals(self, cases: dict[str, Case]) -> None:
        present = self.parsed.present.get("つなぎ", set())
        with_name = "partner_name" in present
        outcome = [f for f in ("status", "result_on") if f in present]
        existing: dict[int, list[dict]] = defaultdict(list)
        for chunk in chunks(self._existing_ids(cases, self.parsed.referrals)):
            for values in (
                Referral.objects.filter(case_id__in=chunk)
                .order_by("id")
                .values(
                    "id", "case_id", "date", "target", "category_id", "partner_name", "status", "result_on", "version"
                )
            ):
                values["key"] = referral_key(
                    values["date"],
                    values["target"],
                    values["category_id"],
                    values["partner_name"] if with_name else None,
                )
                existing[values["case_id"]].append(values)
        pending = []
        for row in self.parsed.referrals:
            v, case = row.values, cases[row.number]
            category = None if v["category"] == m.IBASHO else v["category"]
            key = referral_key(v["date"], v["target"], category.pk if category else None, v.get("partner_name"))
            pending.append((row, case, key, category))
        # Exact matches first, so that of two referrals with one key the unchanged one stays unchanged.
        unmatched = []
        for item in pending:
            row, case, key, _category = item
            candidates = existing[case.pk]
            hit = next((c for c in candidates if c["key"] == key and all(c[f] == row.values[f] for f in outcome)), None)
            if hit is not None:
                candidates.remove(hit)
                self.counts["referrals_unchanged"] += 1
            else:
                unmatched.append(item)
        new, updated = [], []
        for row, case, key, category in unmatched:
            v, candidates = row.values, existing[case.pk]
            hit = next((c for c in candidates if c["key"] == key), None)
            if hit is not None:
                # Same referral, new result (調整中 → 支援決定): an update, not a second referral.
                candidates.remove(hit)
                self.locked("つなぎ", row.row, "結果日", hit["result_on"], v.get("result_on", hit["result_on"]))
                updated.append(
                    Referral(
                        pk=hit["id"],
                        status=v.get("status", hit["status"]),
                        result_on=v.get("result_on", hit["result_on"]),
                        version=hit["version"] + 1,
                        updated_at=self.now,
                    )
                )
                self._count(row.number, "referrals_updated")
                continue
            self.locked("つなぎ", row.row, "日付", v["date"])
            self.locked("つなぎ", row.row, "結果日", v.get("result_on"))
            new.append(
                Referral(
                    case=case,
                    organisation=self.organisation,
                    date=v["date"],
                    target=v["target"],
                    category=category,
                    to_ibasho=category is None,
                    partner_name=v.get("partner_name", ""),
                    status=v.get("status", ReferralStatus.REQUESTED),
                    result_on=v.get("result_on"),
                    created_at=self.now,
                    updated_at=self.now,
                )
            )
            self._count(row.number, "referrals_added")
        Referral.objects.bulk_create(new, batch_size=CHUNK)
        Referral.objects.bulk_update(updated, ["status", "result_on", "version", "updated_at"], batch_size=CHUNK)
        self.counts["referrals_created"], self.counts["referrals_updated"] = len(new), len(updated)

    def _count(self, number: str, key: str) -> None:
        changes = self.changes.setdefault(number, {})
        changes[key] = [None, (changes.get(key) or [None, 0])[1] + 1]

    def audit(self, cases: dict[str, Case], file_label: str, rows: int, sheet_counts: dict) -> None:
        # One entry per case written, inserted in bulk for speed.
        log_actions(
            self.actor,
            (
                {
                    "action": "ledger.case_create" if number in self.created_numbers else "ledger.case_update",
                    "obj": cases[number],
                    "label": number,
                    "changes": changes,
                    "at": self.now,
                }
                for number, changes in sorted(self.changes.items())
            ),
            organisation=self.organisation,
            batch_size=CHUNK,
        )
        log_action(
            self.actor,
            "ledger.import",
            label=file_label,
            organisation=self.organisation,
            changes={
                "rows": [None, rows],
                **{key: [None, n] for key, n in sorted(self.counts.items())},
                **{f"{sheet}:{key}": [None, n] for sheet, c in sheet_counts.items() for key, n in c.items()},
            },
        )


def apply_ledger(
    *, actor: Actor, organisation: Organisation, parsed, file_label: str, rows: int, errors
) -> tuple[dict, dict]:
    """Write a parsed ledger; returns the counts of the case sheets and those of each activity sheet.
    Problems found only now (a case deleted since the check, a locked period) go to `errors` and
    nothing is written."""
    writer = _Writer(actor, organisation, parsed, errors)
    try:
        with transaction.atomic():
            lock_statistics(organisation.pk)  # before the case rows: orgs/locks.py
            cases = writer.load_cases()
            if errors.count:
                raise _Rollback
            rebanded = writer.write_cases(cases)
            writer.reband(rebanded)
            if errors.count:
                raise _Rollback
            grown = writer.write_contacts(cases)
            writer.refresh_contact_dates(cases, grown)
            writer.write_referrals(cases)
            if errors.count:  # rows in a locked period
                raise _Rollback
            # After the cases: an activity row may name a case of this workbook.
            sheet_counts = apply_activities(parsed.activities, actor=actor, now=writer.now) if parsed.activities else {}
            if errors.count:
                raise _Rollback
            writer.audit(cases, file_label, rows, sheet_counts)
    except _Rollback:
        return {}, {}
    return dict(writer.counts), sheet_counts
