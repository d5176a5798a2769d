"""`manage.py link_persons`: run the 名寄せ now (or `--enqueue` it for the db_worker). See docs/ARCHITECTURE.md."""

from django.core.management.base import BaseCommand, CommandError

from tsunagu.core.progress import for_command
from tsunagu.linkage import services
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
        progress = for_command(self.stdout)
        try:
            run = services.linkage_run(report=progress.stage)
        except services.LinkageBusy as busy:
            raise CommandError(busy.messages[0]) from None
        progress.done(
            f"名寄せが完了しました：記録 {run.records:,} 件 → 本人 {run.persons:,} 人、"
            f"世帯 {run.households:,}、要確認 {run.review_pairs:,} 組。")
