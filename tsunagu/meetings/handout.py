"""The anonymised handout of a case conference: the summary of each case discussed with every identifying
value the records know masked, and what regular expressions find besides.

From the records: the person's name and furigana (whole, without the space, each part), the household
members' names, addresses (whole and the part after the municipality), phone numbers, the birth date and
the case number. Each is matched in every written form: full-width or half-width, with or without spaces
between letters, in hiragana, katakana or half-width katakana. From patterns: phone numbers, postal codes,
postal addresses (a place name followed by 丁目・番地・号 or 1-2-3) and dates (西暦 and 和暦, which become
年月). Municipality names become 「A町」「B市」, one letter per place, the same throughout a conference.
Staff names are not masked: staff are not the person.

`mask_all` returns for each case the text and its spans; `render` writes the text with the spans kept
(those the person did not unmask) replaced."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from tsunagu.core.wareki import format_date

# --- letter variants -------------------------------------------------------------------------------

_HALF_KANA: dict[str, str] = {}
for _code in range(0xFF66, 0xFF9E):
    _h = chr(_code)
    _HALF_KANA.setdefault(unicodedata.normalize("NFKC", _h), _h)
    for _mark in ("ﾞ", "ﾟ"):
        _full = unicodedata.normalize("NFKC", _h + _mark)
        if len(_full) == 1:
            _HALF_KANA.setdefault(_full, _h + _mark)
_GAP = r"[ \t\u3000]*"  # spaces anyone may put between letters (a name written 佐藤 太郎, 佐 藤)


def _letter(char: str) -> str:
    """A regex alternative of every form of one letter."""
    forms = {char}
    if "ぁ" <= char <= "ゖ":
        forms.add(chr(ord(char) + 0x60))
    elif "ァ" <= char <= "ヶ":
        forms.add(chr(ord(char) - 0x60))
    for kana in list(forms):
        if kana in _HALF_KANA:
            forms.add(_HALF_KANA[kana])
    if "!" <= char <= "~":
        forms.add(chr(ord(char) + 0xFEE0))
        forms.update({char.lower(), char.upper(), chr(ord(char.lower()) + 0xFEE0), chr(ord(char.upper()) + 0xFEE0)})
    if char == "-":
        forms.update({"‐", "－", "−", "―", "ー"})
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")"


def _normal(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))


def value_pattern(value: str) -> str:
    """Every written form of `value`: each letter in any width or kana, spaces allowed between them."""
    return _GAP.join(_letter(c) for c in _normal(value))


def phone_pattern(value: str) -> str:
    """A phone number by its digits, whatever separates them (088-123-4567, ０８８（１２３）４５６７, 0881234567)."""
    digits = [c for c in unicodedata.normalize("NFKC", value) if c.isdigit()]
    sep = r"[\s\-‐－−―ー()（）]*"
    return r"(?<![0-9０-９])" + sep.join(_letter(d) for d in digits) + r"(?![0-9０-９])"


# --- patterns --------------------------------------------------------------------------------------

_D = r"[0-9０-９]"
_SEP = r"[\-‐－−―ー]"
PHONE = re.compile(
    rf"(?<![0-9０-９])(?:[0０]{_D}{{1,4}}[\s\-‐－−―ー()（）]{{0,3}}{_D}{{1,4}}[\s\-‐－−―ー()（）]{{1,3}}{_D}{{3,4}}"
    rf"|[0０][5789５７８９][0０]{_D}{{8}}|[0０]{_D}{{9}})(?![0-9０-９])"
)
POSTAL = re.compile(rf"〒\s*{_D}{{3}}{_SEP}?{_D}{{4}}|(?<![0-9０-９]){_D}{{3}}{_SEP}{_D}{{4}}(?![0-9０-９])")
_PLACE = r"[一-龥々ぁ-んァ-ヶー]"
ADDRESS = re.compile(
    rf"(?:{_PLACE}{{2,3}}[都道府県])?{_PLACE}{{0,8}}?[市区町村郡]?{_PLACE}{{1,8}}"
    rf"(?:{_D}+丁目{_D}+番地?{_D}*号?|{_D}+番地{_D}*号?|{_D}+(?:{_SEP}{_D}+)+号?)"
)
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "R": 2018, "H": 1988, "S": 1925}
_Y = r"\s*(?:年|[/.\-／．－])\s*"
_M = r"\s*(?:月|[/.\-／．－])\s*"
SEIREKI = re.compile(rf"(?<![0-9０-９])((?:19|20|１９|２０){_D}{{2}}){_Y}({_D}{{1,2}}){_M}({_D}{{1,2}})\s*日?")
SEIREKI_YM = re.compile(rf"(?<![0-9０-９])((?:19|20|１９|２０){_D}{{2}})\s*年\s*({_D}{{1,2}})\s*月")
WAREKI = re.compile(
    rf"(令和|平成|昭和|[RHSrhsＲＨＳｒｈｓ])\s*({_D}{{1,2}}|元){_Y}({_D}{{1,2}}){_M}({_D}{{1,2}})\s*日?"
)
MONTH_DAY = re.compile(rf"(?<![0-9０-９年/.])({_D}{{1,2}})\s*月\s*({_D}{{1,2}})\s*日")


def _int(text: str) -> int:
    return 1 if text == "元" else int(unicodedata.normalize("NFKC", text))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- spans -----------------------------------------------------------------------------------------


@dataclass
class Span:
    start: int
    end: int
    text: str
    kind: str  # name, family, address, phone, birth, number, place, date, postal, added
    replacement: str
    from_records: bool

    @property
    def key(self) -> str:
        return f"{self.start}:{self.end}"


@dataclass
class Identity:
    """The identifying values one case's records hold."""

    label: str  # 事例1
    number: str = ""
    names: list[str] = field(default_factory=list)  # the person's name and furigana
    family: list[tuple[str, str]] = field(default_factory=list)  # (relationship, name)
    addresses: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    birth_date: date | None = None

    def values(self) -> list[tuple[str, str]]:
        """(kind, value) of every identifying value, for the measurement and the checks."""
        out = [("number", self.number)] if self.number else []
        out += [("name", n) for n in self.names if n]
        out += [("family", n) for _, n in self.family if n]
        out += [("address", a) for a in self.addresses if a]
        out += [("phone", p) for p in self.phones if p]
        return out


