from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from tsunagu.agencies.demo import DEMO_ADMIN_TOTP_KEY, DEMO_BACKUP_CODES, DEMO_LOGINS
from tsunagu.agencies.models import Staff
from tsunagu.core.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "デモ用のログインIDとパスワードを表示します。"

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(Staff.objects.filter(login_id__in=[row[0] for row in DEMO_LOGINS]).values_list("login_id", flat=True))
        if not present:
            self.stdout.write("デモ用アカウントはありません（デモデータが読み込まれていません）。")
            return
        self.stdout.write("")
        self.stdout.write(f"デモ用ログイン（パスワードはすべて {DEMO_PASSWORD}）")
        for login_id, name, _kana, _agency, job_role, role in DEMO_LOGINS:
            if login_id in present:
                self.stdout.write(f"  {login_id:<14} {name}（{role.label}・{job_role}）")
        key = bytes.fromhex(DEMO_ADMIN_TOTP_KEY)
        self.stdout.write("")
        self.stdout.write("admin は二要素認証が必須です。次のどれかを確認コードに入力してください:")
        self.stdout.write(f"  いまの確認コード: {totp(key):06d}（30秒ごとに変わります。`tsunagu demo_logins` で再表示）")
        self.stdout.write(f"  バックアップコード（各1回限り）: {', '.join(DEMO_BACKUP_CODES)}")
        self.stdout.write("")
