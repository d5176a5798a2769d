from typing import cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tsunagu.agencies.models import Field
from tsunagu.core.links import web_url_validator

from .models import WEEKDAYS, OffererKind, ResourceKind, Service, Target, Visibility
from .queries import Filters


class JapaneseForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # 「名称」, not 「名称:」
        super().__init__(*args, **kwargs)


# The search form is also the public directory's, read in the visitor's language (the public pages' i18n): its
# words are marked here, the choices' labels included — the same words as the models' choices, which staff read in
# Japanese (their pages stay Japanese, so each reads as the model's label).
FIELD_LABELS: dict[str, str | Promise] = {Field.ELDERLY: _("高齢・介護"), Field.DISABILITY: _("障害"), Field.POVERTY: _("生活困窮"),
                Field.CHILDREN: _("子ども・子育て"), Field.HEALTH: _("保健・医療"), Field.EDUCATION: _("教育"),
                Field.HOUSING: _("住まい"), Field.EMPLOYMENT: _("就労"), Field.ADVOCACY: _("権利擁護"),
                Field.COMMUNITY: _("地域福祉")}
TARGET_LABELS: dict[str, str | Promise] = {Target.ANYONE: _("誰でも"), Target.ELDERLY: _("高齢の方"), Target.DISABILITY: _("障害のある方"),
                 Target.CHILDREN: _("子ども"), Target.PARENTS: _("子育て中の家庭"), Target.YOUTH: _("若者・ひきこもり"),
                 Target.POVERTY: _("生活に困っている方"), Target.CARERS: _("介護している家族")}
DAY_LABELS: dict[str, str | Promise] = {"MO": _("月"), "TU": _("火"), "WE": _("水"), "TH": _("木"), "FR": _("金"), "SA": _("土"), "SU": _("日")}
FIELD_CHOICES = [("", _("すべての分野")), *((value, FIELD_LABELS.get(value, label)) for value, label in Field.choices)]
TARGET_CHOICES = [("", _("すべての対象")), *((value, TARGET_LABELS.get(value, label)) for value, label in Target.choices)]
DAY_CHOICES = [("", _("すべての曜日")), *((value, DAY_LABELS.get(value, label)) for value, label in WEEKDAYS)]


