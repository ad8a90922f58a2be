"""The work_experience section (DOMAIN.md "Placements"): placements with a worked day in the period and
what they came to, counted by tsunagu.work.queries."""

from django.utils import translation
from django.utils.translation import gettext as _

from tsunagu.orgs.models import Organisation
from tsunagu.orgs.queries import holds_every_organisation
from tsunagu.work.queries import work_experience

from ..exporters import LABEL, Column, Table, _breakdown
from ..models import OrgAncestor
from ..trends import _per_year, _year_columns
from . import Section


def build(org: Organisation, period, cohort=None) -> dict:
    # Cohorts (就職氷河期世代, one age band) come with the employment work; until then `cohort` is ignored.
    # The closure table as a subquery, not a list of ids: a nation's subtree has thousands of organisations;
    # and none at all for the nation, whose subtree is every organisation.
    ids = None if holds_every_organisation(org) else OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id")
    with translation.override("ja"):
        figures = work_experience(ids, period.start, period.end)
    # The placements ended in the period: the 計 of 結果 (a range of its own in another organisation's report).
    return figures | {"ended": sum(figures["by_outcome"].values())}


def tables(section: dict) -> list[Table]:
    persons = section["persons"]
    ended = section["ended"]
    allowances = section["allowances"]
    return [
        Table(
            "work_experience",
            _("就労体験・就労訓練"),
            [Column(_("項目"), LABEL), Column(_("件数"))],
            [
                [_("就労体験の件数"), section["placements"]],
                [_("実人数"), persons],
                [_("受入先の数"), section["hosts"]],
                [_("就労日数（最少）"), section["days"]["min"]],
                [_("就労日数（最多）"), section["days"]["max"]],
                *[[_("手当（%(payee)s、円）") % {"payee": _(payee)}, amount] for payee, amount in allowances.items()],
            ],
            note=_("期間中に就労した日のある就労体験を数えます。手当はその日の単価で計算した額です。"),
        ),
        _breakdown("work_by_age_band", _("就労体験をした人の年代"), _("年代"), section["by_age_band"], persons),
        _breakdown("work_by_program", _("種別ごとの人数"), _("種別"), section["by_program"], persons),
        _breakdown("work_by_outcome", _("期間中に終了した就労体験の結果"), _("結果"), section["by_outcome"], ended),
    ]


def trend(years: list[int], figures: dict[int, dict]) -> list[Table]:
    rows = [
        [_("就労体験の件数")] + [figures[y]["placements"] for y in years],
        [_("実人数")] + [figures[y]["persons"] for y in years],
        [_("就職した件数")] + [figures[y]["by_outcome"]["就職"] for y in years],
    ]
    return [
        Table(
            "trend_work_experience",
            _("就労体験・就労訓練の推移"),
            [Column(_("指標"), LABEL)] + _year_columns(years),
            rows,
        ),
        _per_year(
            "trend_work_by_outcome",
            _("就労体験の結果の推移"),
            _("結果"),
            years,
            figures,
            lambda f: f["by_outcome"],
            list(figures[years[0]]["by_outcome"]) if years else [],
            total=lambda f: f["ended"],
        ),
    ]


SECTION = Section("work_experience", build, tables, case_based=True, trend=trend)
