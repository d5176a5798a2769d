"""`manage.py link_persons`: run the 名寄せ now (or `--enqueue` it for the db_worker). See docs/ARCHITECTURE.md."""

from django.core.management.base import BaseCommand, CommandError

from tsunagu.linkage.tasks import link_all_persons


class Command(BaseCommand):
    help = "全機関の本人の記録を名寄せします（夜間の定期実行用）。"

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="今すぐ実行せず、db_worker のキューに入れます。")

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = link_all_persons.enqueue()
            self.stdout.write(f"名寄せをキューに入れました（{result.id}）。db_worker が実行します。")
            return
        summary = link_all_persons.call()
        if "skipped" in summary:
            raise CommandError(summary["skipped"])
        self.stdout.write(
            f"名寄せが完了しました：記録 {summary['records']:,} 件 → 本人 {summary['persons']:,} 人、"
            f"世帯 {summary['households']:,}、要確認 {summary['review_pairs']:,} 組。")
