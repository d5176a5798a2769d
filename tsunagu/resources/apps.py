from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .search_index import ensure_after_migrate


class Config(AppConfig):
    name = "tsunagu.resources"
    label = "resources"

    def ready(self):
        # Table rebuilds during migrations drop SQLite triggers; put the search indexes right afterwards.
        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="resources-search-index")
