"""`tsunagu staff`: list an organisation's staff, or give a person a role in it from the command line —
the way to seat the first 管理者 of a real region (they add everyone else on the staff pages)."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tsunagu.orgs import actions
from tsunagu.orgs.models import Organisation, Role
from tsunagu.orgs.queries import staff
from tsunagu.orgs.rules import Actor
from tsunagu.orgs.twofactor import reset_two_factor_of_user


def _role(value: str) -> str:
    for choice, label in Role.choices:
        if value in (choice, str(label)):
            return choice
    raise CommandError(
        _("役割「%(role)s」は使えません。使える役割: %(roles)s")
        % {"role": value, "roles": "、".join(f"{label}（{choice}）" for choice, label in Role.choices)}
    )


class Command(BaseCommand):
    help = "組織の職員を一覧し、または利用者に役割を与えます（最初の管理者の登録に使います）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action")
        listing = sub.add_parser("list", help=_("職員の一覧"))
        listing.add_argument("--org", required=True, help=_("組織コード"))
        add = sub.add_parser("add", help=_("利用者に役割を与える（利用者がいなければ作る）"))
        add.add_argument("--org", required=True, help=_("組織コード"))
        add.add_argument("--username", required=True, help=_("ログイン名"))
        add.add_argument("--role", required=True, help=_("役割: admin/管理者, coordinator/相談員, …"))
        add.add_argument("--name", default="", help=_("氏名"))
        add.add_argument("--email", default="", help=_("メールアドレス"))
        reset = sub.add_parser(
            "reset-2fa", help=_("利用者の二要素認証の登録を解除する（最後の管理者が端末をなくしたとき）")
        )
        reset.add_argument("username", help=_("ログイン名"))

    def handle(self, *args, action=None, org=None, **options):
        if action is None:
            raise CommandError(
                _(
                    "「list」か「add」を指定してください（例: tsunagu staff add --org 990001 "
                    "--username tanaka --role admin）。"
                )
            )
        if action == "reset-2fa":
            return self._reset_two_factor(options["username"])
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(_("組織「%(code)s」が見つかりません。") % {"code": org})
        if action == "list":
            for membership in staff(organisation):
                state = "" if membership.is_active else _("（無効）")
                self.stdout.write(f"{membership.user.username}\t{membership.get_role_display()}{state}")
            return
        self._add(organisation, options)

    def _add(self, organisation, options):
        from django.contrib.auth import get_user_model

        username = options["username"]
        role = _role(options["role"])
        password = None
        if not get_user_model().objects.filter(username=username).exists():
            password = self._read_password()
        try:
            membership = actions.add_staff(
                actor=Actor.system("command line"),
                organisation=organisation,
                username=username,
                role=role,
                full_name=options["name"],
                email=options["email"],
                password=password,
            )
        except ValidationError as error:
            raise CommandError(" ".join(f"{m}" for messages in error.message_dict.values() for m in messages))
        self.stdout.write(
            _("%(user)sを%(org)sの%(role)sにしました。")
            % {"user": username, "org": organisation.name, "role": membership.get_role_display()}
        )

    def _reset_two_factor(self, username: str):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("利用者「%(user)s」が見つかりません。") % {"user": username})
        removed = reset_two_factor_of_user(actor=Actor.system("staff reset-2fa"), user=user)
        self.stdout.write(
            _("%(user)sの二要素認証の登録を解除しました（%(n)s件）。次のログインで登録し直します。")
            % {"user": username, "n": removed}
        )

    def _read_password(self) -> str:
        """Asked twice at a terminal; read as one line from standard input in scripts."""
        if not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass(_("新しい利用者のパスワード（12文字以上）: "))
        if first != getpass.getpass(_("もう一度: ")):
            raise CommandError(_("パスワードが一致しません。"))
        return first
