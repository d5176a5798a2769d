from django import forms

from tsunagu.core.dates import DateField
from tsunagu.resources.forms import JapaneseForm

from .models import PlacementPurpose


class PlacementForm(JapaneseForm):
    service = forms.ChoiceField(label="つなぐ社会資源", widget=forms.RadioSelect)
    person = forms.ChoiceField(label="本人")
    purpose = forms.ChoiceField(label="目的", choices=PlacementPurpose.choices)
    arrangement = forms.CharField(label="オーダーメイドの内容", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="本人に合わせて調整したこと（時間・役割・配慮など）")
    host_contact = forms.CharField(label="受け入れ先の担当者・連絡先", max_length=200, required=False)
    started_on = DateField(label="開始日")

    def __init__(self, *args, services, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.pk, s.name) for s in services]
        self.fields["person"].choices = [(p.pk, p.name) for p in persons]


class CheckInForm(JapaneseForm):
    on = DateField(label="日付")
    note = forms.CharField(label="様子", widget=forms.Textarea(attrs={"rows": 2}))


class PlacementEndForm(JapaneseForm):
    ended_on = DateField(label="終了日")
    reason = forms.CharField(label="終了の理由", max_length=200)
