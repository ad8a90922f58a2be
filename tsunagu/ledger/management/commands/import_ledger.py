"""`tsunagu import-ledger --org CODE FILE...`: import a case ledger (one XLSX, or the CSV files named after
the sheets), all or nothing. Progress goes to stderr, the result to stdout."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tsunagu.ledger.importing import import_ledger
from tsunagu.ledger.models import JobPhase
from tsunagu.ledger.reading import LedgerFileError, check_sizes
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor


class Command(BaseCommand):
    help = (
        "標準様式の台帳（Excelファイル1つ、または「ケース.csv」「相談記録.csv」「つなぎ.csv」）を組織に取り込みます。"
        "1行でも誤りがあれば何も登録しません。同じファイルをもう一度取り込んでも何も変わりません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help=_("取り込む先の組織のコード"))
        parser.add_argument("files", nargs="+", metavar="FILE", help=_("台帳のファイル（.xlsx または .csv）"))

    def handle(self, *args, org, files, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(_("組織コード「%(code)s」は登録されていません。") % {"code": org})
        try:
            # Files over the limit are refused before they are read into memory.
            check_sizes([(Path(file).name, Path(file).stat().st_size) for file in files])
            contents = [(Path(file).name, Path(file).read_bytes()) for file in files]
        except OSError as error:
            raise CommandError(
                _("ファイル「%(file)s」を読めません: %(error)s") % {"file": error.filename, "error": error.strerror}
            )
        except LedgerFileError as error:
            raise CommandError(str(error))

        def progress(phase: str, processed: int, total: int) -> None:
            if phase == JobPhase.WAITING:
                self.stderr.write(_("この組織のほかの取込が終わるのを待っています…"))
            elif phase == JobPhase.WRITING:
                self.stderr.write(_("書き込み中: %(total)d行") % {"total": total})
            else:
                self.stderr.write(_("確認中: %(processed)d/%(total)d行") % {"processed": processed, "total": total})

        result = import_ledger(
            actor=Actor.system("import-ledger"), organisation=organisation, files=contents, progress=progress
        )
        if not result.ok:
            lines = [
                _("%(count)d件の誤りがあるため、何も登録しませんでした。") % {"count": result.error_count},
                *result.errors,
            ]
            if result.more_errors:
                lines.append(
                    _("ほか%(count)d件の誤りがあります（最初の%(shown)d件だけを表示しています）。")
                    % {"count": result.more_errors, "shown": len(result.errors)}
                )
            raise CommandError("\n".join(lines))
        self.stdout.write(
            _("%(org)sに%(rows)d行を取り込みました。%(summary)s")
            % {"org": organisation.code, "rows": result.rows, "summary": result.summary()}
        )