def identity_of(case, label: str) -> Identity:
    """The identity a case's records give (its household prefetched or not)."""
    members = list(case.household.all())
    return Identity(
        label=label,
        number=case.number,
        names=[case.name, case.furigana],
        family=[(m.relationship, m.name) for m in members if m.name],
        addresses=[case.address] if case.address else [],
        phones=[p for p in [case.phone, *(m.phone for m in members)] if p],
        birth_date=case.birth_date,
    )


class Places:
    """Municipality names to 「A町」「B市」: a letter per place in the order they first appear, kept for the
    whole conference."""

    SUFFIXES = "市区町村"

    def __init__(self, names):
        names = sorted({n for n in names if n}, key=len, reverse=True)
        self.pattern = re.compile("|".join(value_pattern(n) for n in names)) if names else None
        self.letters: dict[str, str] = {}

    def replacement(self, found: str) -> str:
        name = _normal(found)
        if name not in self.letters:
            index = len(self.letters)
            letter = chr(ord("A") + index % 26) + ("" if index < 26 else str(index // 26))
            self.letters[name] = letter
        suffix = name[-1] if name[-1] in self.SUFFIXES else ""
        return f"{self.letters[name]}{suffix}"


_ALONE = r"(?=[ \u3000]*(?:さん|くん|君|ちゃん|様|氏|殿|[はがのをにとでもへや、。，．（）()「」・\s]|$))"


def _name_parts(value: str) -> list[str]:
    parts = [p for p in re.split(r"[\s\u3000]+", unicodedata.normalize("NFKC", value or "").strip()) if p]
    return parts if len(parts) > 1 else []


def _record_patterns(identity: Identity) -> list[tuple[str, re.Pattern, str]]:
    """(kind, compiled pattern, replacement) of every value of the identity."""
    wanted: list[tuple[str, str, str]] = []  # (kind, pattern, replacement)
    person = _("〔本人〕")
    for name in identity.names:
        if not name:
            continue
        wanted.append(("name", value_pattern(name), person))
        for part in _name_parts(name):
            # One letter alone (林, 翔) is masked only as a word of its own: before an honorific or a
            # particle, not inside another word (林業).
            tail = "" if len(part) > 1 else _ALONE
            head = "" if len(part) > 1 else r"(?<![一-龥々])"
            wanted.append(("name", head + value_pattern(part) + tail, person))
    for relationship, name in identity.family:
        token = f"〔{relationship}〕"
        wanted.append(("family", value_pattern(name), token))
        for part in _name_parts(name):
            tail = "" if len(part) > 1 else _ALONE
            head = "" if len(part) > 1 else r"(?<![一-龥々])"
            wanted.append(("family", head + value_pattern(part) + tail, token))
    for address in identity.addresses:
        wanted.append(("address", value_pattern(address), _("〔住所〕")))
        # The street part alone (本町1-2-3), as one writes it after the town is known.
        street = re.split(r"[市区町村郡]", unicodedata.normalize("NFKC", address), maxsplit=1)
        if len(street) == 2 and len(_normal(street[1])) >= 2:
            wanted.append(("address", value_pattern(street[1]), _("〔住所〕")))
    for phone in identity.phones:
        if sum(c.isdigit() for c in unicodedata.normalize("NFKC", phone)) >= 6:
            wanted.append(("phone", phone_pattern(phone), _("〔電話番号〕")))
    if identity.number:
        wanted.append(("number", value_pattern(identity.number), _("〔ケース番号〕")))
    return [(kind, re.compile(pattern), replacement) for kind, pattern, replacement in wanted]


def _record_spans(text: str, patterns) -> list[Span]:
    spans = []
    for kind, pattern, replacement in patterns:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                spans.append(Span(match.start(), match.end(), match.group(), kind, replacement, True))
    return spans


def _date_span(match, year: int, month: int, day: int | None, birth: date | None, era: str = "") -> Span:
    if birth is not None and day is not None and _date(year, month, day) == birth:
        replacement = _("〔生年月日〕")
        kind = "birth"
    else:
        replacement = f"{era}{month}月" if era else f"{year}年{month}月"
        kind = "date"
    return Span(match.start(), match.end(), match.group(), kind, replacement, kind == "birth")


def _pattern_spans(text: str, identity: Identity, places: Places) -> list[Span]:
    spans = []
    for match in PHONE.finditer(text):
        spans.append(Span(match.start(), match.end(), match.group(), "phone", _("〔電話番号〕"), False))
    for match in POSTAL.finditer(text):
        spans.append(Span(match.start(), match.end(), match.group(), "postal", _("〔郵便番号〕"), False))
    for match in ADDRESS.finditer(text):
        spans.append(Span(match.start(), match.end(), match.group(), "address", _("〔住所〕"), False))
    birth = identity.birth_date
    for match in SEIREKI.finditer(text):
        year, month, day = (_int(g) for g in match.groups())
        if 1 <= month <= 12:
            spans.append(_date_span(match, year, month, day, birth))
    for match in WAREKI.finditer(text):
        era = unicodedata.normalize("NFKC", match.group(1)).upper()
        offset = _ERAS.get(era, 2018)
        year = offset + _int(match.group(2))
        month, day = _int(match.group(3)), _int(match.group(4))
        if 1 <= month <= 12:
            era_name = {2018: "令和", 1988: "平成", 1925: "昭和"}[offset]
            number = "元" if year - offset == 1 else str(year - offset)
            span = _date_span(match, year, month, day, birth, era=f"{era_name}{number}年")
            spans.append(span)
    for match in MONTH_DAY.finditer(text):
        month = _int(match.group(1))
        spans.append(Span(match.start(), match.end(), match.group(), "date", f"{month}月", False))
    if places.pattern is not None:
        for match in places.pattern.finditer(text):
            spans.append(
                Span(match.start(), match.end(), match.group(), "place", "", False)  # lettered once chosen
            )
    return spans


def _added_spans(text: str, phrases: list[str]) -> list[Span]:
    spans = []
    for phrase in phrases:
        if _normal(phrase):
            for match in re.finditer(value_pattern(phrase), text):
                spans.append(Span(match.start(), match.end(), match.group(), "added", _("〔伏せ字〕"), True))
    return spans


def _choose(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, the longest first (at equal length what the records know). A pattern's span
    that cuts through a record value is dropped (the value's own span masks it whole); one that holds
    record values whole replaces them (山吹町本町2-5-11 is one 〔住所〕)."""
    records = [s for s in spans if s.from_records]
    ranked = sorted(spans, key=lambda s: (-(s.end - s.start), not s.from_records, s.start))
    chosen: list[Span] = []
    for span in ranked:
        if any(span.start < c.end and span.end > c.start for c in chosen):
            continue
        if not span.from_records and any(
            span.start < r.end and span.end > r.start and not (span.start <= r.start and r.end <= span.end)
            for r in records
        ):
            continue
        chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


@dataclass
class Masked:
    identity: Identity
    text: str
    spans: list[Span]

    def render(self, unmasked: set[str] = frozenset()) -> str:
        return render(self.text, [s for s in self.spans if s.key not in unmasked])

    def pieces(self, unmasked: set[str] = frozenset()) -> list[tuple[str, Span | None]]:
        """The text cut at the spans, for the page: (text, span or None)."""
        out, at = [], 0
        for span in self.spans:
            if span.start > at:
                out.append((self.text[at : span.start], None))
            out.append((span.text, span))
            at = span.end
        if at < len(self.text):
            out.append((self.text[at:], None))
        return out


def mask(text: str, identity: Identity, places: Places, *, phrases: list[str] = ()) -> Masked:
    return mask_all([(identity, text)], [], phrases=phrases, places=places)[0]


def mask_all(
    items: list[tuple[Identity, str]], place_names, *, phrases: list[str] = (), places: Places | None = None
) -> list[Masked]:
    """Each (identity, summary) masked; the places share their letters across the conference. Every
    identity's values are masked in every summary (a sibling's case may name the other)."""
    places = places or Places(place_names)
    everyone = Identity(label="")
    numbers = []
    for identity, _text in items:
        everyone.names += identity.names
        everyone.family += identity.family
        everyone.addresses += identity.addresses
        everyone.phones += identity.phones
        numbers.append(identity.number)
    # One pattern for each value of the conference (deduplicated), compiled once.
    shared = {}
    for kind, pattern, replacement in _record_patterns(everyone):
        shared.setdefault(pattern.pattern, (kind, pattern, replacement))
    for number in numbers:
        for kind, pattern, replacement in _record_patterns(Identity(label="", number=number)):
            shared.setdefault(pattern.pattern, (kind, pattern, replacement))
    patterns = list(shared.values())
    out = []
    for identity, text in items:
        spans = _record_spans(text, patterns) + _added_spans(text, list(phrases))
        spans = _choose(spans + _pattern_spans(text, identity, places))
        for span in spans:
            if span.kind == "place":  # letters in the order the handout shows the places
                span.replacement = places.replacement(span.text)
        out.append(Masked(identity, text, spans))
    return out


def render(text: str, spans: list[Span]) -> str:
    out, at = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[at : span.start])
        out.append(span.replacement)
        at = span.end
    out.append(text[at:])
    return "".join(out)


def summary_of(case) -> str:
    """The summary a coordinator starts from: what the records say of the case and each contact's 内容.
    It names the person as the records do; the masking takes it out."""
    lines = []
    head = [case.name and f"{case.name}（{case.furigana}）" or _("氏名未確認"), case.get_sex_display()]
    if case.birth_date:
        head.append(_("生年月日 %(date)s") % {"date": format_date(case.birth_date)})
    lines.append("、".join(h for h in head if h))
    if case.municipality_id:
        lines.append(_("居住地：%(place)s %(address)s") % {"place": case.municipality.name, "address": case.address})
    elif case.address:
        lines.append(_("住所：%(address)s") % {"address": case.address})
    if case.phone:
        lines.append(_("電話：%(phone)s") % {"phone": case.phone})
    members = list(case.household.all())
    if members:
        family = "、".join(
            f"{m.relationship}{(' ' + m.name) if m.name else ''}{_('（%(age)s歳）') % {'age': m.age} if m.age else ''}"
            for m in members
        )
        lines.append(_("家族：%(family)s") % {"family": family})
    if case.notes:
        lines.append(case.notes)
    for contact in case.contacts.order_by("date", "pk"):
        if contact.notes:
            lines.append(f"{format_date(contact.date)} {contact.get_channel_display()}：{contact.notes}")
    return "\n".join(lines)
