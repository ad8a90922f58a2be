import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tsunagu.core.wareki import DateParseError, fiscal_year_range, half_year_range, parse_date
from tsunagu.orgs.models import Organisation
from tsunagu.stats import cohorts
from tsunagu.stats.report import Period, build_report


class Command(BaseCommand):
    help = "組織とその下の組織の統計を出力します（DOMAIN.md の報告の形式）。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help=_("組織コード"))
        parser.add_argument("--fy", type=int, help=_("年度（西暦、例: 2021 は令和3年度）"))
        parser.add_argument("--half", type=int, choices=[1, 2], help=_("--fy と一緒に: 1=上半期（4〜9月）、2=下半期"))
        parser.add_argument("--from", dest="start", help=_("開始日（2021-04-01、R3.4.1 など）"))
        parser.add_argument("--to", dest="end", help=_("終了日"))
        parser.add_argument("--cohort", help=_("対象を絞る: 就職氷河期世代、または年代（40代 など）"))
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, org, fy, half, start, end, cohort=None, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(_("組織「%(code)s」が見つかりません。") % {"code": org})
        period = self._period(fy, half, start, end)
        try:
            chosen = cohorts.by_key(cohort)
        except LookupError:
            names = "、".join(c.key for c in cohorts.cohorts())
            raise CommandError(_("--cohort は次のどれかです: %(names)s") % {"names": names}) from None
        report = build_report(organisation, period, chosen)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    def _period(self, fy, half, start, end) -> Period:
        if fy is not None:
            if start or end:
                raise CommandError(_("--fy と --from/--to は一緒に使えません。"))
            return Period(*(half_year_range(fy, half) if half else fiscal_year_range(fy)))
        if half:
            raise CommandError(_("--half は --fy と一緒に使います。"))
        if not (start and end):
            raise CommandError(_("--fy か、--from と --to の両方を指定してください。"))
        try:
            period = Period(parse_date(start), parse_date(end))
        except DateParseError as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        return period
