from django import forms

from tsunagu.core.dates import DateField

from .models import SharingBasis


class AccessLogSearchForm(forms.Form):
    staff_query = forms.CharField(label="職員（氏名またはログインID）", required=False, max_length=50)
    object_type = forms.CharField(label="対象の種類（例: people.person）", required=False, max_length=50)
    object_id = forms.CharField(label="対象ID", required=False, max_length=40)
    basis = forms.ChoiceField(label="根拠", required=False, choices=[("", "すべて"), *SharingBasis.choices])
    date_from = DateField(label="期間（から）", required=False)
    date_to = DateField(label="期間（まで）", required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("期間の開始日が終了日より後になっています。")
        return data
