"""`tsunagu import-orgs FILE.csv`: add a whole organisation tree from a CSV file, all or nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tsunagu.orgs.importing import import_organisations
from tsunagu.orgs.rules import Actor


class Command(BaseCommand):
    help = (
        "CSVファイル（列: コード, 名称, 種別, 上位コード, 区分）から組織を追加します。"
        "1行でも誤りがあれば何も登録しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("CSVファイル（UTF-8 または Shift_JIS）"))

    def handle(self, *args, file, **options):
        try:
            result = import_organisations(file, Actor.system("import-orgs"), progress=self.stderr.write)
        except OSError as error:
            raise CommandError(
                _("ファイル「%(file)s」を読めません: %(error)s") % {"file": file, "error": error.strerror}
            )
        if not result.ok:
            lines = [
                _("%(count)d件の誤りがあるため、何も登録しませんでした。") % {"count": result.error_count},
                *result.errors,
            ]
            if result.error_count > len(result.errors):
                lines.append(
                    _("ほか%(count)d件の誤りがあります（最初の%(shown)d件だけを表示しています）。")
                    % {"count": result.error_count - len(result.errors), "shown": len(result.errors)}
                )
            raise CommandError("\n".join(lines))
        self.stdout.write(
            _("%(rows)d行を読み込みました: %(summary)s") % {"rows": result.rows, "summary": result.summary()}
        )
