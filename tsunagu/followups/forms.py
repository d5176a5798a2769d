from django import forms
from django.utils import timezone

from tsunagu.agencies.models import Staff
from tsunagu.core.dates import DateField
from tsunagu.people.forms import VersionedForm

from .models import FollowUpMethod, FollowUpStatus, NoticedBy, OutreachStatus, VisitFrequency


def _staff_of(agency_id):
    return Staff.objects.filter(memberships__agency_id=agency_id, memberships__ended_on__isnull=True,
                                is_active=True).distinct().order_by("kana")


class ScheduleForm(forms.Form):
    starts_on = DateField(label="初回の予定日")
    interval_months = forms.IntegerField(label="間隔（か月）", min_value=1, max_value=12, initial=1)
    occurrences = forms.IntegerField(label="回数", min_value=1, max_value=24, initial=6)
    method = forms.ChoiceField(label="方法", choices=FollowUpMethod.choices)
    purpose = forms.CharField(label="目的・確認すること", required=False, max_length=100_000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(VersionedForm):
    """終結: with a follow-up schedule (the default) or a reason why none is needed."""

    MODE_CHOICES = [("schedule", "フォローアップの予定を立てて終結する"), ("reason", "フォローアップをしない理由を記録して終結する")]
    mode = forms.ChoiceField(label="終結のしかた", choices=MODE_CHOICES, widget=forms.RadioSelect, initial="schedule")
    closed_on = DateField(label="終結日", initial=timezone.localdate)
    starts_on = DateField(label="初回の予定日", required=False)
    interval_months = forms.IntegerField(label="間隔（か月）", min_value=1, max_value=12, initial=1, required=False)
    occurrences = forms.IntegerField(label="回数", min_value=1, max_value=24, initial=6, required=False)
    method = forms.ChoiceField(label="方法", choices=FollowUpMethod.choices, required=False)
    reason = forms.CharField(label="フォローアップをしない理由", required=False, max_length=100_000,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text="例: 転出した、他機関が継続して支援する、本人が希望しない")

    def clean(self):
        data = super().clean()
        if data.get("mode") == "schedule" and not data.get("starts_on"):
            self.add_error("starts_on", "初回の予定日を入力してください。")
        if data.get("mode") == "reason" and not (data.get("reason") or "").strip():
            self.add_error("reason", "フォローアップをしない理由を入力してください。")
        return data

    def schedule(self) -> dict | None:
        d = self.cleaned_data
        if d["mode"] != "schedule":
            return None
        return {"starts_on": d["starts_on"], "interval_months": d.get("interval_months") or 1,
                "occurrences": d.get("occurrences") or 6, "method": d.get("method") or FollowUpMethod.PHONE}


class RecordForm(VersionedForm):
    status = forms.ChoiceField(label="結果", widget=forms.RadioSelect, initial=FollowUpStatus.DONE, choices=[
        (FollowUpStatus.DONE, "実施した"), (FollowUpStatus.NO_CONTACT, "連絡がとれなかった"), (FollowUpStatus.CANCELLED, "取りやめ")])
    done_on = DateField(label="実施日", initial=timezone.localdate)
    note = forms.CharField(label="様子・記録", required=False, max_length=100_000, widget=forms.Textarea(attrs={"rows": 3}))


class OutreachForm(forms.Form):
    target = forms.CharField(label="対象（わかる範囲で）", max_length=200, help_text="例: 旭町3丁目の一人暮らしの男性（60代）")
    signs = forms.CharField(label="気づいたこと", max_length=100_000, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="例: 新聞がたまっている、夜も電気がつかない、ごみが出ていない")
    noticed_by = forms.ChoiceField(label="気づいた人", choices=NoticedBy.choices)
    noticed_on = DateField(label="気づいた日", initial=timezone.localdate)


class VisitForm(forms.Form):
    visited_on = DateField(label="訪問日", initial=timezone.localdate)
    met = forms.BooleanField(label="本人に会えた", required=False)
    note = forms.CharField(label="様子", max_length=100_000, widget=forms.Textarea(attrs={"rows": 2}))


class OutreachStatusForm(VersionedForm):
    status = forms.ChoiceField(label="状況", choices=OutreachStatus.choices)
    closed_reason = forms.CharField(label="終了の理由", required=False, max_length=100_000)


class HandoverForm(forms.Form):
    from_staff = forms.ModelChoiceField(label="前任者（異動・退職する職員）", queryset=Staff.objects.none())
    to_staff = forms.ModelChoiceField(label="後任者", queryset=Staff.objects.none())
    note = forms.CharField(label="引継ぎのメモ", required=False, max_length=100_000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agency_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_staff"].queryset = Staff.objects.filter(memberships__agency_id=agency_id).distinct().order_by("kana")
        self.fields["to_staff"].queryset = _staff_of(agency_id)


class VisitPlanForm(forms.Form):
    """訪問頻度 of a case: the rhythm, the next visit (proposed from the rhythm when left empty) and what to check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    frequency = forms.ChoiceField(label="訪問頻度", choices=VisitFrequency.choices, widget=forms.RadioSelect,
                                  initial=VisitFrequency.MONTHLY)
    due_on = DateField(label="次回の訪問予定日", required=False, help_text="空欄なら訪問頻度から今日を起点に決めます。")
    household_wide = forms.BooleanField(label="世帯として訪問する（世帯のケース）", required=False)
    checks = forms.CharField(label="確認すること", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="例: 服薬、室内の様子、郵便物がたまっていないか")


class VisitRecordForm(VersionedForm):
    """One visit, written on a tablet at the door: one column, each field a large target."""

    visited_on = DateField(label="訪問日", initial=timezone.localdate)
    met = forms.BooleanField(label="本人（世帯）に会えた", required=False)
    note = forms.CharField(label="様子", max_length=100_000, widget=forms.Textarea(attrs={"rows": 5}))
    next_on = DateField(label="次回の訪問予定日", required=False, help_text="訪問頻度から提案しています。変えることもできます。")
