from django import forms

from tsunagu.agencies.models import Agency
from tsunagu.core.dates import DateField

from .models import ConsentMethod, VitalGround


class ConsentForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(label="共有先の機関", queryset=Agency.objects.filter(active=True),
                                              widget=forms.CheckboxSelectMultiple)
    given_on = DateField(label="同意日")
    method = forms.ChoiceField(label="方法", choices=ConsentMethod.choices)
    expires_on = DateField(label="有効期限", required=False)


class VitalInterestForm(forms.Form):
    to_agency = forms.ModelChoiceField(label="提供先の機関（一つ）", queryset=Agency.objects.filter(active=True))
    ground = forms.ChoiceField(label="根拠", choices=VitalGround.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="緊急に提供する理由", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=5000, help_text="推進員が後で確認します。具体的に書いてください。")
