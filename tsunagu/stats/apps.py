from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "tsunagu.stats"
    verbose_name = _("統計")

    def ready(self):
        from tsunagu.orgs import chooser, hooks
        from tsunagu.orgs.models import Organisation

        from . import queries, rollups

        queries.register_figures()
        chooser.register_page("stats_report")
        chooser.register_page("stats_trends")

        # After every migrate (and on the test databases): the rollup triggers are in place and current.
        post_migrate.connect(rollups.ensure, sender=self, dispatch_uid="tsunagu.stats.rollups.ensure")
        # An organisation that moves takes its subtree's counts along, in the transaction that moves it.
        hooks.organisation_moved.connect(
            rollups.on_organisation_moved, sender=Organisation, dispatch_uid="tsunagu.stats.rollups.moved"
        )