class SearchForm(JapaneseForm):
    q = forms.CharField(label=_("キーワード"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("例：送迎、食、サロン")}))
    field = forms.ChoiceField(label=_("分野"), choices=FIELD_CHOICES, required=False)
    target = forms.ChoiceField(label=_("対象"), choices=TARGET_CHOICES, required=False)
    day = forms.ChoiceField(label=_("曜日"), choices=DAY_CHOICES, required=False)
    district = forms.ChoiceField(label=_("地区"), choices=[("", _("すべての地区"))], required=False)
    free = forms.BooleanField(label=_("無料のみ"), required=False)

    def __init__(self, *args, districts: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [("", _("すべての地区")), *[(d, d) for d in districts]]

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(query=data["q"].strip(), field=data["field"], target=data["target"], day=data["day"],
                       district=data["district"], free=data["free"], kind=data.get("kind", ""),
                       vacancy=data.get("vacancy", False))


class StaffSearchForm(SearchForm):
    kind = forms.ChoiceField(label="種類", choices=[("", "すべて"), *ResourceKind.choices], required=False)
    vacancy = forms.BooleanField(label="空きありのみ", required=False)


class ServiceForm(JapaneseForm):
    """One screen for one resource; services.py turns it into HSDS rows."""

    name = forms.CharField(label="名称", max_length=200)
    organization_name = forms.CharField(label="提供主体（団体・機関名）", max_length=200, required=False,
                                        help_text="例：さくら野町社会福祉協議会、〇〇町内会、個人ボランティアの会")
    description = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    description_easy = forms.CharField(
        label="内容（やさしい日本語）", widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text="住民向けページを「やさしい にほんご」で見る人に、内容の代わりに表示します（短い文、むずかしい言葉はひらがなで）。")
    kind = forms.ChoiceField(label="種類", choices=ResourceKind.choices, widget=forms.RadioSelect)
    visibility = forms.ChoiceField(label="公開範囲", choices=Visibility.choices, widget=forms.RadioSelect,
                                   help_text="「公開」にすると、ログイン不要の住民向けページに載ります。個人の連絡先は載せないでください。")
    is_consultation_window = forms.BooleanField(label="相談窓口として「どこに聞いたらいいか」に載せる", required=False)
    # a form field called "fields" (分野): the form class moves it into self.fields, as any field
    fields = forms.MultipleChoiceField(label="分野", choices=Field.choices, widget=forms.CheckboxSelectMultiple,  # type: ignore[assignment]
                                       required=False)
    targets = forms.MultipleChoiceField(label="対象者", choices=Target.choices, widget=forms.CheckboxSelectMultiple,
                                        required=False)
    district = forms.CharField(label="地区", max_length=50, required=False)
    place_name = forms.CharField(label="場所の名前", max_length=200, required=False)
    postal_code = forms.CharField(label="郵便番号", max_length=10, required=False)
    address = forms.CharField(label="所在地", max_length=200, required=False)
    phone = forms.CharField(label="電話番号", max_length=30, required=False)
    email = forms.EmailField(label="メールアドレス", required=False)
    url = forms.URLField(label="ホームページ", required=False, assume_scheme="https", validators=[web_url_validator])
    days = forms.MultipleChoiceField(label="曜日", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple,
                                     required=False)
    opens_at = forms.TimeField(label="開始時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label="終了時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    schedule_note = forms.CharField(label="日時の補足", max_length=200, required=False,
                                    help_text="例：第2・第4火曜、祝日は休み")
    free = forms.BooleanField(label="無料", required=False)
    fees_description = forms.CharField(label="費用", max_length=200, required=False)
    eligibility_description = forms.CharField(label="利用できる人・条件", max_length=300, required=False)
    minimum_age = forms.IntegerField(label="対象年齢（下限）", min_value=0, max_value=120, required=False)
    maximum_age = forms.IntegerField(label="対象年齢（上限）", min_value=0, max_value=120, required=False)
    capacity = forms.IntegerField(label="定員", min_value=0, required=False)
    vacancy = forms.IntegerField(label="空き（人数・枠）", min_value=0, required=False)
    keywords = forms.CharField(label="検索用キーワード", max_length=300, required=False,
                               help_text="よく使われる呼び方を空白で区切って。例：送迎 通院 買い物")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", "上限は下限以上にしてください。")
        capacity, vacancy = data.get("capacity"), data.get("vacancy")
        if capacity is not None and vacancy is not None and vacancy > capacity:
            self.add_error("vacancy", "空きは定員以下にしてください。")
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", "終了時刻は開始時刻より後にしてください。")
        return data

    @classmethod
    def initial_for(cls, service: Service) -> dict:
        link = next(iter(service.service_at_locations.all()), None)
        location = link.location if link else None
        address = next(iter(location.addresses.all()), None) if location else None
        phone = next(iter(service.phones.all()), None)
        schedule = next(iter(service.schedules.all()), None)
        initial = {name: getattr(service, name) for name in [
            "name", "description", "description_easy", "kind", "visibility", "is_consultation_window", "district",
            "email", "url", "free",
            "fees_description", "eligibility_description", "capacity", "vacancy", "keywords", "version"]}
        initial.update(
            organization_name=service.provider_name,
            fields=service.field_list, targets=service.target_list,
            minimum_age=int(service.minimum_age) if service.minimum_age is not None else None,
            maximum_age=int(service.maximum_age) if service.maximum_age is not None else None,
            place_name=location.name if location else "", address=address.address_1 if address else "",
            postal_code=address.postal_code.strip("-") if address else "",
            phone=phone.number if phone else "",
            days=schedule.byday.split(",") if schedule and schedule.byday else [],
            opens_at=schedule.opens_at if schedule else None, closes_at=schedule.closes_at if schedule else None,
            schedule_note=schedule.description if schedule else "",
        )
        return initial


class ServiceEditForm(ServiceForm):
    """An edit states the version it started from (the hidden field the edit page carries): without it the
    conflict check could not run, so nothing is saved."""

    def clean(self):
        data = super().clean()
        if data.get("version") is None and "version" not in self.errors:
            self.add_error(None, "版の情報がないため保存できません。画面を開き直してから、もう一度保存してください。")
        return data


class VacancyForm(JapaneseForm):
    vacancy = forms.IntegerField(label="現在の空き", min_value=0, required=False)


class OfferForm(JapaneseForm):
    title = forms.CharField(label="提供できること", max_length=120, help_text="例：平日の午後、公民館の和室を貸せます")
    offerer_kind = forms.ChoiceField(label="提供者の種別", choices=OffererKind.choices)
    offerer_name = forms.CharField(label="提供者（団体名・呼び名）", max_length=100)
    contact_note = forms.CharField(label="連絡方法（職員のみ）", max_length=200, required=False)
    description = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    availability = forms.CharField(label="空いている日時", max_length=100, required=False)
    # a form field called "fields" (分野): the form class moves it into self.fields, as any field
    fields = forms.MultipleChoiceField(label="分野", choices=Field.choices, widget=forms.CheckboxSelectMultiple,  # type: ignore[assignment]
                                       required=False)
    targets = forms.MultipleChoiceField(label="対象者", choices=Target.choices, widget=forms.CheckboxSelectMultiple,
                                        required=False)
    district = forms.CharField(label="地区", max_length=50, required=False)


class NeedForm(JapaneseForm):
    description = forms.CharField(label="足りないもの・困りごと", max_length=200,
                                  help_text="個人が特定される内容は書かないでください。例：平日夜に通える若者の居場所がない")
    # a form field called "fields" (分野): the form class moves it into self.fields, as any field
    fields = forms.MultipleChoiceField(label="分野", choices=Field.choices, widget=forms.CheckboxSelectMultiple,  # type: ignore[assignment]
                                       required=False)
    targets = forms.MultipleChoiceField(label="対象者", choices=Target.choices, widget=forms.CheckboxSelectMultiple,
                                        required=False)
    district = forms.CharField(label="地区", max_length=50, required=False)
    people_count = forms.IntegerField(label="該当する人数（概数）", min_value=1, max_value=10000, initial=1)


class ImportForm(JapaneseForm):
    file = forms.FileField(label="Excel ファイル（.xlsx）")


MAX_PACKAGE_BYTES = 20 * 1024 * 1024  # hsds.tabular.MAX_FILE_BYTES: a zip of a municipality's directory is a few MB


class HsdsImportForm(JapaneseForm):
    file = forms.FileField(label="HSDS のデータ（CSV をまとめた .zip、または .json）",
                           error_messages={"required": "取り込むファイルを選んでください。",
                                           "empty": "ファイルが空です。中身のあるファイルを選んでください。"})
    visibility = forms.ChoiceField(label="新しく登録される資源の公開範囲", choices=Visibility.choices,
                                   widget=forms.RadioSelect, initial=Visibility.PUBLIC)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".zip", ".json")):
            raise forms.ValidationError("CSV ファイルをまとめた ZIP（.zip）か、JSON ファイル（.json）を選んでください。")
        if upload.size > MAX_PACKAGE_BYTES:
            raise forms.ValidationError(f"ファイルが大きすぎます（{upload.size / 1024 / 1024:.1f} MB。上限は "
                                        f"{MAX_PACKAGE_BYTES // 1024 // 1024} MB です）。CSV を ZIP に圧縮してから選んでください。")
        return upload


