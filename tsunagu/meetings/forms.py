"""Forms of the meetings screens. A form offers only what the reader may read (the views pass the rows the
queries filtered through the policy); the services check again."""

from django import forms
from django.utils import timezone

from tsunagu.agencies.models import Agency, Staff
from tsunagu.core.dates import DateField
from tsunagu.people.forms import VersionedForm

from .models import ActionStatus, MeetingKind, PledgeMethod, Recurrence, SittingStatus


def _agencies():
    return Agency.objects.filter(active=True).order_by("kana")


CHOOSE = ("", "選んでください")


def _meeting_choices(field, meetings, label) -> None:
    """A meeting is chosen, never pre-selected: the list starts with 「選んでください」 (a case is put before the
    wrong household's meeting by one careless click otherwise)."""
    field.choices = [CHOOSE, *((m.pk, label(m)) for m in meetings)]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会議の種類", choices=MeetingKind.choices)
    title = forms.CharField(label="会議名", max_length=200, help_text="例: さくら野町支援会議、とうべつ会議（定例の情報共有会議）")
    purpose = forms.CharField(label="趣旨・目的", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=100_000)
    recurrence = forms.ChoiceField(label="開催周期", choices=Recurrence.choices, required=False)
    usual_place = forms.CharField(label="主な会場", max_length=200, required=False)
    member_agencies = forms.ModelMultipleChoiceField(label="構成機関", queryset=Agency.objects.none(), required=False,
                                                     widget=forms.CheckboxSelectMultiple,
                                                     help_text="主催する機関（あなたの機関）は自動で構成員になります。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_agencies"].queryset = _agencies()


