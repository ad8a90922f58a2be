"""`tsunagu demo-data`: build the fictional demo prefecture and print its log-ins (what `make demo` shows)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.demo.appointments import build_appointments
from tsunagu.demo.cases import build_cases
from tsunagu.demo.employment import build_employment
from tsunagu.demo.kpi import build_kpis
from tsunagu.demo.meetings import build_meetings
from tsunagu.demo.network import build_network
from tsunagu.demo.outreach import build_outreach
from tsunagu.demo.public import build_public
from tsunagu.demo.returns import build_returns
from tsunagu.demo.staff import DEFAULT_PASSWORD, build_staff
from tsunagu.demo.twofactor import build_admin_devices, demo_totp_secret
from tsunagu.demo.work import build_work
from tsunagu.orgs.management.commands.orgs import text_table
from tsunagu.orgs.rules import Actor


class Command(BaseCommand):
    help = "架空の県（コード99）の支援ネットワークとデモ用の利用者を作ります。何度実行しても同じ内容になります。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=_("デモ利用者の共通パスワード（12文字以上）"),
        )

    def handle(self, *args, password, **options):
        actor = Actor.system("demo-data")
        try:
            with transaction.atomic():
                network = build_network(actor)
                logins = build_staff(network, actor, password=password)
                build_admin_devices(logins)
                build_cases(network, actor, password=password)
                build_appointments(network)
                build_public(network, actor)
                build_outreach(network, actor)
                build_work(network, actor)
                build_kpis(network, actor)
                build_employment(network, actor, password=password)
                build_meetings(network, actor)
                build_returns(network, actor)  # last: the approvals lock the half year's months
        except ValidationError as error:
            raise CommandError("\n".join(error.messages))
        self.stdout.write(
            _("組織: 追加 %(created)d件（デモの組織は全部で%(total)d件）")
            % {
                "created": network.created,
                "total": len(network.organisations),
            }
        )
        rows = [
            [
                login.username,
                password if login.password_set else _("（既存の利用者: 以前のパスワードのまま）"),
                f"{login.organisation.name}（{login.organisation.code}）",
                login.role_label,
            ]
            for login in logins
        ]
        self.stdout.write(text_table([_("ログイン名"), _("パスワード"), _("組織"), _("役割")], rows))
        self.stdout.write(
            _(
                "管理者はパスワードの後に認証アプリの6桁のコードを入力します。デモの管理者に共通の鍵"
                "（認証アプリに「鍵を入力」で登録）: %(secret)s"
            )
            % {"secret": demo_totp_secret()}
        )
