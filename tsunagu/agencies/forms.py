from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from tsunagu.core.dates import DateField, DateStyle

from .models import Agency, Field, JobRole, Membership, Role, Staff


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "ログインIDまたはパスワードが正しくありません。大文字・小文字も確かめてください。",
        "inactive": "このアカウントは無効になっています。システム管理者にお問い合わせください。",
        "locked": "システム管理者がこのアカウントをロックしています。解除はシステム管理者に依頼してください。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "ログインID"
        self.fields["password"].label = "パスワード"

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            # An account an admin locked is refused like a wrong password; only whoever knows the password is
            # told why (so the lock is no hint to someone guessing).
            login_id, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            staff = Staff.objects.filter(login_id=login_id, locked_at__isnull=False).first() if login_id else None
            if staff is not None and password and staff.check_password(password):
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            raise


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label="確認コード（6桁）",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class AgencyForm(forms.ModelForm[Agency]):
    # The model's 分野 column is called `fields`; the form's metaclass moves this declaration into
    # declared_fields, so BaseForm.fields (the bound fields) is untouched, whatever its class attribute says.
    fields = forms.MultipleChoiceField(  # type: ignore[assignment]
        label="分野", choices=Field.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Agency
        fields = ["name", "kana", "kind", "operation", "fields", "address", "phone", "active"]


class StaffForm(forms.ModelForm[Staff]):
    class Meta:
        model = Staff
        fields = ["login_id", "name", "kana", "email", "is_active"]


class StaffCreateForm(StaffForm):
    password = forms.CharField(label="初期パスワード", widget=forms.PasswordInput, strip=False,
                               help_text="10文字以上で、ログインIDや氏名に似ていないもの。")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        password = data.get("password")
        if password:
            # judged against this new account's own login id, name, kana and e-mail address
            would_be = Staff(**{f: data.get(f) or "" for f in ("login_id", "name", "kana", "email")})
            try:
                password_validation.validate_password(password, would_be)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class PasswordSetForm(forms.Form):
    password = forms.CharField(label="新しいパスワード", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               strip=False, help_text="10文字以上で、ログインIDや氏名に似ていないもの。本人に安全な方法で伝えてください。")


class StaffLockForm(forms.Form):
    reason = forms.CharField(label="ロックの理由", max_length=200,
                             help_text="例: パスワード流出の疑い、不審な操作の記録")


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label="権限", choices=Role.choices)


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ["agency", "job_role", "role", "started_on"]
        field_classes = {"started_on": DateField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Agency]", self.fields["agency"]).queryset = Agency.objects.filter(active=True)
        cast("forms.ModelChoiceField[JobRole]", self.fields["job_role"]).queryset = JobRole.objects.all()
        cast(forms.ChoiceField, self.fields["role"]).choices = Role.choices


class DateStyleForm(forms.Form):
    date_style = forms.ChoiceField(label="日付の表示", choices=DateStyle.choices, widget=forms.RadioSelect)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="用途（例: 集計用スクリプト）", max_length=100)
