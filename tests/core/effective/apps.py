from django.apps import AppConfig


class EffectiveTestConfig(AppConfig):
    """A test-only app: a concrete effective-dated model for tests/core/test_effective_dated.py."""

    name = "tests.core.effective"
    label = "effective_test"
    default_auto_field = "django.db.models.BigAutoField"
