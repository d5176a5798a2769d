"""The project's settings with caching switched off: the public page measured as if every request were new."""

from tsunagu.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
