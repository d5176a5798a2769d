"""The planner's form for a 事業目標・評価指標. Fields are read as typed: `reports.services.target_save` checks them
and says, in Japanese and naming the field, what is wrong."""

from django import forms

from .figures import FIGURES


class TargetForm(forms.Form):
    fiscal_year = forms.CharField(label="年度（西暦）", max_length=8,
                                  error_messages={"required": "年度を入力してください（例：2026）。"},
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "reports-year"}))
    title = forms.CharField(label="事業目標・評価指標", max_length=200,
                            error_messages={"required": "事業目標・評価指標の名前を入力してください。"})
    figure = forms.ChoiceField(label="集計の項目（実績として数えるもの）", choices=[(f.key, f"{f.label}（{f.unit}）") for f in FIGURES],
                               error_messages={"required": "集計の項目を選んでください。",
                                               "invalid_choice": "集計の項目を一覧から選んでください。"})
    value = forms.CharField(label="目標値", max_length=20, help_text="年度の目標（件数・人数など）。回答日数・未回答件数は上限です。",
                            error_messages={"required": "目標値を入力してください（例：120）。"},
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    guideline = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PublicationStyleForm(forms.Form):
    symbol = forms.CharField(label="秘匿の記号", max_length=3,
                             help_text="1〜4 の値と、それを計算できないように秘匿した値の代わりに表示します（例：*、x、…）。",
                             error_messages={"required": "秘匿の記号を入力してください（例：*）。",
                                             "max_length": "秘匿の記号は1〜3文字で入力してください。"})
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
