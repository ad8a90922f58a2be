from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "tsunagu.outreach"
    label = "outreach"
    verbose_name = _("研修・啓発、広報、ひきこもりサポーター")

    def ready(self):
        from . import figures

        figures.register()
