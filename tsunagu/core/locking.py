"""Optimistic locking: a save states the version it was edited from; a newer version in the database wins nothing
silently. The caller shows both versions and lets the person decide.

Models using it have `version = models.PositiveIntegerField(default=1, editable=False)`.
"""

from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


class EditConflict(Exception):
    """Someone saved a newer version since this edit began. `current` is that version, fresh from the database."""

    message = "この記録は、あなたが編集を始めた後に他の人が更新しました。両方の内容を見比べて、もう一度保存してください。"

    def __init__(self, current: models.Model) -> None:
        super().__init__(self.message)
        self.current = current


@transaction.atomic
def save_versioned(instance: M, *, expected_version: int | None, fields: list[str]) -> M:
    """Writes `fields` of `instance` only if the stored version is still `expected_version`; bumps the version.

    simple_history (where the model has it) records the new version, because the save goes through `save()`.
    """
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    # `version` is the field the module's docstring asks of every model saved here; Model does not declare it.
    if expected_version is None or locked.version != expected_version:  # type: ignore[attr-defined]
        raise EditConflict(locked)
    instance.version = expected_version + 1  # type: ignore[attr-defined]
    instance.save(update_fields=[*fields, "version"])
    return instance

