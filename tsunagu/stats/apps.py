from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "tsunagu.stats"
    verbose_name = _("統計")

    def ready(self):
        from tsunagu.orgs import chooser

        from . import queries, rollups, sections

        queries.register_figures()
        sections.register_figures()
        chooser.register_page("stats_report")
        chooser.register_page("stats_trends")

        # After every migrate (and on the test databases): the rollup triggers are in place and current.
        post_migrate.connect(rollups.ensure, sender=self, dispatch_uid="tsunagu.stats.rollups.ensure")
        # An organisation that moves needs nothing here: its rollup rows are its own and follow it, and
        # the closure its new ancestors read them through is kept by trigger.
