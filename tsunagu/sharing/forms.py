from django import forms

from tsunagu.agencies.models import Agency
from tsunagu.core.dates import DateField

from .models import ConsentDecision, ConsentMethod, RequestMethod, VitalGround


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


class TeamLetterForm(forms.Form):
    """支援チームのお知らせ: her request, recorded with each print."""

    requested_on = DateField(label="申出日")
    method = forms.ChoiceField(label="申出の方法", choices=RequestMethod.choices)


class DisclosureRequestForm(forms.Form):
    """開示請求の受付: the identity the requester proved at the window finds her records in every agency."""

    receipt_number = forms.CharField(label="受付番号", max_length=40)
    received_on = DateField(label="受付日")
    name = forms.CharField(label="請求者（本人）の氏名", max_length=100)
    kana = forms.CharField(label="ふりがな", max_length=200, required=False)
    birth_date = DateField(label="生年月日")


class MoveOutForm(forms.Form):
    """転出: where the case goes, and the consent that allows it; the household members who consented too."""

    to_municipality = forms.CharField(label="転出先の市区町村", max_length=100)
    consent_on = DateField(label="本人同意の日", help_text="転出先へ引き継ぐことに本人が同意した日。")
    consent_method = forms.ChoiceField(label="本人同意の方法", choices=ConsentMethod.choices)
    members = forms.MultipleChoiceField(label="引継ぎに同意した世帯員", required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, members: list[tuple[int, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["members"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(pk), name) for pk, name in (members or [])]
