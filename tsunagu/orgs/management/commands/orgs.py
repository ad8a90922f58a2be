"""`tsunagu orgs`: list the organisation tree; `tsunagu orgs add`: add one organisation."""

import argparse
import json
import unicodedata

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tsunagu.orgs import actions
from tsunagu.orgs.importing import FIELD_LABELS, categories_by_name, normalise, parse_kind
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded by display width, so Japanese text lines up in a terminal."""
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "組織の一覧を表示します（--format json も可）。`orgs add` で組織を1つ追加します。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["table", "json"], default="table", help=_("出力形式"))
        subcommands = parser.add_subparsers(dest="action")
        listing = subcommands.add_parser("list", help=_("組織の一覧（既定）"))
        # SUPPRESS: `orgs --format json` and `orgs list --format json` both work.
        listing.add_argument("--format", choices=["table", "json"], default=argparse.SUPPRESS)
        add = subcommands.add_parser("add", help=_("組織を1つ追加する"))
        add.add_argument("--code", required=True, help=_("コード（都道府県・市区町村は6桁の地方公共団体コード）"))
        add.add_argument("--name", required=True, help=_("名称"))
        add.add_argument("--kind", required=True, help=_("種別（municipality または 市区町村 など）"))
        add.add_argument("--parent", default="", help=_("上位組織のコード（省略できるのは国だけ）"))
        add.add_argument("--category", default="", help=_("関係機関の区分（例: 福祉事務所）"))

    def handle(self, *args, action=None, **options):
        if action == "add":
            self.add_organisation(**options)
        else:
            self.print_list(options["format"])

    def print_list(self, output: str) -> None:
        orgs = list(Organisation.objects.select_related("parent", "category").order_by("path"))
        if output == "json":
            data = [
                {
                    "code": org.code,
                    "name": org.name,
                    "kind": org.kind,
                    "kind_label": str(org.get_kind_display()),
                    "parent": org.parent.code if org.parent else None,
                    "category": org.category.name if org.category else None,
                }
                for org in orgs
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        rows = [
            [org.code, str(org.get_kind_display()), "  " * org.depth + org.name, org.parent.code if org.parent else ""]
            for org in orgs
        ]
        self.stdout.write(text_table([_("コード"), _("種別"), _("名称"), _("上位コード")], rows))
        self.stdout.write(_("%(count)d件") % {"count": len(orgs)})

    def add_organisation(self, *, code, name, kind, parent, category, **options) -> None:
        parent_org = None
        if normalise(parent):
            parent_org = Organisation.objects.filter(code=normalise(parent)).first()
            if parent_org is None:
                raise self.field_error("parent", _("組織「%(code)s」が見つかりません。") % {"code": normalise(parent)})
        category_obj = None
        if normalise(category):
            category_obj = categories_by_name().get(normalise(category))
            if category_obj is None:
                raise self.field_error("category", _("区分「%(category)s」が見つかりません。") % {"category": category})
        try:
            org = actions.create_organisation(
                actor=Actor.system("orgs add"),
                code=code,
                name=name,
                kind=parse_kind(kind),
                parent=parent_org,
                category=category_obj,
            )
        except ValidationError as error:
            raise CommandError(
                "\n".join(
                    self.field_message(field, message)
                    for field, messages in error.message_dict.items()
                    for message in messages
                )
            )
        self.stdout.write(
            _("追加しました: %(code)s %(name)s（%(kind)s、上位: %(parent)s）")
            % {
                "code": org.code,
                "name": org.name,
                "kind": org.get_kind_display(),
                "parent": org.parent.code if org.parent else _("なし"),
            }
        )

    @staticmethod
    def field_message(field: str, message: str) -> str:
        """Name the field both as the screens call it and as the option to fix it."""
        if field in FIELD_LABELS:
            return f"{FIELD_LABELS[field]}（--{field}）: {message}"
        return message

    def field_error(self, field: str, message: str) -> CommandError:
        return CommandError(self.field_message(field, message))
