import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import PASSWORD, make_staff

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-like-key-with-enough-length-and-variety-7f3k9q2x8v1z",
    "ALLOWED_HOSTS": "tsunagu.example.jp",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _clean_env(**values):
    """Only what a production machine would set: none of the test run's relaxations leak in."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **values}


def test_deploy_check_is_clean_with_production_settings():
    env = _clean_env(**PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="tsunagu.settings")
    result = subprocess.run(
        [sys.executable, "-m", "tsunagu", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _clean_env(DEBUG="0", ALLOWED_HOSTS="x.example.jp", DJANGO_SETTINGS_MODULE="tsunagu.settings")
    result = subprocess.run(
        [sys.executable, "-m", "tsunagu", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY must be set." in result.stderr


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError) as error:
        validate_password("Kx9!mQ2#pL4")  # 11 characters
    assert any("12" in message for message in error.value.messages)
    validate_password("Kx9!mQ2#pL4w")


def test_every_page_has_a_content_security_policy(client, db):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_logged_in_pages_are_never_cached(client, network):
    act_as(client, make_staff(network["own"], Role.COORDINATOR))
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_csrf_is_enforced(network):
    member = make_staff(network["own"], Role.ADMIN)
    client = Client(enforce_csrf_checks=True)
    act_as(client, member)
    response = client.post(reverse("staff_add"), {"username": "x", "role": Role.PEER, "password": PASSWORD})
    assert response.status_code == 403
    assert "送信できませんでした" in response.content.decode()


def test_debug_is_off_in_tests():
    """The suite runs with the production security settings (tests/settings.py only relaxes HTTPS)."""
    assert settings.DEBUG is False
    assert settings.SECURE_HSTS_SECONDS == 31536000
