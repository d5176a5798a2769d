import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tsunagu.core.demo import POSTGRESQL_ONLY, PROFILES, demo_generate
from tsunagu.core.registry import app_modules


def data_present() -> bool:
    """Whether the database holds any app's data: each app's `demo.py` may say so with `present()` (core.registry)."""
    return any(module.present() for module in app_modules("demo") if hasattr(module, "present"))


class Command(BaseCommand):
    help = "架空のデモ自治体（town: 当別町規模 / city: 苫小牧市規模 / metro: 政令市規模・PostgreSQL のみ）のデータを生成します。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--profile", choices=PROFILES, default="town")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="データがすでにあれば何もしない")
        parser.add_argument("--flush", action="store_true", help="既存のデータをすべて消してから生成する（デモ環境専用）")

    def handle(self, *args: Any, profile: str, seed: int, if_empty: bool, flush: bool, **options: Any) -> None:
        if profile in POSTGRESQL_ONLY and connection.vendor != "postgresql":
            raise CommandError(f"プロファイル {profile} は PostgreSQL でのみ生成できます（SQLite には大きすぎます）。"
                               "DATABASE_URL に PostgreSQL のデータベースを指定してください。")
        if data_present():
            if if_empty:
                self.stdout.write("データベースにデータがあるため、デモデータの生成を省略しました。")
                return
            if not flush:
                raise CommandError(
                    "データベースにすでにデータがあります。デモ環境を作り直す場合に限り --flush を付けてください。"
                )
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        self.stdout.write(f"デモ自治体（{profile}, seed={seed}）を生成しています…")
        demo_generate(profile=profile, seed=seed, out=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"完了しました（{time.perf_counter() - started:.1f} 秒）。"))
