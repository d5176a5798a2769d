from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from .models import Agency, Field, JobRole, Membership, Role, Staff


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "ログインIDまたはパスワードが正しくありません。大文字・小文字も確かめてください。",
        "inactive": "このアカウントは無効になっています。システム管理者にお問い合わせください。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "ログインID"
        self.fields["password"].label = "パスワード"


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label="確認コード（6桁）",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class AgencyForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(
        label="分野", choices=Field.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Agency
        fields = ["name", "kana", "kind", "operation", "fields", "address", "phone", "active"]


class StaffForm(forms.ModelForm):
    class Meta:
        model = Staff
        fields = ["login_id", "name", "kana", "email", "is_active"]


class StaffCreateForm(StaffForm):
    password = forms.CharField(label="初期パスワード", widget=forms.PasswordInput, strip=False)

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, Staff(login_id=self.cleaned_data.get("login_id", "")))
        return password


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["agency", "job_role", "role", "started_on"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True)
        self.fields["job_role"].queryset = JobRole.objects.all()
        self.fields["role"].choices = Role.choices


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="用途（例: 集計用スクリプト）", max_length=100)
