"""`tsunagu demo-data` options that need an empty database (the demo built once for the tests that
read it is in prefecture/conftest.py; --password is checked on its first build)."""

import pytest
from django.core.management import CommandError

from tsunagu.orgs.models import Organisation

from .prefecture.conftest import demo_data


def test_a_short_password_is_refused_and_nothing_is_left_behind(db):
    with pytest.raises(CommandError) as raised:
        demo_data("--password", "short")
    assert str(raised.value) == "このパスワードは短すぎます。最低 12 文字以上必要です。"
    assert not Organisation.objects.exists()
