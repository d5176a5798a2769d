"""The public form (相談の申込み), in the visitor's language, and the coordinator's pass form."""

from django import forms
from django.core.validators import EmailValidator, ProhibitNullCharactersValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from tsunagu.agencies.models import Agency

from .models import ContactMethod, ContactTime, Topic, Urgency, Who

MESSAGE_MAX = 2000
NUL = _("使えない文字が入っています。消してから送ってください。")
# each topic's pictogram: an SVG of the app's own (static/img/topics/<topic>.svg), drawn the same on every device —
# an emoji would be an empty box where the device has no emoji font (a kiosk, a closed municipal PC)
PICTOGRAMS = {value: f"img/topics/{value}.svg" for value in ("money", "home", "food", "health", "family", "care",
                                                             "school", "violence", "language", "other")}
_PHONE = RegexValidator(r"^\+?[0-9][0-9 \-()]{8,18}[0-9]$", _("電話番号は、数字で書いてください（例：0120-000-000）。"))


class _Text(forms.CharField):
    """A text field whose refusals speak the visitor's language (Django's NUL message would be English or 日本語)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(ProhibitNullCharactersValidator(message=NUL))


class HelpRequestForm(forms.Form):
    who = forms.ChoiceField(label=_("だれのことですか"), choices=Who.choices, widget=forms.RadioSelect,
                            error_messages={"required": _("「だれのことですか」を選んでください。")})
    topics = forms.MultipleChoiceField(label=_("何に困っていますか（いくつ選んでもよい）"), choices=Topic.choices,
                                       widget=forms.CheckboxSelectMultiple, required=False)
    message = _Text(label=_("困っていること（書けるだけでよい）"), required=False, max_length=MESSAGE_MAX,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    error_messages={"max_length": _("「困っていること」は2000文字までにしてください。")})
    name = _Text(label=_("あなたの呼び名（書かなくてもよい）"), required=False, max_length=60,
                 error_messages={"max_length": _("「呼び名」は60文字までにしてください。")})
    contact_method = forms.ChoiceField(label=_("連絡の方法"), choices=ContactMethod.choices, widget=forms.RadioSelect,
                                       error_messages={"required": _("「連絡の方法」を選んでください。")})
    contact = _Text(label=_("電話番号またはメールアドレス"), max_length=120,
                    error_messages={"required": _("「電話番号またはメールアドレス」を書いてください。"),
                                    "max_length": _("「電話番号またはメールアドレス」が長すぎます。")})
    contact_time = forms.ChoiceField(label=_("連絡してよい時間"), choices=ContactTime.choices, widget=forms.RadioSelect,
                                     initial=ContactTime.ANY,
                                     error_messages={"required": _("「連絡してよい時間」を選んでください。")})
    urgency = forms.ChoiceField(label=_("急ぎますか"), choices=Urgency.choices, widget=forms.RadioSelect,
                                error_messages={"required": _("「急ぎますか」を選んでください。")})
    # The honeypot: hidden from people (CSS and aria-hidden), filled only by programs that fill every field.
    website = forms.CharField(label=_("この欄は空のままにしてください"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("who", "topics", "contact_method", "contact_time", "urgency"):
            self.fields[name].error_messages["invalid_choice"] = _("選べるものから選んでください。")

    def clean(self):
        data = super().clean()
        if not data.get("topics") and not (data.get("message") or "").strip():
            self.add_error("message", _("困っていることを選ぶか、書いてください。"))
        contact = (data.get("contact") or "").strip()
        if contact and data.get("contact_method") == ContactMethod.EMAIL:
            try:
                EmailValidator(message=_("メールアドレスの形が正しくありません。"))(contact)
            except forms.ValidationError as error:
                self.add_error("contact", error)
        elif contact and data.get("contact_method") == ContactMethod.PHONE:
            try:
                _PHONE(contact)
            except forms.ValidationError as error:
                self.add_error("contact", error)
        return data

    @property
    def is_trap(self) -> bool:
        """A program filled the honeypot: answered as if sent, nothing written."""
        return bool(self.data.get("website"))

    def topic_boxes(self):
        """Each topic's checkbox with its pictogram."""
        return [(box, PICTOGRAMS.get(str(box.data["value"]), "")) for box in self["topics"]]


class PassForm(forms.Form):
    to_agency = forms.ModelChoiceField(label="引継ぎ先の機関", queryset=Agency.objects.filter(active=True).order_by("kana"),
                                       error_messages={"required": "引継ぎ先の機関を選んでください。"})
    note = forms.CharField(label="引継ぎの理由（引継ぎ先に見えます）", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
