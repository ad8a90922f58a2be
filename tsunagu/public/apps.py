from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "tsunagu.public"
    label = "public"
    verbose_name = _("公開ページ")

    def ready(self):
        from tsunagu.core import figures

        from .queries import network_figures

        # 窓口の明確化 as a KPI source (the report's `network` section): today's directory for any period.
        figures.register(
            "network",
            lambda period, scope: network_figures(scope),
            [
                ("network_windows", _("窓口を明確化した市町村数"), "市町村", lambda s: s["windows"]),
                ("network_municipalities", _("市町村数"), "市町村", lambda s: s["municipalities"]),
            ],
        )
