from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "tsunagu.work"
    label = "work"
    verbose_name = _("就労体験・就労訓練")

    def ready(self):
        from tsunagu.cases import queries as case_queries

        from . import queries

        case_queries.register_timeline_source(queries.timeline_events)
        queries.register_figures()
