import pytest
from django.core.cache import cache

from tests.builders import load_demo_content


@pytest.fixture(autouse=True)
def empty_cache():
    # Pages are cached by content version; each test starts without leftovers of another.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_procedure(db):
    return load_demo_content()
