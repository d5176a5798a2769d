from django import forms

from tsunagu.agencies.models import Agency
from tsunagu.core.dates import DateField

from .models import ConsentDecision, ConsentMethod, VitalGround


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(label="本人の意思", choices=ConsentDecision.choices, widget=forms.RadioSelect,
                                 initial=ConsentDecision.GIVEN, required=False)
    agencies = forms.ModelMultipleChoiceField(label="共有先の機関（不同意なら、共有を断られた機関）",
                                              queryset=Agency.objects.filter(active=True),
                                              widget=forms.CheckboxSelectMultiple)
    given_on = DateField(label="同意・不同意の日", help_text="本人から聞き取った日。未来の日付は記録できません。")
    method = forms.ChoiceField(label="方法", choices=ConsentMethod.choices)
    expires_on = DateField(label="有効期限（同意のみ）", required=False)
    reason = forms.CharField(label="理由・本人の言葉（任意）", required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean_decision(self) -> str:
        """A form (or API client) that does not say records a consent, as before refusals could be recorded."""
        return self.cleaned_data.get("decision") or ConsentDecision.GIVEN


class VitalInterestForm(forms.Form):
    to_agency = forms.ModelChoiceField(label="提供先の機関（一つ）", queryset=Agency.objects.filter(active=True))
    ground = forms.ChoiceField(label="根拠", choices=VitalGround.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="緊急に提供する理由", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=5000, help_text="推進員が後で確認します。具体的に書いてください。")
