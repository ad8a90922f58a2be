from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tsunagu.api"
    label = "api"
    verbose_name = "API"