class MemberAddForm(forms.Form):
    agency = forms.ModelChoiceField(label="加える機関", queryset=Agency.objects.none())
    joined_on = DateField(label="加入日", initial=timezone.localdate,
                                required=False, help_text="空欄なら今日。今日より前にするには理由が必要です。")
    joined_reason = forms.CharField(label="加入日を遡る理由", required=False, max_length=2_000,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, exclude_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies().exclude(pk__in=exclude_ids)


class PledgeForm(forms.Form):
    staff = forms.ModelChoiceField(label="誓約した職員", queryset=Staff.objects.none())
    pledged_on = DateField(label="誓約日", initial=timezone.localdate)
    method = forms.ChoiceField(label="方法", choices=PledgeMethod.choices)

    def __init__(self, *args, agency=None, only_staff=None, **kwargs):
        """`only_staff`: a worker records her own pledge only."""
        super().__init__(*args, **kwargs)
        if only_staff is not None:
            self.fields["staff"].queryset = Staff.objects.filter(pk=only_staff.pk)
            self.fields["staff"].initial = only_staff.pk
        elif agency is not None:
            self.fields["staff"].queryset = Staff.objects.filter(memberships__agency=agency, memberships__ended_on__isnull=True).distinct().order_by("kana")


class ProposalForm(forms.Form):
    """「提案する」: a member asks the convener to put a case or household on a meeting's agenda."""

    meeting = forms.TypedChoiceField(label="提案する会議", coerce=int,
                                     error_messages={"required": "提案する会議を選んでください。"})
    reason = forms.CharField(label="提案の理由（任意）", required=False, max_length=2_000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="主催機関が受け入れるかどうかを判断するためのものです。")

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = list(meetings)
        _meeting_choices(self.fields["meeting"], self.meetings,
                         lambda m: f"{m.title}（{m.get_kind_display()}・主催 {m.convened_by.name}）")


class CaseProposalForm(forms.Form):
    """「提案する」 from the meeting's page: one of the cases the actor's agency leads."""

    case = forms.TypedChoiceField(label="提案する支援ケース", coerce=int)
    reason = forms.CharField(label="提案の理由（任意）", required=False, max_length=2_000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(c.pk, c.label) for c in cases]


class DeclineForm(forms.Form):
    reason = forms.CharField(label="見送りの理由（任意）", required=False, max_length=2_000)


class SittingForm(forms.Form):
    held_on = DateField(label="開催日")
    starts_at = forms.TimeField(label="開始時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="会場", max_length=200, required=False)
    repeat = forms.IntegerField(label="回数（開催周期で繰り返す）", min_value=1, max_value=24, initial=1)


class MinutesForm(VersionedForm):
    status = forms.ChoiceField(label="状態", choices=SittingStatus.choices)
    attendees = forms.ModelMultipleChoiceField(label="出席機関", queryset=Agency.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label="議事録", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=100_000)
    events = forms.CharField(label="② 構成機関の会議・研修の予定", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             max_length=100_000)
    topics = forms.CharField(label="③ 課題・話題", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=100_000)

    def __init__(self, *args, member_ids=(), agenda_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Agency.objects.filter(pk__in=member_ids).order_by("kana")
        self.agenda_fields = []
        for row in agenda_rows:
            if row.subject is None:
                continue  # no basis: the actor may not write about what she may not see
            name = f"item_{row.item.pk}"
            self.fields[name] = forms.CharField(label=f"① {row.label}", required=False, max_length=100_000,
                                                widget=forms.Textarea(attrs={"rows": 2}))
            self.agenda_fields.append(name)

    def discussions(self) -> dict[int, str]:
        return {int(n.removeprefix("item_")): self.cleaned_data.get(n, "") for n in self.agenda_fields}


def _agenda_choice(form, agenda_rows):
    form.fields["agenda_item"].choices = [("", "（会議全体）")] + [
        (r.item.pk, r.label) for r in agenda_rows if r.subject is not None]


class DecisionForm(forms.Form):
    agenda_item = forms.TypedChoiceField(label="検討事項", coerce=int, required=False, empty_value=None)
    text = forms.CharField(label="決定事項", widget=forms.Textarea(attrs={"rows": 2}), max_length=100_000)

    def __init__(self, *args, agenda_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        _agenda_choice(self, agenda_rows)


class SittingItemsForm(forms.Form):
    """The agenda items a sitting takes up, of those the governor may read (`queries.sitting_choices`)."""

    agenda_items = forms.TypedMultipleChoiceField(label="この回で取り上げる検討事項", coerce=int, required=False,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_items"]
        field.choices = [(c.row.item.pk, c.label) for c in choices]
        field.initial = [c.row.item.pk for c in choices if c.taken_up]


class ActionForm(forms.Form):
    agenda_item = forms.TypedChoiceField(label="検討事項", coerce=int, required=False, empty_value=None)
    members = forms.TypedMultipleChoiceField(
        label="対象の世帯員（任意）", coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="選んだ検討事項の世帯の世帯員から選びます。世帯員を選んだ役割分担は、その全員について共有の根拠がある機関だけが読めます。")
    description = forms.CharField(label="役割・やること", max_length=300)
    owner_agency = forms.ModelChoiceField(label="担当機関", queryset=Agency.objects.none())
    owner_staff = forms.ModelChoiceField(label="担当者（任意）", queryset=Staff.objects.none(), required=False)
    due_on = DateField(label="期日")

    def __init__(self, *args, member_ids=(), agenda_rows=(), member_groups=(), **kwargs):
        """`member_groups`: (agenda row, the members the writer sees) per item, from `queries.action_member_choices`."""
        super().__init__(*args, **kwargs)
        _agenda_choice(self, agenda_rows)
        if member_groups:
            self.fields["members"].choices = [(row.label, [(p.pk, p.name) for p in persons])
                                              for row, persons in member_groups]
        else:
            del self.fields["members"]
        self.fields["owner_agency"].queryset = Agency.objects.filter(pk__in=member_ids).order_by("kana")
        self.fields["owner_staff"].queryset = (Staff.objects.filter(memberships__agency_id__in=member_ids,
                                                                    memberships__ended_on__isnull=True).distinct().order_by("kana"))


class ActionUpdateForm(VersionedForm):
    status = forms.ChoiceField(label="状況", choices=ActionStatus.choices)
    result = forms.CharField(label="結果", required=False, max_length=100_000, widget=forms.Textarea(attrs={"rows": 2}))


class AgendaAddForm(forms.Form):
    meeting = forms.TypedChoiceField(label="付議する会議", coerce=int,
                                     error_messages={"required": "付議する会議を選んでください。"})

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = list(meetings)
        _meeting_choices(self.fields["meeting"], self.meetings, lambda m: f"{m.title}（{m.get_kind_display()}）")


