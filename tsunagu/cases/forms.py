from django import forms
from django.utils import timezone

from tsunagu.agencies.models import Agency
from tsunagu.core.dates import DateField
from tsunagu.people.forms import BirthDateField, VersionedForm
from tsunagu.people.models import Person, Sex

from .models import ASSESSMENT_AREAS, CaseStatus, Concern, Consulter, Outcome, Route, Screening, Urgency

# 定型文: one click puts the usual opening of a note into the text (the worker then completes it).
NOTE_TEMPLATES = [
    "電話で近況を確認。", "自宅を訪問し、本人と面談。", "関係機関と情報共有。", "同行支援（窓口・通院）。",
    "次回の予定: ", "本人の意向: ",
]
NOTE_KINDS = ["電話", "訪問", "来所面談", "同行支援", "関係機関連絡", "会議", "その他"]


class IntakeForm(forms.Form):
    """相談受付・申込票, short enough to fill during the call."""

    received_on = DateField(label="受付日", initial=timezone.localdate)
    route = forms.ChoiceField(label="経路", choices=Route.choices, widget=forms.RadioSelect, initial=Route.PHONE)
    consulter = forms.ChoiceField(label="相談者", choices=Consulter.choices, widget=forms.RadioSelect, initial=Consulter.SELF)
    consulter_name = forms.CharField(label="相談者の氏名・関係", max_length=100, required=False)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="本人の氏名（わかる範囲で）", max_length=100, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    kana = forms.CharField(label="ふりがな", max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    birth_date = BirthDateField()
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, required=False)
    address = forms.CharField(label="住所", max_length=300, required=False)
    phone = forms.CharField(label="電話番号", max_length=40, required=False)
    main_complaint = forms.CharField(label="主訴", widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000)
    concerns = forms.MultipleChoiceField(label="相談内容・課題", choices=Concern.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    primary_concern = forms.ChoiceField(label="最も困っていること（◎）", choices=[("", "—")] + Concern.choices, required=False)
    urgency = forms.ChoiceField(label="緊急度", choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.LOW)
    first_response = forms.CharField(label="初期対応", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                     max_length=100_000)
    outcome = forms.ChoiceField(label="結果", choices=Outcome.choices, widget=forms.RadioSelect, initial=Outcome.INFO_ONLY)
    referred_to_welfare = forms.BooleanField(label="生活保護窓口へのつなぎ（結果が「つなぎ」のとき）", required=False)

    def clean(self):
        data = super().clean()
        if data.get("primary_concern") and data["primary_concern"] not in data.get("concerns", []):
            self.add_error("primary_concern", "◎は、チェックした相談内容の中から一つ選んでください。")
        if not data.get("person") and not data.get("household") and not (data.get("name") or "").strip():
            self.add_error("name", "本人の氏名（わからなければ「高橋さん（向かいの家）」など）を入力するか、候補から選んでください。")
        return data

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for m in self.members:  # 世帯の一人ひとり: each member's own concerns, when the consultation is about a household
            self.fields[f"member_{m.pk}"] = forms.MultipleChoiceField(
                label=m.name, choices=Concern.choices, required=False, widget=forms.CheckboxSelectMultiple)

    def member_fields(self):
        return [self[f"member_{m.pk}"] for m in self.members]

    def member_concerns(self) -> dict:
        return {m: self.cleaned_data.get(f"member_{m.pk}") or [] for m in self.members}

    def new_person(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) or ("" if k != "birth_date" else None) for k in ("name", "kana", "birth_date", "sex", "address", "phone")}


class CaseForm(VersionedForm):
    name = forms.CharField(label="呼び名", max_length=60, required=False,
                           help_text="一覧・印刷で使う短い名前（例: 十河さん世帯）。空にすると本人・世帯の名前になります。")
    title = forms.CharField(label="ケース名（主訴）", max_length=200)
    summary = forms.CharField(label="概要", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=100_000)
    status = forms.ChoiceField(label="状況", choices=CaseStatus.choices)


