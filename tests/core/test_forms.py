"""core.forms.save_or_conflict: the one way an edit page or endpoint saves over a version."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from tsunagu.agencies.models import Agency
from tsunagu.core.forms import EditOutcome, save_or_conflict
from tsunagu.core.locking import EditConflict


class NameForm(forms.Form):
    name = forms.CharField(label="名前")


def _form() -> NameForm:
    form = NameForm({"name": "あ"})
    assert form.is_valid()
    return form


def _conflict():
    raise EditConflict(Agency(name="他の人が保存した機関", version=3))


def _refused(error: ValidationError):
    def save():
        raise error
    return save


def test_a_save_comes_back_saved_with_what_the_service_returned():
    outcome = save_or_conflict(lambda: "saved row", _form())
    assert outcome == EditOutcome(saved=True, value="saved row")


def test_a_newer_version_comes_back_as_the_conflict_and_the_form_stays_clean():
    form = _form()
    outcome = save_or_conflict(_conflict, form)
    assert not outcome.saved and outcome.conflict.name == "他の人が保存した機関"
    assert not form.errors


def test_the_conflict_on_the_form_too_when_the_page_asks():
    form = _form()
    save_or_conflict(_conflict, form, conflict_on_form=True)
    assert form.non_field_errors() == [EditConflict.message]


def test_a_refusal_goes_onto_its_field_or_onto_the_form():
    form = _form()
    outcome = save_or_conflict(_refused(ValidationError({"name": "名前が長すぎます。"})), form)
    assert outcome == EditOutcome() and form.errors["name"] == ["名前が長すぎます。"]
    form = _form()
    save_or_conflict(_refused(ValidationError("保存できません。")), form)
    assert form.non_field_errors() == ["保存できません。"]


def test_without_a_form_a_refusal_goes_to_invalid_or_is_raised():
    told = []
    outcome = save_or_conflict(_refused(ValidationError("保存できません。")), invalid=told.append)
    assert not outcome.saved and outcome.conflict is None and told[0].messages == ["保存できません。"]
    with pytest.raises(ValidationError):
        save_or_conflict(_refused(ValidationError("保存できません。")))


def test_an_api_answers_a_conflict_with_the_message_and_the_stored_fields():
    outcome = save_or_conflict(_conflict)
    assert outcome.conflict_answer("name", "version") == {
        "detail": EditConflict.message, "current": {"name": "他の人が保存した機関", "version": 3}}
