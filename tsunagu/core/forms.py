"""Form helpers every app's views share: service errors onto the form, and an edit conflict shown field by field."""

from django.core.exceptions import ValidationError


def add_validation_errors(form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form: on its field where the form has one, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def conflict_rows(current, form, fields=None) -> list[tuple[str, str, str]]:
    """(label, what the other person saved, what you typed) for each field that differs (core.locking.EditConflict)."""
    if current is None:
        return []
    names = fields if fields is not None else [n for n in form.fields if n != "version"]
    rows = []
    for name in names:
        theirs = str(getattr(current, name, "") or "")
        mine = str(form.cleaned_data.get(name, form.data.get(name, "")) or "")
        if theirs != mine:
            rows.append((form.fields[name].label, theirs, mine))
    return rows
