from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "tsunagu.kpi"
    label = "kpi"
    verbose_name = _("KPI（重要業績評価指標）")

    def ready(self):
        from tsunagu.orgs import chooser

        from .views import overview_linker

        chooser.register_page("kpi_overview", overview_linker)
