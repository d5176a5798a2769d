from django import forms

from tsunagu.agencies.models import Agency

from .models import TieFlow, TieKind, TieStrength, UnionStatus


class TieForm(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=TieKind.choices)
    agency = forms.ModelChoiceField(label="関係機関", queryset=Agency.objects.none(), required=False)
    label = forms.CharField(label="社会資源・人の名前", max_length=100, required=False, help_text="例: 見守り隊、近所の田中さん、長女（札幌在住）")
    strength = forms.ChoiceField(label="つながり", choices=TieStrength.choices)
    flow = forms.ChoiceField(label="向き", choices=TieFlow.choices, required=False)
    note = forms.CharField(label="メモ", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("kana")


class FigureForm(forms.Form):
    label = forms.CharField(label="呼び方", max_length=50, help_text="例: 元妻、亡くなった父")
    sex = forms.ChoiceField(label="性別", choices=[("", "不明"), ("M", "男"), ("F", "女")], required=False)
    birth_year = forms.IntegerField(label="生まれ年（西暦）", required=False, min_value=1880, max_value=2100)
    deceased = forms.BooleanField(label="死亡", required=False)
    partner_of = forms.TypedChoiceField(label="配偶者・元配偶者にあたる世帯員", coerce=int, required=False, empty_value=None)
    union_status = forms.ChoiceField(label="関係", choices=[("", "—")] + UnionStatus.choices, required=False)
    parent_of = forms.TypedMultipleChoiceField(label="この人の子である世帯員", coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.person_id, m.person.name) for m in members]
        self.fields["partner_of"].choices = [("", "—")] + choices
        self.fields["parent_of"].choices = choices
