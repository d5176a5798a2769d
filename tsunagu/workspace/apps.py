from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class Config(AppConfig):
    name = "tsunagu.workspace"
    label = "workspace"

    def ready(self) -> None:
        # The network's kept answers (workspace.queries) are counted from these: each write gives them a new token.
        from . import queries  # noqa: PLC0415 — models load only once the app registry is ready
        from .models import MeetingInventory  # noqa: PLC0415

        for label in queries.NETWORK_READS:  # by label: workspace reads the others' figures, never imports their models
            post_save.connect(queries.network_changed, sender=label, dispatch_uid=f"network-{label}-save")
            post_delete.connect(queries.network_changed, sender=label, dispatch_uid=f"network-{label}-delete")
        m2m_changed.connect(queries.network_changed, sender=MeetingInventory.attending.through,
                            dispatch_uid="network-inventory-attending")
