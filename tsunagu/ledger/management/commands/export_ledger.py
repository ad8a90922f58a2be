"""`tsunagu export-ledger --org CODE [--format xlsx|csv] [--output PATH]`: write the organisation's case
ledger in the standard format, as one workbook or as three CSV files (UTF-8 with BOM)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.ledger.exporting import export_ledger
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor


class Command(BaseCommand):
    help = "組織のケース台帳を標準様式で書き出します（Excelファイル1つ、またはCSVファイル3つ）。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help=_("書き出す組織のコード"))
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", help=_("形式（既定: xlsx）"))
        parser.add_argument("--output", help=_("xlsx: 書き出すファイル。csv: 3つのファイルを置くフォルダ"))

    def handle(self, *args, org, format, output, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(_("組織コード「%(code)s」は登録されていません。") % {"code": org})
        default = f"台帳_{organisation.code}_{timezone.localdate():%Y%m%d}"
        actor = Actor.system("export-ledger")
        if format == "xlsx":
            path = Path(output or f"{default}.xlsx")
            try:
                with path.open("wb") as out:
                    _data, counts = export_ledger(actor=actor, organisation=organisation, format="xlsx", out=out)
            except OSError as error:
                raise CommandError(
                    _("「%(path)s」に書き出せません: %(error)s") % {"path": path, "error": error.strerror}
                )
        else:
            path = Path(output or default)
            files, counts = export_ledger(actor=actor, organisation=organisation, format="csv")
            try:
                path.mkdir(parents=True, exist_ok=True)
                for name, data in files.items():
                    (path / name).write_bytes(data)
            except OSError as error:
                raise CommandError(
                    _("「%(path)s」に書き出せません: %(error)s") % {"path": path, "error": error.strerror}
                )
        others = "".join(
            _("、%(sheet)s %(count)d件") % {"sheet": name, "count": n}
            for name, n in counts.items()
            if name not in ("ケース", "相談記録", "つなぎ")
        )
        self.stdout.write(
            _(
                "書き出しました: %(path)s（ケース %(cases)d件、相談記録 %(contacts)d件、つなぎ %(referrals)d件%(others)s）"
            )
            % {
                "path": path,
                "cases": counts["ケース"],
                "contacts": counts["相談記録"],
                "referrals": counts["つなぎ"],
                "others": others,
            }
        )
