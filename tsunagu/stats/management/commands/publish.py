"""`tsunagu publish`: the report tables of an organisation subtree for a fiscal year, with small cells
suppressed, written as CSV or XLSX for publication."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.orgs.disclosure import region_k
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor
from tsunagu.stats.published import MARKS, WRITERS, fiscal_year_publication


class Command(BaseCommand):
    help = (
        "公表用の集計（1〜k−1 の値を秘匿し、公表される全ての表と上下の組織の表を合わせても"
        "秘匿した値が k 幅より狭く絞り込めないように併せて秘匿）を CSV または XLSX で書き出します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help=_("組織コード"))
        parser.add_argument("--fy", type=int, required=True, help=_("年度（西暦、例: 2021 は令和3年度）"))
        parser.add_argument("--k", type=int, help=_("秘匿の基準 k（既定: 地域が決めた値、なければ 10）"))
        parser.add_argument("--format", choices=list(WRITERS), default="csv")
        parser.add_argument("--mark", choices=MARKS, default=MARKS[0], help=_("秘匿した値に表示する記号"))
        parser.add_argument("--output", required=True, help=_("書き出すファイル"))

    def handle(self, *args, org, fy, k, format, mark, output, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(_("組織「%(code)s」が見つかりません。") % {"code": org})
        if k is None:
            k = region_k(organisation)
        if k < 2:
            raise CommandError(_("--k は2以上の整数で指定してください。"))
        began = time.monotonic()
        shown = [0]

        def progress(done: int, total: int) -> None:
            # The region's pattern is computed once (and then stored): say how far it has got.
            percent = done * 100 // total
            if percent >= shown[0] + 10 or done == total:
                shown[0] = percent
                self.stderr.write(
                    _("秘匿パターンを計算しています: 要保護セル %(done)d / %(total)d") % {"done": done, "total": total}
                )

        pub = fiscal_year_publication(organisation, fy, k=k, mark=mark, progress=progress)
        Path(output).write_bytes(WRITERS[format](pub))
        with transaction.atomic():
            log_action(
                Actor.system("publish"),
                "stats.published.export",
                obj=organisation,
                organisation=organisation,
                label=f"{organisation.code} {fy} k={k} {format}",
            )
        self.stdout.write(
            _("%(path)s に書き出しました（秘匿したセル %(hidden)d）。") % {"path": output, "hidden": pub.hidden}
        )
        self.stderr.write(_("所要時間 %(seconds).1f 秒") % {"seconds": time.monotonic() - began})
