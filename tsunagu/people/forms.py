from datetime import date

from django import forms

from tsunagu.core.dates import DateField
from tsunagu.identity.normalize import parse_birth_date

from .models import RelationshipKind, Sex


class BirthDateField(DateField):
    """生年月日 as people write it: 1940-03-02, 1940/3/2, 昭和15年3月2日, S15.3.2, 平成元年… → a date.

    Read as every date input is (`rules.wareki`, through `identity.normalize.parse_birth_date`), and then refused if
    it cannot be a birth date (in the future, before 明治). Impossible 和暦 such as 平成32年 are rejected with the
    reason (平成は31年までです), never converted.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "生年月日")
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "例: 昭和15年3月2日、S15.3.2、1940-03-02")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        result = parse_birth_date(str(value))
        if result.error:
            raise forms.ValidationError(result.error, code="invalid")
        return result.date


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PersonForm(VersionedForm):
    name = forms.CharField(label="氏名", max_length=100, help_text="戸籍や本人の書き方どおりに（外字もそのまま）")
    kana = forms.CharField(label="ふりがな", max_length=200, required=False)
    birth_date = BirthDateField()
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, required=False)
    address = forms.CharField(label="住所", max_length=300, required=False)
    phone = forms.CharField(label="電話番号", max_length=40, required=False)
    notes = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000)


class PersonCreateForm(PersonForm):
    version = None  # type: ignore[assignment]  # Django's way to drop an inherited form field


class HouseholdForm(VersionedForm):
    name = forms.CharField(label="世帯名", max_length=100, help_text="例: 高橋さん世帯")
    address = forms.CharField(label="住所", max_length=300, required=False)
    notes = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000)


class HouseholdCreateForm(HouseholdForm):
    version = None  # type: ignore[assignment]  # Django's way to drop an inherited form field


class MemberAddForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="氏名（新しく登録する場合）", max_length=100, required=False)
    kana = forms.CharField(label="ふりがな", max_length=200, required=False)
    birth_date = BirthDateField()
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, required=False)
    relation_to_head = forms.ChoiceField(label="世帯主との続柄", choices=[("", "世帯主本人")] + RelationshipKind.choices, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("name") or "").strip():
            raise forms.ValidationError("世帯員の氏名を入力してください。")
        return data
