import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered pages and the directory state live in the process's cache; each test starts without."""
    cache.clear()
    yield
    cache.clear()
