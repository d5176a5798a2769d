"""国の様式 (rules.national_forms): docs/NATIONAL_FORMS.md reads as the forms' tables — every form has items in
order, every item a source, and a malformed file is refused with its line."""

import pytest

from tsunagu.rules.national_forms import FormsFileError, national_forms, parse

FORMS = ["consultation_consented", "consultation_unconsented", "intake_assessment", "progress_record", "progress_list",
         "case_list", "plan_application", "multiagency_intake", "multiagency_assessment", "multiagency_plan",
         "support_status_survey"]


def test_the_file_holds_every_form_of_the_issue_each_with_items():
    forms = national_forms()
    assert list(forms.forms) == FORMS
    for form in forms.forms.values():
        assert form.title and form.items, form.key
        assert all(item.label and item.section for item in form.items)


def test_every_item_names_a_listed_source_or_the_teams_decision():
    forms = national_forms()
    assert {"S1", "S3", "S6", "S7", "S8"} <= forms.sources.keys()
    for form in forms.forms.values():
        for item in form.items:
            assert item.team_decision or item.source_keys, f"{form.key}.{item.key}"
            assert set(item.source_keys) <= forms.sources.keys()


def test_the_consultation_form_keeps_the_a_sheets_order_and_the_concern_list():
    form = national_forms()["consultation_consented"]
    keys = [item.key for item in form.items]
    assert keys[:6] == ["id", "received_on", "received_by", "kana", "name", "sex"]
    assert form.item("concerns").choices[0] == "病気や健康、障害のこと"
    assert form.item("concerns").choices[-1] == "その他"
    assert [s.title for s in form.sections][:2] == ["受付", "基本情報（書ける範囲でご記入ください）"]


def test_the_two_versions_differ_by_the_application_and_the_consent_state():
    forms = national_forms()
    consented = {item.key for item in forms["consultation_consented"].items}
    unconsented = {item.key for item in forms["consultation_unconsented"].items}
    assert "signature" in consented and "signature" not in unconsented
    assert "consent_state" in unconsented and "consent_state" not in consented


def test_the_survey_lists_the_issues_figures_in_order_all_reported():
    survey = national_forms()["support_status_survey"]
    assert [item.label for item in survey.items][:5] == [
        "新規相談受付件数", "プラン作成件数", "就労支援対象者数", "就労者数", "増収者数"]
    assert survey.reported_items == survey.items


def test_reported_items_are_marked_on_the_consultation_form():
    reported = [item.key for item in national_forms()["consultation_consented"].reported_items]
    assert reported == ["received_on", "outcome", "referred_to"]


SOURCES = """## 出典

| source | title | publisher | date | where found |
|---|---|---|---|---|
| S1 | t | p | d | w |
"""


def _document(rows: str) -> str:
    return SOURCES + "\n## 様式 sample: 見本\n\n| section | item | label | choices | 国への報告 | source |\n|---|---|---|---|---|---|\n" + rows


def test_a_small_file_parses_with_choices_and_marks():
    forms = parse(_document("| 受付 | received_on | 受付日 |  | ○ | S1 |\n| 受付 | route | 経路 | 来所／電話 |  | （チームの判断） |\n"))
    sample = forms["sample"]
    assert sample.title == "見本"
    assert [(i.key, i.reported, i.choices, i.team_decision) for i in sample.items] == [
        ("received_on", True, (), False), ("route", False, ("来所", "電話"), True)]


@pytest.mark.parametrize("rows, says", [
    ("| 受付 | received_on | 受付日 |  | ○ | S1 |\n| 受付 | received_on | 再掲 |  |  | S1 |\n", "line 12"),
    ("| 受付 | received_on | 受付日 |  | はい | S1 |\n", "line 11"),
    ("| 受付 | received_on | 受付日 |  |  | S9 |\n", "S9"),
    ("| 受付 | received_on | 受付日 |  |\n", "line 11"),
    ("| 受付 | Received | 受付日 |  |  | S1 |\n", "line 11"),
])
def test_a_malformed_row_is_refused_with_its_line(rows, says):
    with pytest.raises(FormsFileError, match=says):
        parse(_document(rows))


def test_a_form_table_with_other_columns_is_refused():
    with pytest.raises(FormsFileError, match="columns"):
        parse(SOURCES + "\n## 様式 sample: 見本\n\n| item | label |\n|---|---|\n| a | b |\n")
