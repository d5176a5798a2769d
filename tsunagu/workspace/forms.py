from datetime import time

from django import forms

from tsunagu.agencies.models import Agency
from tsunagu.core.dates import DateField
from tsunagu.core.fiscal import FISCAL_MONTHS

from .models import (
    TIME_ACTIVITIES,
    DesignItem,
    MeetingInventory,
    RoadmapActivity,
    TaskInterview,
    Theme,
    TrialCode,
    TrialObservation,
    WorksheetTemplate,
    Workshop,
)
from .services import questions_to_text

MONTH_CHOICES = [(m, f"{m}月") for m in FISCAL_MONTHS]


class VersionedForm(forms.ModelForm):
    """Carries the version the edit began from, for optimistic locking."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


class RoadmapActivityForm(VersionedForm):
    start_month = forms.TypedChoiceField(label="開始月", choices=MONTH_CHOICES, coerce=int)
    end_month = forms.TypedChoiceField(label="終了月", choices=MONTH_CHOICES, coerce=int)

    class Meta:
        model = RoadmapActivity
        fields = ["fiscal_year", "step", "title", "start_month", "end_month", "milestone", "status", "owner", "workshop",
                  "task_inventory", "document_title", "document_url", "order"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_month"), data.get("end_month")
        if start and end and FISCAL_MONTHS.index(start) > FISCAL_MONTHS.index(end):
            self.add_error("end_month", "終了月は開始月と同じか、それより後（年度内）にしてください。")
        return data


class WorkshopForm(VersionedForm):
    invited = forms.ModelMultipleChoiceField(
        label="参集機関", queryset=Agency.objects.filter(active=True), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Workshop
        fields = ["fiscal_year", "series_no", "title", "kind", "held_on", "starts_at", "ends_at", "method", "place", "aims",
                  "attendance", "templates", "accepting_responses"]
        field_classes = {"held_on": DateField}
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
            "templates": forms.CheckboxSelectMultiple,
            "aims": forms.Textarea(attrs={"rows": 3}),
        }


class ProgramForm(forms.Form):
    program = forms.CharField(
        label="プログラム（1行に1つ: 時刻 分数 タイトル / 内容）", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="例: 13:35 25 政策説明 / 地域共生社会の目指すところ",
    )

    def clean_program(self):
        items = []
        for n, line in enumerate(self.cleaned_data["program"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.strip().split(maxsplit=2)
            try:
                hh, mm = parts[0].replace("：", ":").split(":")
                minutes = int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None
                rest = parts[2] if minutes is not None else " ".join(parts[1:])
            except (ValueError, IndexError):
                raise forms.ValidationError(f"{n}行目: 「13:35 25 タイトル」の形で書いてください。") from None
            title, _, detail = rest.partition("/")
            try:
                starts = time(int(hh), int(mm))
            except ValueError:
                raise forms.ValidationError(f"{n}行目: 時刻「{parts[0]}」が正しくありません。") from None
            items.append({"starts_at": starts, "minutes": minutes, "title": title.strip(), "detail": detail.strip()})
        return items


class WorksheetTemplateForm(VersionedForm):
    questions_text = forms.CharField(
        label="設問（1行に1つ）", widget=forms.Textarea(attrs={"rows": 10}),
        help_text="「※」で始まる行は直前の設問の説明になります。表形式の設問は「表: 見出し | 列1, 列2, 列3」と書きます。",
    )

    class Meta:
        model = WorksheetTemplate
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["questions_text"].initial = questions_to_text(self.instance.questions)


def response_form_class(template: WorksheetTemplate, *, ask_identity: bool = True, table_rows: int = 5):
    """A form built from the template's questions. Table questions get `table_rows` rows of inputs."""
    fields = {}
    for q in template.questions:
        if q.get("kind") == "rows":
            for r in range(table_rows):
                for c, col in enumerate(q.get("columns", [])):
                    fields[f"{q['key']}__{r}__{c}"] = forms.CharField(label=f"{q['label']} {r + 1}行目 {col}", required=False)
        else:
            fields[q["key"]] = forms.CharField(label=q["label"], required=False, help_text=q.get("help", ""),
                                               widget=forms.Textarea(attrs={"rows": 3}))
    if ask_identity:
        fields["respondent_affiliation"] = forms.CharField(label="ご所属（任意・公表しません）", required=False)
        fields["respondent_name"] = forms.CharField(label="ご氏名（任意・公表しません）", required=False)
    return type("WorksheetResponseForm", (forms.Form,), fields)


def answers_from(template: WorksheetTemplate, data: dict, table_rows: int = 5) -> dict:
    answers = {}
    for q in template.questions:
        if q.get("kind") == "rows":
            cols = q.get("columns", [])
            answers[q["key"]] = [{col: data.get(f"{q['key']}__{r}__{c}", "") for c, col in enumerate(cols)} for r in range(table_rows)]
        else:
            answers[q["key"]] = data.get(q["key"], "")
    return answers


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["title", "area"]


class InventoryUploadForm(forms.Form):
    agency = forms.ModelChoiceField(label="機関", queryset=Agency.objects.filter(active=True))
    fiscal_year = forms.IntegerField(label="年度（西暦）", min_value=2000, max_value=2100)
    sheet = forms.FileField(label="業務棚卸表（Excel .xlsx）")

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if sheet.size > 5 * 1024 * 1024:
            raise forms.ValidationError("ファイルが大きすぎます（5MBまで）。")
        return sheet


class TimeUseForm(forms.Form):
    job_role: forms.ModelChoiceField = forms.ModelChoiceField(label="職種", queryset=None)
    label = forms.CharField(label="職員（記号。氏名は書かないでください）", max_length=50)

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_role"].queryset = roles
        for i, activity in enumerate(TIME_ACTIVITIES):
            self.fields[f"h{i}"] = forms.DecimalField(label=f"{activity}（時間）", min_value=0, max_value=24, decimal_places=2, required=False)

    def clean(self):
        data = super().clean()
        hours = {a: float(data.get(f"h{i}") or 0) for i, a in enumerate(TIME_ACTIVITIES)}
        if sum(hours.values()) > 24:
            raise forms.ValidationError("1日の合計が24時間を超えています。")
        data["hours"] = {a: h for a, h in hours.items() if h}
        return data


class TaskInterviewForm(forms.ModelForm):
    class Meta:
        model = TaskInterview
        fields = ["job_role", "issue", "detail", "proposal", "point", "strengths", "wishes"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ["detail", "proposal", "point", "strengths", "wishes"]}


class MeetingInventoryForm(VersionedForm):
    class Meta:
        model = MeetingInventory
        fields = ["fiscal_year", "form", "name", "purpose", "audience", "times_per_year", "basis", "importance", "host",
                  "attending", "minutes", "attendees"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2}), "attending": forms.CheckboxSelectMultiple}


class DesignItemForm(forms.ModelForm):
    class Meta:
        model = DesignItem
        fields = ["section", "title", "means", "owner", "review_on", "status", "order"]
        field_classes = {"review_on": DateField}


class TrialObservationForm(VersionedForm):
    class Meta:
        model = TrialObservation
        fields = ["observed_on", "site", "heard", "event", "effect", "codes"]
        field_classes = {"observed_on": DateField}
        widgets = {
            "event": forms.Textarea(attrs={"rows": 3}),
            "effect": forms.Textarea(attrs={"rows": 3}),
            "codes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].queryset = TrialCode.objects.filter(active=True)


class TrialCodeForm(forms.ModelForm):
    class Meta:
        model = TrialCode
        fields = ["label", "name", "description", "active", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
