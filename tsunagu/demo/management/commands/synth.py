"""`tsunagu synth --cases N --contacts M`: synthetic case work for scale tests and benchmarks."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from tsunagu.demo import synth_national as national
from tsunagu.demo.synth_cases import Progress, generate
from tsunagu.demo.synth_network import DEFAULT_ORG, prepare_target
from tsunagu.orgs.rules import Actor
from tsunagu.stats import national as national_sums


class Command(BaseCommand):
    help = (
        "合成データ（ケース・相談記録・つなぎ・居場所への参加）を10年度分まとめて作ります。組織がなければ合成県の"
        "センターとして作ります。同じ --seed なら同じデータになります。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, help=_("作るケースの数"))
        parser.add_argument("--contacts", type=int, help=_("作る相談記録の合計数"))
        parser.add_argument(
            "--scale",
            choices=sorted(national.SCALES),
            help=_("合成の全国（47都道府県・20指定都市・約1,741市区町村）を作ります。small は試験用の小さな国"),
        )
        parser.add_argument("--org", default=DEFAULT_ORG, help=_("ケースを持たせる組織のコード（既定: %(default)s）"))
        parser.add_argument("--seed", type=int, default=1, help=_("乱数の種（既定: %(default)s）"))

    def handle(self, *args, cases, contacts, org, seed, scale, **options):
        actor = Actor.system("synth")
        started = time.monotonic()
        if connection.vendor == "sqlite":
            # A bulk job: a big page cache keeps the growing indexes in memory instead of re-reading them.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        if scale:
            return self.nation(actor, scale, contacts, seed, started)
        if cases is None or contacts is None:
            raise CommandError(_("--cases と --contacts を指定してください（全国規模なら --scale national）。"))
        try:
            with transaction.atomic():
                target = prepare_target(actor, org)
            done = generate(
                actor=actor,
                target=target,
                cases=cases,
                contacts=contacts,
                seed=seed,
                progress=Progress(self.stderr, cases, contacts),
            )
            national_sums.fold()  # the bulk load's national deltas into the national sums
        except ValidationError as error:
            raise CommandError("\n".join(error.messages))
        self.stdout.write(
            _(
                "%(org)s（%(code)s）: ケース %(cases)s件、相談記録 %(contacts)s件、つなぎ %(referrals)s件、"
                "居場所への参加 %(attendances)s件を%(seconds).1f秒で作りました。"
            )
            % {
                "org": target.organisation.name,
                "code": target.organisation.code,
                "cases": f"{done.cases:,}",
                "contacts": f"{done.contacts:,}",
                "referrals": f"{done.referrals:,}",
                "attendances": f"{done.attendances:,}",
                "seconds": time.monotonic() - started,
            }
        )

    def nation(self, actor, scale, contacts, seed, started):
        state = national.status()
        if state == "done":
            self.stdout.write(_("合成の全国データはすでにあります（作り直すにはデータベースを消してください）。"))
            return
        if state == "partial":
            raise CommandError(national.refusal())
        spec = national.spec_for(scale, contacts)
        done, activities = national.generate(
            actor=actor, spec=spec, seed=seed, progress=Progress(self.stderr, spec.cases, spec.contacts)
        )
        national_sums.fold()  # the bulk load's national deltas into the national sums
        self.stdout.write(
            _(
                "合成の全国: ケース %(cases)s件、相談記録 %(contacts)s件、つなぎ %(referrals)s件、"
                "居場所への参加 %(attendances)s件を%(seconds).1f秒で作りました。"
            )
            % {
                "cases": f"{done.cases:,}",
                "contacts": f"{done.contacts:,}",
                "referrals": f"{done.referrals:,}",
                "attendances": f"{done.attendances:,}",
                "seconds": time.monotonic() - started,
            }
        )
        self.stdout.write(
            _(
                "ネットワークの活動: 会議 %(meetings)s件（参加機関 延べ%(meeting_attendances)s）、研修・啓発 %(events)s件、"
                "広報 %(materials)s件、サポーターの活動 %(supporter_activities)s件、就労体験の日 %(worked_days)s日、"
                "就労支援の登録 %(registrations)s件。"
            )
            % {name: f"{value:,}" for name, value in vars(activities).items()}
        )
