from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "tsunagu.orgs"
    verbose_name = _("組織と職員")
