"""The ledger's columns (DOMAIN.md, 台帳) and the way each cell becomes a model value and back.

Labels are compared after NFKC (full-width and half-width are the same letter) and without case, so
「ＳＮＳ」, 「sns」 and 「SNS」 are one channel. A parser raises CellError with a Japanese message that
importing.py prefixes with the sheet, row and column.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from tsunagu.cases.domain import CASE_LIMITS, too_long
from tsunagu.cases.models import AgeBand, Channel, Consulter, ReferralStatus, ReferralTarget, Relation, Sex, Status
from tsunagu.core.wareki import ERAS, DateParseError, parse_date
from tsunagu.orgs.models import Organisation, OrgKind, PartnerCategory

IBASHO = "居場所"
YES, NO = "はい", "いいえ"


class CellError(ValueError):
    pass


@dataclass(frozen=True)
class Column:
    header: str  # as DOMAIN.md spells it; the export writes exactly this
    field: str
    required: bool = False
    key: bool = False  # ‡ in DOMAIN.md: part of what identifies the row's record (activity sheets)


CASE_COLUMNS = (
    Column("ケース番号", "number", True),
    Column("受付日", "opened_on", True),
    Column("氏名", "name"),
    Column("ふりがな", "furigana"),
    Column("生年月日", "birth_date"),
    Column("年代", "age_band"),
    Column("性別", "sex"),
    Column("市区町村", "municipality"),
    Column("初回相談者", "first_consulter"),
    Column("本人につながった日", "reached_on"),
    Column("外出状況", "outing_level"),
    Column("ひきこもり期間（月）", "duration_months"),
    Column("8050世帯", "household_8050"),
    Column("状態", "status"),
    Column("終結日", "closed_on"),
    Column("住所", "address"),
    Column("電話", "phone"),
)
CONTACT_COLUMNS = (
    Column("ケース番号", "number", True),
    Column("日付", "date", True),
    Column("方法", "channel", True),
    Column("相談者", "consulter", True),
    Column("相談者（続柄）", "consulter_relation"),
    Column("担当者", "staff_name"),
    Column("所要時間（分）", "minutes"),
    Column("内容", "notes"),
)
REFERRAL_COLUMNS = (
    Column("ケース番号", "number", True),
    Column("日付", "date", True),
    Column("対象", "target", True),
    Column("つなぎ先区分", "category", True),
    Column("つなぎ先名称", "partner_name"),
    Column("結果", "status"),
    Column("結果日", "result_on"),
)
COLUMNS = {"ケース": CASE_COLUMNS, "相談記録": CONTACT_COLUMNS, "つなぎ": REFERRAL_COLUMNS}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def header_key(text: str) -> str:
    """A header as typed, compared with ours: NFKC, no spaces, without the required mark (ケース番号*)."""
    return re.sub(r"\s+", "", nfkc(text)).rstrip("*")


# --- spreadsheet safety --------------------------------------------------------------------------

# The formula neutraliser of every download is tsunagu.core.exporting.neutralise.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- cells -----------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Text as stored and compared: one kind of line break, no surrounding space, nothing an XLSX
    file cannot hold (control characters)."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def staff_label(staff_name: str, first_name: str | None, last_name: str | None, username: str | None) -> str:
    """担当者 as the ledger shows it: the typed name, else the staff member's account name."""
    if staff_name:
        return clean_text(staff_name)
    return " ".join(part for part in (first_name, last_name) if part) or username or ""


def cell_text(value) -> str:
    """The text of a cell, whatever type openpyxl or csv gave it; blank is ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return clean_text(str(value))


def parse_text(value, max_length: int) -> str:
    """Text within the field's limit (cases.domain: the same limit and message as the pages)."""
    text = cell_text(value)
    problem = too_long(text, max_length)
    if problem:
        raise CellError(problem)
    return text


def parse_case_number(value) -> str:
    return nfkc(parse_text(value, CASE_LIMITS["number"]))


