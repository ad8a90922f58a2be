from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IbashoConfig(AppConfig):
    name = "tsunagu.ibasho"
    label = "ibasho"
    verbose_name = _("居場所")
