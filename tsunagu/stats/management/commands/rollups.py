"""`tsunagu rollups`: check the statistics' rollup tables against a fresh count of the records, or
rebuild them, or fold the national deltas into the national sums (`--fold`), or print the triggers that
keep them (`--sql`, for the engine DATABASE_URL names). The triggers keep them exact on every write; this is the auditor's proof and the repair
after someone edited the database by hand with the triggers off."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.orgs.rules import Actor
from tsunagu.stats import national, rollups


class Command(BaseCommand):
    help = "統計の集計表（ロールアップ）を記録から数え直して照合します（--rebuild で作り直します）。"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help=_("照合せずに作り直す"))
        parser.add_argument("--sql", action="store_true", help=_("集計表を保つトリガーのSQLを表示する"))
        parser.add_argument("--fold", action="store_true", help=_("全国の差分を全国の集計表に畳み込む"))

    def handle(self, *args, rebuild, sql=False, fold=False, **options):
        started = time.perf_counter()
        if sql:
            for statement in rollups.trigger_sql():
                self.stdout.write(statement + ";\n")
            return
        if fold:
            waiting = national.unfolded()
            if not national.fold():
                self.stdout.write(_("ほかの処理が畳み込み中のため、何もしませんでした。"))
                return
            self.stdout.write(
                _("全国の差分%(rows)s行を畳み込みました（%(seconds).1f秒）。")
                % {"rows": f"{waiting:,}", "seconds": time.perf_counter() - started}
            )
            return
        if rebuild:
            self.stdout.write(_("トリガーを入れ直し、集計表を記録から作り直しています…"))
            rollups.install()
            rollups.rebuild()
            with transaction.atomic():
                log_action(Actor.system("rollups"), "stats.rollups.rebuild", label="rebuild")
            self.stdout.write(_("作り直しました（%(seconds).1f秒）。") % {"seconds": time.perf_counter() - started})
            return
        self.stdout.write(_("集計表を記録から数え直して照合しています…"))
        missing = set(rollups.expected_triggers()) - rollups.installed_triggers()
        wrong = rollups.differences(
            progress=lambda table, done, total: self.stdout.write(
                _("照合済み %(done)d/%(total)d: %(table)s") % {"done": done, "total": total, "table": table}
            )
        )
        for table, rows in sorted(wrong.items()):
            self.stdout.write(_("%(table)s: %(rows)d行が記録と一致しません。") % {"table": table, "rows": rows})
        if missing:
            self.stdout.write(_("トリガーが%(n)d個ありません。") % {"n": len(missing)})
        if wrong or missing:
            raise CommandError(_("集計表が記録と一致しません。tsunagu rollups --rebuild で作り直してください。"))
        self.stdout.write(
            _("すべての集計表が記録と一致しました（%(seconds).1f秒）。") % {"seconds": time.perf_counter() - started}
        )