class CaseTransferForm(VersionedForm):
    """移管: only the agencies with a basis for the case's subject are offered (`policy.agencies_covering`)."""

    to_agency = forms.ModelChoiceField(label="移管先（主担当機関）", queryset=Agency.objects.none())
    reason = forms.CharField(label="移管の理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("kana")


class MembersField(forms.ModelMultipleChoiceField):
    """世帯の一人ひとり: the household members a row is about, of those the writer sees (`members`)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.name


def _offer_members(form: forms.BaseForm, members) -> None:
    field = form.fields["members"]
    assert isinstance(field, MembersField)
    if len(members) < 2:  # a person case, or one member: the row is about her, nothing to choose
        del form.fields["members"]
        return
    field.queryset = Person.objects.filter(pk__in=[m.pk for m in members]).order_by("pk")


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label="種別", choices=[(k, k) for k in NOTE_KINDS], required=False)
    written_on = DateField(label="日付", initial=timezone.localdate)
    members = MembersField(label="対象の世帯員（選ばなければ世帯全体）", queryset=Person.objects.none(), required=False,
                           help_text="世帯員を選んだ記録は、その全員について共有の根拠がある機関だけが読めます。")
    body = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=100_000)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        _offer_members(self, members)


class NoteCorrectForm(VersionedForm):
    body = forms.CharField(label="内容（訂正後）", widget=forms.Textarea(attrs={"rows": 8}), max_length=100_000)


def yes_no(label: str, yes: str, no: str, **kwargs) -> forms.TypedChoiceField:
    """A 国への報告事項 answered one way or the other: anything else is refused with a message naming the item."""
    return forms.TypedChoiceField(
        label=label, choices=[("1", yes), ("0", no)], coerce=lambda value: value == "1", widget=forms.RadioSelect,
        error_messages={"required": f"{label}を「{yes}」か「{no}」から選んでください。",
                        "invalid_choice": f"{label}は「{yes}」か「{no}」から選んでください。"}, **kwargs)


class PlanForm(VersionedForm):
    goals = forms.CharField(label="目標", widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000)
    person_wishes = forms.CharField(label="本人の意向", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=100_000)
    review_on = DateField(label="見直し予定日", required=False)
    employment_support = yes_no("就労支援の対象（国への報告事項）", "対象", "対象外", initial="0", required=False,
                                empty_value=None)


class PlanReviewForm(forms.Form):
    """評価 of a plan (国への報告事項 of the 支援状況調査)."""

    reviewed_on = DateField(label="評価日", initial=timezone.localdate)
    employed = yes_no("就労", "就労した", "しない")
    income_increased = yes_no("増収", "増収した", "しない")
    improved = yes_no("自立に向けた改善", "見られた", "見られない")
    note = forms.CharField(label="評価の所見", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=100_000)


class PlanCreateForm(PlanForm):
    version = None  # type: ignore[assignment]  # Django's way to drop an inherited form field


class PlanActionForm(forms.Form):
    description = forms.CharField(label="支援内容", max_length=300, required=False)
    members = MembersField(label="対象の世帯員", queryset=Person.objects.none(), required=False)
    agency = forms.ModelChoiceField(label="担当機関", queryset=Agency.objects.filter(active=True), required=False)
    resource_name = forms.CharField(label="社会資源", max_length=200, required=False)
    due_on = DateField(label="期日", required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        _offer_members(self, members)


PLAN_ROWS_MAX = 100
PlanActionFormSet = forms.formset_factory(PlanActionForm, extra=0, min_num=1, max_num=PLAN_ROWS_MAX,
                                          absolute_max=PLAN_ROWS_MAX)


class PersonConcernForm(forms.Form):
    """世帯員ごとの課題 found after intake (アセスメント)."""

    person = forms.ModelChoiceField(label="世帯員", queryset=Person.objects.none())
    concerns = forms.MultipleChoiceField(label="課題", choices=Concern.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(pk__in=[m.pk for m in members]).order_by("pk")
        self.fields["person"].label_from_instance = lambda p: p.name


class PlanAgreeForm(VersionedForm):
    agreed_by = forms.CharField(label="同意した人（本人・家族の氏名）", max_length=100)
    agreed_on = DateField(label="同意日", initial=timezone.localdate)


class ReferralForm(forms.Form):
    to_agency = forms.ModelChoiceField(label="つなぎ先の機関", queryset=Agency.objects.none(),
                                       help_text="情報共有の根拠（本人同意・支援会議など）がある機関だけが表示されます。")
    reason = forms.CharField(label="つなぐ理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000)
    request = forms.CharField(label="依頼内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=100_000)
    due_on = DateField(label="回答期日")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])


class ReferralRespondForm(VersionedForm):
    status = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label="コメント（辞退の理由・結果）", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=100_000)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="キーワード", required=False, max_length=100)
    status = forms.ChoiceField(label="状況", required=False, choices=[("", "すべて"), ("open", "支援中（終結以外）")] + CaseStatus.choices)
    mine = forms.BooleanField(label="自機関が主担当のみ", required=False)


def one_of(label: str, choices, **kwargs) -> forms.ChoiceField:
    """A form item answered by one of its printed choices: anything else is refused with a message naming it."""
    names = "・".join(f"「{name}」" for value, name in choices if value)
    return forms.ChoiceField(label=label, choices=choices, error_messages={
        "required": f"{label}を{names}から選んでください。",
        "invalid_choice": f"{label}は{names}から選んでください。"}, **kwargs)


class AssessmentForm(forms.Form):
    """インテーク・アセスメントシート of one person (本人): for a household case, the member it is about, chosen among
    those the writer sees; one free-text box per area (only the areas written in are kept); the スクリーニングの結果
    and 就労支援の対象 (国への報告事項)."""

    person = forms.TypedChoiceField(label="本人（対象の世帯員）", coerce=int, choices=(), error_messages={
        "required": "本人（対象の世帯員）を選んでください。",
        "invalid_choice": "本人（対象の世帯員）は閲覧できる世帯員から選んでください。"})
    assessed_on = DateField(label="実施日", initial=timezone.localdate)
    screening = one_of("スクリーニングの結果（国への報告事項）", [("", "—"), *Screening.choices], required=False)
    employment_support = yes_no("就労支援の対象（国への報告事項）", "対象", "対象外", required=False, empty_value=None)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        if len(self.members) < 2:  # a person case (or one member): the sheet is hers, nothing to choose
            del self.fields["person"]
        else:
            self.fields["person"].choices = [("", "—"), *((m.pk, m.name) for m in members)]
        for key, label in ASSESSMENT_AREAS:
            self.fields[f"area_{key}"] = forms.CharField(label=label, required=False, max_length=20_000,
                                                         widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["summary"] = forms.CharField(label="総合所見", required=False, max_length=100_000,
                                                 widget=forms.Textarea(attrs={"rows": 3}))
        self.order_fields(["person", "assessed_on", *(f"area_{key}" for key, _ in ASSESSMENT_AREAS), "summary"])

    def areas(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"area_{key}", "") for key, _ in ASSESSMENT_AREAS}

    def subject(self):
        """The person the sheet is about: the one chosen, or the only one."""
        if "person" in self.fields:
            return self.members[self.cleaned_data["person"]]
        return next(iter(self.members.values()), None)
