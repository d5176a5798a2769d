import pytest
from django.conf import settings as django_settings

PUBLIC_CACHE = "tsunagu.resources.middleware.PublicPageCacheMiddleware"


@pytest.fixture
def public_cache():
    """The public-page cache is part of the deployed stack: these tests rely on it being listed, early."""
    middleware = django_settings.MIDDLEWARE
    assert middleware.index(PUBLIC_CACHE) < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")


@pytest.fixture(autouse=True)
def _directory_answers_afresh():
    """A test's rolled-back writes leave the `directory` token as it was: no test reads the districts or the summary
    another one computed."""
    from tsunagu.resources import queries

    queries.forget()
