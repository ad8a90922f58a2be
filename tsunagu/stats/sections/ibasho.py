"""The report's `ibasho` section (DOMAIN.md, counting rules for 居場所): `places` is the 居場所 with a
held session in the period, `sessions` the held sessions, `attendances` every attendee of every held
session (延べ: "参加延べ人数 36名"). A session is held once its day has come: one dated ahead is planned.
Counted from the records of the subtree (sessions and attendances carry their organisation and date; the
nation's are every record, read without a subtree filter), grouped by the database.
"""

from django.db.models import Count, IntegerField, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.core import wareki
from tsunagu.ibasho.models import Attendance, IbashoEvent, IbashoKind
from tsunagu.orgs.queries import holds_every_organisation

from ..exporters import COUNT, LABEL, Column, Table
from ..models import OrgAncestor
from ..trends import _fiscal_year_of
from . import Section

ATTENDEES = ("ケース", "ニックネーム", "匿名")


def _held(model, org, start, end):
    rows = model.objects.filter(date__range=(start, min(end, timezone.localdate())))
    if holds_every_organisation(org):  # the nation: every row, and no subquery of every organisation's id
        return rows
    return rows.filter(organisation_id__in=OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id"))


def _empty() -> dict:
    kinds = [str(label) for _value, label in IbashoKind.choices]
    return {
        "by_kind": {label: {"places": 0, "sessions": 0, "attendances": 0} for label in kinds},
        "by_attendee": dict.fromkeys(ATTENDEES, 0),
    }


def _count(org, start, end, years: list[int] | None = None) -> dict:
    """Figures of the period (key None), or of each fiscal year of `years` (keys the years), counted by the
    database per bucket and kind in two queries. A 居場所 has one kind, so the places of the kinds add up."""
    kinds = {value: str(label) for value, label in IbashoKind.choices}
    bucket = _fiscal_year_of("date", years) if years else Value(None, output_field=IntegerField())
    found: dict = {}

    def figures_of(key):
        if key not in found:  # made once per bucket, not per row (its labels are translated)
            found[key] = _empty()
        return found[key]

    for row in (
        _held(IbashoEvent, org, start, end)
        .annotate(bucket=bucket)
        .values("bucket", "ibasho__kind")
        .annotate(places=Count("ibasho_id", distinct=True), sessions=Count("id"))
        .order_by()
    ):
        figures = figures_of(row["bucket"])["by_kind"][kinds[row["ibasho__kind"]]]
        figures["places"] += row["places"]
        figures["sessions"] += row["sessions"]
    for row in (
        _held(Attendance, org, start, end)
        .annotate(bucket=bucket)
        .values("bucket", "event__ibasho__kind")
        .annotate(
            n=Count("id"),
            cases=Count("id", filter=Q(case__isnull=False)),
            anonymous=Count("id", filter=Q(anonymous=True)),
        )
        .order_by()
    ):
        figures = figures_of(row["bucket"])
        figures["by_kind"][kinds[row["event__ibasho__kind"]]]["attendances"] += row["n"]
        figures["by_attendee"]["ケース"] += row["cases"]
        figures["by_attendee"]["匿名"] += row["anonymous"]
        figures["by_attendee"]["ニックネーム"] += row["n"] - row["cases"] - row["anonymous"]
    return found


def _section(figures: dict) -> dict:
    return {
        "places": sum(k["places"] for k in figures["by_kind"].values()),
        "sessions": sum(k["sessions"] for k in figures["by_kind"].values()),
        "attendances": sum(figures["by_attendee"].values()),
        "by_kind": figures["by_kind"],
        "by_attendee": figures["by_attendee"],
    }


def build(org, period, cohort=None) -> dict:
    return _section(_count(org, period.start, period.end).get(None) or _empty())


def build_years(org, years: list[int]) -> dict[int, dict]:
    first, last = wareki.fiscal_year_range(min(years))[0], wareki.fiscal_year_range(max(years))[1]
    found = _count(org, first, last, years)
    return {year: _section(found.get(year) or _empty()) for year in years}


def tables(section: dict) -> list[Table]:
    kind_rows = [[_(kind), f["places"], f["sessions"], f["attendances"]] for kind, f in section["by_kind"].items()]
    return [
        Table(
            "ibasho",
            _("居場所"),
            [Column(_("項目"), LABEL), Column(_("件数"), COUNT)],
            [
                [_("居場所数"), section["places"]],
                [_("開催回数"), section["sessions"]],
                [_("参加延べ人数"), section["attendances"]],
            ],
            note=_("居場所数は期間中に開催のあった居場所の数、参加延べ人数は各回の参加者を足し上げた数です。"),
        ),
        Table(
            "ibasho_by_kind",
            _("居場所の形態別"),
            [Column(_("形態"), LABEL), Column(_("居場所数")), Column(_("開催回数")), Column(_("参加延べ人数"))],
            kind_rows,
            total=[_("計"), section["places"], section["sessions"], section["attendances"]],
        ),
        Table(
            "ibasho_by_attendee",
            _("居場所の参加者（延べ）"),
            [Column(_("参加者"), LABEL), Column(_("人数"))],
            [[_(label), n] for label, n in section["by_attendee"].items()],
            total=[_("計"), section["attendances"]],
            note=_("ケースとして記録された人、ニックネームだけが分かる人、匿名の人の別です。"),
        ),
    ]


def trend(years: list[int], by_year: dict[int, dict]) -> list[Table]:
    columns = [Column(wareki.fiscal_year_label(y, "short"), full=wareki.fiscal_year_label_both(y)) for y in years]
    return [
        Table(
            "ibasho_trend",
            _("居場所の推移"),
            [Column(_("指標"), LABEL), *columns],
            [
                [_(label), *(by_year[y][key] for y in years)]
                for key, label in (("places", "居場所数"), ("sessions", "開催回数"), ("attendances", "参加延べ人数"))
            ],
        )
    ]


SECTION = Section(
    "ibasho",
    build,
    tables,
    case_based=False,
    trend=trend,
    build_years=build_years,
    figures=[
        ("ibasho_places", gettext_lazy("居場所数"), "か所", lambda s: s["places"]),
        ("ibasho_sessions", gettext_lazy("居場所の開催回数"), "回", lambda s: s["sessions"]),
        ("ibasho_attendances", gettext_lazy("居場所の参加延べ人数"), "人", lambda s: s["attendances"]),
    ],
)
