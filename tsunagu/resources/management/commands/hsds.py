"""`tsunagu hsds export DIR` / `tsunagu hsds import DIR`: the Open Referral HSDS 3.0 tabular data package."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tsunagu.core import progress
from tsunagu.resources.hsds.tabular import HsdsImportError, export_tabular, import_tabular
from tsunagu.resources.models import Visibility


class Command(BaseCommand):
    requires_system_checks: list = []  # an import or export needs no URL or template checks
    help = "HSDS 3.0 の表形式データパッケージ（CSV + datapackage.json）を書き出す／読み込む"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="公開中の社会資源を書き出す")
        export.add_argument("directory")
        export.add_argument("--all", action="store_true", help="職員のみの資源も含める（庁内での移行用）")
        imp = sub.add_parser("import", help="フォルダの CSV を読み込む（すべて正しい場合のみ保存）")
        imp.add_argument("directory")
        imp.add_argument("--staff-only", action="store_true", help="新しい資源を「職員のみ」として登録する")

    def handle(self, *args, action, directory, **options):
        path = Path(directory)
        if action == "export":
            counts = export_tabular(path, public_only=not options["all"])
            self.stdout.write(f"{path} に書き出しました: サービス {counts['service']} 件、"
                              f"提供主体 {counts['organization']} 件、場所 {counts['location']} 件")
            return
        visibility = Visibility.STAFF if options["staff_only"] else Visibility.PUBLIC
        try:
            result = import_tabular(path, visibility=visibility, progress=progress.for_command(self.stdout))
        except HsdsImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"{len(exc.errors)} 件の問題があったため、何も保存していません。") from exc
        created = sum(result.created.values())
        self.stdout.write(f"読み込みました: 新規 {created} 行、更新 {sum(result.updated.values())} 行"
                          f"（サービス 新規 {result.created.get('service', 0)} 件）、公開のトランザクション {result.published_in:.2f} 秒")
