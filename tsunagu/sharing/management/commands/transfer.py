"""`tsunagu transfer import FILE`: a 転出 bundle from another municipality's Tsunagu, recorded as a 転入 for the
coordinator (sharing.move_out). A bundle of an unknown version, not valid against its schema or with a broken
reference is refused with a Japanese message and nothing is written."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tsunagu.sharing.move_out import SUPPORTED_VERSIONS, BundleRefused, move_in_receive


class Command(BaseCommand):
    help = "転出・転入の引継ぎファイルを扱います。 import FILE: 他の自治体からの引継ぎファイルを転入として取り込みます。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import"], help="import: 引継ぎファイルを取り込む")
        parser.add_argument("file", help="引継ぎファイル（JSON）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"引継ぎファイル「{path}」を開けません: {error.strerror}") from None
        try:
            row = move_in_receive(data)
        except BundleRefused as error:
            raise CommandError(f"取り込みませんでした（何も記録していません）: {error}") from None
        self.stdout.write(f"転入の引継ぎを受け付けました（{row.from_municipality} {row.from_agency} から、"
                          f"様式 {row.schema_version}、番号 {row.pk}）。相談支援包括化推進員のダッシュボードに表示されます。")
        self.stdout.write(f"対応している様式の版: {'、'.join(sorted(SUPPORTED_VERSIONS))}", self.style.NOTICE)
