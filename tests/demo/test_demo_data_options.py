"""`tsunagu demo-data` options that need an empty database."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from tsunagu.orgs.models import Organisation

from .test_demo_data import demo_data


def test_password_option(db):
    demo_data("--password", "another-long-passphrase")
    assert get_user_model().objects.get(username="two-orgs").check_password("another-long-passphrase")


def test_a_short_password_is_refused_and_nothing_is_left_behind(db):
    with pytest.raises(CommandError) as raised:
        demo_data("--password", "short")
    assert str(raised.value) == "このパスワードは短すぎます。最低 12 文字以上必要です。"
    assert not Organisation.objects.exists()
