"""`tsunagu backup [FILE]`: the whole installation into one file, while the service keeps running (core.backup)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tsunagu.core import backup
from tsunagu.core.models import BackupKind
from tsunagu.core.progress import for_command


class Command(BaseCommand):
    help = "データベース（とアップロードされたファイル）を、運用を止めずに一つのファイルへバックアップします。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", help="書き出すファイル（省略時は TSUNAGU_BACKUP_DIR/tsunagu-日時.tar）")

    def handle(self, *args: Any, file: str | None = None, **options: Any) -> None:
        with backup.ProgressFile(BackupKind.BACKUP) as shown:  # the progress, also on the administrator's page
            progress = for_command(self.stdout, listeners=[shown])
            try:
                path, manifest = backup.backup(Path(file) if file else None, progress=progress)
            except backup.BackupError as error:
                raise CommandError(str(error)) from None
            size = path.stat().st_size / 1e6
            progress.done(f"バックアップしました：{path}（{size:,.1f} MB、{backup.summary(manifest)}）")
