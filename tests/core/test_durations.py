"""Months as people say them: 「180か月」 is 15年."""

import pytest
from django.utils import translation

from tsunagu.core.templatetags.durations import months


@pytest.mark.parametrize(
    "value,label",
    [(180, "15年"), (30, "2年6か月"), (12, "1年"), (11, "11か月"), (0, "0か月"), (None, ""), ("", "")],
)
def test_months_read_as_years_and_months(value, label):
    with translation.override("ja"):
        assert months(value) == label
