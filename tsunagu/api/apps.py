from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tsunagu.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from tsunagu.orgs.hooks import membership_ended

        from . import tokens

        membership_ended.connect(tokens.revoke_membership_tokens, dispatch_uid="api.revoke_membership_tokens")