# ---------- 地域づくり: 拠点, activities and their months ----------


class CommunityPlaceForm(JapaneseForm):
    service = forms.ModelChoiceField(label="拠点にする社会資源", queryset=Service.objects.none(),
                                     error_messages={"required": "拠点にする社会資源を選んでください。",
                                                     "invalid_choice": "社会資源を一覧から選んでください。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["service"])
        field.queryset = Service.objects.filter(status="active", community_place__isnull=True).order_by("name")


class CommunityActivityForm(JapaneseForm):
    name = forms.CharField(label="活動名", max_length=120, error_messages={"required": "活動名を入力してください（例：ふれあいサロン）。"})


class ActivityMonthForm(JapaneseForm):
    activity = forms.TypedChoiceField(label="活動", coerce=int, error_messages={"required": "活動を選んでください。"})
    month = forms.ChoiceField(label="月", error_messages={"required": "月を選んでください。"})
    participants = forms.CharField(label="参加者数（延べ）", max_length=10,
                                   error_messages={"required": "参加者数（延べ）を入力してください（例：24）。"},
                                   widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    agencies = forms.TypedMultipleChoiceField(label="参加機関", coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, activities, months, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["activity"]).choices = [(a.pk, a.name) for a in activities]
        cast(forms.ChoiceField, self.fields["month"]).choices = [(m.isoformat(), f"{m.year}年{m.month}月") for m in months]
        cast(forms.TypedMultipleChoiceField, self.fields["agencies"]).choices = [(a.pk, a.name) for a in agencies]
