"""`tsunagu restore FILE`: a backup of `tsunagu backup` back into the database (core.backup). Stop the services first."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tsunagu.core import backup
from tsunagu.core.models import BackupKind
from tsunagu.core.progress import for_command


class Command(BaseCommand):
    help = ("バックアップを復元します。データのあるデータベースには --force がない限り復元しません。"
            "Web サーバーとワーカーを止めてから実行してください。")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="tsunagu backup が書き出したファイル")
        parser.add_argument("--force", action="store_true",
                            help="データのあるデータベースでも作り直して復元する（今のデータはすべて失われます）")
        parser.add_argument("--check", action="store_true",
                            help="復元せず、ファイルの中身（マニフェストとチェックサム）だけを確かめる")

    def handle(self, *args: Any, file: str, force: bool = False, check: bool = False, **options: Any) -> None:
        if check:
            progress = for_command(self.stdout)
            try:
                manifest = backup.check_archive(Path(file), progress=progress)
            except backup.BackupError as error:
                raise CommandError(str(error)) from None
            progress.done(f"ファイルは正常です：{backup.summary(manifest)}")
            return
        with backup.ProgressFile(BackupKind.RESTORE) as shown:
            progress = for_command(self.stdout, listeners=[shown])
            try:
                restored = backup.restore(Path(file), force=force, progress=progress)
            except backup.BackupError as error:
                raise CommandError(str(error)) from None
            progress.done(f"復元しました：{backup.summary(restored.manifest)}。件数はすべて一致しました。")
        if restored.unapplied:
            self.stdout.write(f"この版のマイグレーションが {len(restored.unapplied)} 件未適用です。"
                              "manage.py migrate を実行してから起動してください。")
