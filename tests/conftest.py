import uuid

import pytest
from django.conf import settings
from django.test.utils import override_settings

from content.editing import roles
from content.handoff.remembered import forget_answers
from content.site.page_cache import forget_cached_pages
from tests.builders import load_demo_content, make_staff


@pytest.fixture(scope="session", autouse=True)
def cache_of_our_own():
    """Every test run keys the cache under a prefix of its own: with REDIS_URL set the suite shares
    a Redis with whoever else uses it, and must neither read their keys nor delete them."""
    run = uuid.uuid4().hex[:12]
    own = {
        alias: config | {"KEY_PREFIX": f"{config.get('KEY_PREFIX') or 'portal'}-test-{run}"}
        for alias, config in settings.CACHES.items()
    }
    with override_settings(CACHES=own):
        yield


@pytest.fixture(autouse=True)
def empty_cache(cache_of_our_own):
    # Pages are cached by content version; each test starts without leftovers of another. Only
    # this run's keys: cache.clear() on Redis would empty the whole database.
    forget_cached_pages()
    forget_answers()
    yield
    forget_cached_pages()
    forget_answers()


@pytest.fixture
def demo_procedure(db):
    return load_demo_content()


# One account per role, named as patients would see them, for the workflow tests of every file.
@pytest.fixture
def editor(db):
    return make_staff("editor", group=roles.EDITOR, first_name="Erin", last_name="Editor")


@pytest.fixture
def translator(db):
    return make_staff("translator", group=roles.TRANSLATOR, first_name="Tariq", last_name="Translator")


@pytest.fixture
def reviewer(db):
    return make_staff("reviewer", group=roles.CLINICAL_REVIEWER, first_name="Rana",
                      last_name="Reviewer", role_en="Consultant liver surgeon",
                      role_ar="استشارية جراحة الكبد")
