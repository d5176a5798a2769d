"""Form helpers every app's views share: service errors onto the form, one way to save an edit that states its
version, and an edit conflict shown field by field."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .locking import EditConflict


def add_validation_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form: on its field where the form has one, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@dataclass(frozen=True)
class EditOutcome:
    """What an edit came to: `saved`, with what the service returned as `value`; or not saved, with the newer
    version someone stored meanwhile as `conflict` (a row of whichever model was edited, for the page to show
    field by field), or with the service's refusal already told (see save_or_conflict)."""

    saved: bool = False
    value: Any = None
    conflict: Any = None

    def conflict_answer(self, *fields: str) -> dict[str, Any]:
        """An API's 409 body: what happened, and `fields` of the version stored meanwhile."""
        return {"detail": EditConflict.message, "current": {f: getattr(self.conflict, f) for f in fields}}


def save_or_conflict(save: Callable[[], object], form: forms.BaseForm | None = None, *,
                     invalid: Callable[[ValidationError], object] | None = None,
                     conflict_on_form: bool = False) -> EditOutcome:
    """Runs `save`, a service call that states the version the edit began from (core.locking), for every edit
    page and endpoint. A newer version saved meanwhile overwrites nothing and is not an error: it comes back as
    `conflict`, for the page to show beside what the user typed (`conflict_on_form` also puts EditConflict's
    message on the form) or for the API's 409. A service's ValidationError goes onto `form`, else to `invalid`
    (an API's 422, a page's message); with neither, it is raised."""
    try:
        return EditOutcome(saved=True, value=save())
    except EditConflict as error:
        if form is not None and conflict_on_form:
            form.add_error(None, error.message)
        return EditOutcome(conflict=error.current)
    except ValidationError as error:
        if form is not None:
            add_validation_errors(form, error)
        elif invalid is not None:
            invalid(error)
        else:
            raise
        return EditOutcome()


def conflict_rows(current: models.Model | None, form: forms.BaseForm,
                  fields: Sequence[str] | None = None) -> list[tuple[str, str, str]]:
    """(label, what the other person saved, what you typed) for each field that differs (core.locking.EditConflict)."""
    if current is None:
        return []
    names = fields if fields is not None else [n for n in form.fields if n != "version"]
    rows = []
    for name in names:
        theirs = str(getattr(current, name, "") or "")
        mine = str(form.cleaned_data.get(name, form.data.get(name, "")) or "")
        if theirs != mine:
            rows.append((str(form.fields[name].label), theirs, mine))
    return rows