def parse_date_cell(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    try:
        return parse_date(text)
    except DateParseError as error:
        raise CellError(str(error)) from None


def parse_int(value, low: int, high: int) -> int | None:
    text = nfkc(cell_text(value))
    if not text:
        return None
    if not re.fullmatch(r"-?\d+(\.0+)?", text):
        raise CellError(_("「%(text)s」は整数ではありません") % {"text": text})
    number = int(float(text))
    if not low <= number <= high:
        raise CellError(
            _("%(low)dから%(high)dまでの整数で入力してください（「%(text)s」）")
            % {"low": low, "high": high, "text": text}
        )
    return number


def _label_key(text: str) -> str:
    return nfkc(text).lower()


class Labels:
    """Model values by their Japanese label, for one column."""

    def __init__(self, choices, *, extra: dict[str, str] | None = None, default=None):
        self.shown = [str(label) for _value, label in choices]
        self.by_key = {_label_key(str(label)): value for value, label in choices}
        self.by_key.update({_label_key(k): v for k, v in (extra or {}).items()})
        self.by_value = {value: str(label) for value, label in choices}
        for label, value in (extra or {}).items():
            self.by_value.setdefault(value, label)
        self.default = default

    def parse(self, value):
        text = cell_text(value)
        if not text:
            return self.default
        try:
            return self.by_key[_label_key(text)]
        except KeyError:
            raise CellError(
                _("「%(text)s」は使えません（使えるもの: %(labels)s）")
                % {"text": text, "labels": "、".join(self.shown)}
            ) from None

    def label(self, value) -> str:
        return self.by_value.get(value, "") if value is not None else ""


AGE_BANDS = Labels(AgeBand.choices, default=AgeBand.UNKNOWN)
SEXES = Labels(Sex.choices, default=Sex.UNKNOWN)
# A blank 初回相談者 takes the model's default: most first contacts come from the family (DOMAIN.md).
CONSULTERS = Labels(Consulter.choices)
FIRST_CONSULTERS = Labels(Consulter.choices, default=Consulter.FAMILY)
CHANNELS = Labels(Channel.choices)
# 相談者（続柄）: which family member consulted (母, 父, …); blank when not known or not family.
RELATIONS = Labels(Relation.choices, default="")
# The ledger names three states; アセスメント is accepted too so tsunagu's own cases export faithfully.
STATUSES = Labels(
    [
        (Status.INTAKE, Status.INTAKE.label),
        (Status.SUPPORT, Status.SUPPORT.label),
        (Status.CLOSED, Status.CLOSED.label),
    ],
    extra={str(Status.ASSESSMENT.label): Status.ASSESSMENT},
    default=Status.INTAKE,
)
TARGETS = Labels(ReferralTarget.choices)
# A blank 結果 is a referral still waiting for an answer (依頼).
RESULTS = Labels(
    [
        (s, s.label)
        for s in (ReferralStatus.DECIDED, ReferralStatus.ARRANGING, ReferralStatus.FAILED, ReferralStatus.WITHDRAWN)
    ],
    extra={str(ReferralStatus.REQUESTED.label): ReferralStatus.REQUESTED},
    default=ReferralStatus.REQUESTED,
)


def parse_yes_no(value) -> bool | None:
    text = _label_key(cell_text(value))
    if not text:
        return None
    if text == YES:
        return True
    if text == NO:
        return False
    raise CellError(_("「%(text)s」は使えません（使えるもの: はい、いいえ）") % {"text": cell_text(value)})


def yes_no(value: bool | None) -> str:
    return "" if value is None else (YES if value else NO)


class Lookups:
    """Municipalities and partner categories, loaded once per import."""

    def __init__(self, organisation: Organisation):
        municipalities = list(
            Organisation.objects.filter(kind__in=(OrgKind.MUNICIPALITY, OrgKind.DESIGNATED_CITY)).only(
                "id", "code", "name", "path"
            )
        )
        self.municipality_by_id = {m.pk: m for m in municipalities}
        self.by_code = {m.code: m for m in municipalities}
        self.by_code.update({m.code[:5]: m for m in municipalities if len(m.code) == 6})
        self.by_name: dict[str, list[Organisation]] = {}
        for m in municipalities:
            self.by_name.setdefault(nfkc(m.name), []).append(m)
        # Same-named municipalities exist (府中市 is in two prefectures): the importer's own
        # prefecture decides, else the code must be given.
        self.home_prefix = "/".join(organisation.path.split("/")[:3]) + "/"
        self.categories = {nfkc(c.name): c for c in PartnerCategory.objects.all()}
        self.category_by_id = {c.pk: c for c in self.categories.values()}

    def municipality(self, value) -> Organisation | None:
        text = nfkc(cell_text(value))
        if not text:
            return None
        if re.fullmatch(r"\d{5,6}", text):
            found = self.by_code.get(text)
            if found is None:
                raise CellError(_("コード「%(code)s」の市区町村は登録されていません") % {"code": text})
            return found
        candidates = self.by_name.get(text, [])
        if len(candidates) > 1:
            candidates = [m for m in candidates if m.path.startswith(self.home_prefix)] or candidates
        if not candidates:
            raise CellError(
                _("「%(name)s」という市区町村は登録されていません（名称か6桁の地方公共団体コードで入力してください）")
                % {"name": text}
            )
        if len(candidates) > 1:
            raise CellError(
                _("「%(name)s」は複数あります。6桁の地方公共団体コード（%(codes)s）で入力してください")
                % {"name": text, "codes": "、".join(m.code for m in candidates)}
            )
        return candidates[0]

    def municipality_cell(self, municipality_id: int | None) -> str:
        """The name, unless another municipality of that name would be chosen on import: then the code."""
        if municipality_id is None:
            return ""
        municipality = self.municipality_by_id[municipality_id]
        try:
            return municipality.name if self.municipality(municipality.name) == municipality else municipality.code
        except CellError:
            return municipality.code

    def category(self, value) -> PartnerCategory | str:
        """A PartnerCategory, or IBASHO for a 居場所."""
        text = nfkc(cell_text(value))
        if text == IBASHO:
            return IBASHO
        try:
            return self.categories[text]
        except KeyError:
            raise CellError(
                _("「%(text)s」は使えません（使えるもの: %(labels)s、%(ibasho)s）")
                % {
                    "text": cell_text(value),
                    "labels": "、".join(c.name for c in self.categories.values()),
                    "ibasho": IBASHO,
                }
            ) from None

    def category_cell(self, category_id: int | None, to_ibasho: bool) -> str:
        if category_id is None:
            return IBASHO if to_ibasho else ""
        return self.category_by_id[category_id].name


# --- activity sheets: 年度 and 相手先 ------------------------------------------------------------------

_ERA_NAMES = "|".join(e.name for e in ERAS)
_ERA_YEAR = re.compile(rf"(?P<era>[A-Za-z]|{_ERA_NAMES})(?P<year>\d{{1,2}}|元)(?:年度?)?")
_ERA_START = {key: era.start.year for era in ERAS for key in (era.abbr, era.name)}


def parse_fiscal_year(value) -> int | None:
    """年度 as 2021, 2021年度, R3, 令和3年度 or 令和元年度 (full-width too) → 2021."""
    text = re.sub(r"\s+", "", nfkc(cell_text(value)))
    if not text:
        return None
    if found := re.fullmatch(r"(\d{4})(?:年度?)?", text):
        year = int(found.group(1))
        if 1989 <= year <= 2100:
            return year
    elif found := _ERA_YEAR.fullmatch(text):
        era = found.group("era").upper() if len(found.group("era")) == 1 else found.group("era")
        if era in _ERA_START:
            return _ERA_START[era] + (1 if found.group("year") == "元" else int(found.group("year"))) - 1
    raise CellError(
        _("「%(text)s」は年度として読めません（2021、R3、令和3年度のように入力してください）") % {"text": text}
    )


def fiscal_year_cell(year: int | None) -> str:
    return "" if year is None else str(year)


class Counterparts:
    """A 相手先 or 参加機関 cell: a tsunagu organisation by its code or its name, else the name as typed
    (an outside body). Loaded once per import; a name two organisations share matches neither, so the
    cell stays typed rather than being given to the wrong one."""

    def __init__(self):
        rows = list(Organisation.objects.values_list("id", "code", "name"))
        self.by_code = {nfkc(code): pk for pk, code, _name in rows}
        names: dict[str, list[int]] = {}
        for pk, _code, name in rows:
            names.setdefault(nfkc(name), []).append(pk)
        self.by_name = {name: pks[0] for name, pks in names.items() if len(pks) == 1}
        self.labels = {pk: (code, name) for pk, code, name in rows}

    def match(self, value, max_length: int = 200) -> tuple[int | None, str]:
        """(organisation id, "") for a tsunagu organisation, or (None, the name as typed)."""
        text = nfkc(parse_text(value, max_length))
        if not text:
            return None, ""
        pk = self.by_code.get(text) or self.by_name.get(text)
        return (pk, "") if pk is not None else (None, text)

    def cell(self, organisation_id: int | None, typed: str) -> str:
        """What the export writes: the organisation's name when it names only that one, else its code."""
        if organisation_id is None:
            return typed
        code, name = self.labels[organisation_id]
        return name if self.by_name.get(nfkc(name)) == organisation_id else code
