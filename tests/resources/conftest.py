import pytest
from django.conf import settings as django_settings

PUBLIC_CACHE = "tsunagu.resources.middleware.PublicPageCacheMiddleware"


@pytest.fixture
def public_cache():
    """The public-page cache is part of the deployed stack: these tests rely on it being listed, early."""
    middleware = django_settings.MIDDLEWARE
    assert middleware.index(PUBLIC_CACHE) < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
