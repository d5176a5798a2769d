"""Progress of long work (core.progress): in the command line — one line rewritten on a terminal, a line per stage
and per tenth into a log — and, for a backup or restore, on the administrator's page (core.backup.ProgressFile);
for 名寄せ, its stages in `link_persons` (the page's are in tests/linkage/test_run_bookkeeping.py)."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from tsunagu.core import backup
from tsunagu.core.models import BackupKind
from tsunagu.core.progress import Progress


@pytest.fixture(autouse=True)
def _backups_here(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"


def test_into_a_log_each_stage_and_each_tenth_is_one_line():
    out = io.StringIO()
    progress = Progress(out, tty=False)
    progress.stage("複製しています")
    for done in range(0, 101, 5):
        progress.update(done, 100, " ページ")
    progress.done("終わりました")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("複製しています…")
    assert [line.split("…")[1].split("（")[0].strip() for line in lines[1:-1]] == [f"{p}%" for p in range(0, 101, 10)]
    assert lines[-1].startswith("終わりました")


def test_on_a_terminal_one_line_is_rewritten_in_place():
    out = io.StringIO()
    progress = Progress(out, tty=True)
    progress.stage("複製しています")
    progress.update(1, 3)
    progress.update(2, 3)
    progress.done("終わりました")
    text = out.getvalue()
    assert text.count("\r\033[K") == 4 and text.endswith("\n") and text.count("\n") == 2


@pytest.mark.django_db
def test_the_backup_command_shows_its_stages_and_how_far_it_has_got(tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b.tar"), stdout=out)
    text = out.getvalue()
    first = "データベースを複製しています" if connection.vendor == "sqlite" else "pg_dump で書き出しています"
    assert f"{first}… 100%" in text
    assert "チェックサムを計算しています" in text and "バックアップしました" in text
    assert backup.progress_now() is None  # the page's progress file is gone once the work has ended


@pytest.mark.django_db
def test_the_administrator_s_page_shows_a_backup_under_way_and_polls_until_it_ends(client_for, admin_staff, alice):
    client = client_for(admin_staff)
    with backup.ProgressFile(BackupKind.BACKUP) as shown:
        shown({"stage": "データベースを複製しています", "done": 45, "total": 100, "unit": "ページ", "finished": False,
               "elapsed": 12})
        page = client.get("/admin/").content.decode()
        assert "バックアップ中</strong>：データベースを複製しています 45%（12 秒経過）" in page
        assert 'hx-get="/admin/system/" hx-trigger="every 3s"' in page
        assert "バックアップ中" in client.get("/admin/system/").content.decode()
    after = client.get("/admin/system/").content.decode()
    assert "バックアップ中" not in after and "hx-trigger" not in after
    assert "システムの状態" in after and "最終バックアップ" in after
    assert client_for(alice).get("/admin/system/").status_code == 404


def test_a_progress_file_left_by_a_process_that_died_is_not_shown(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = int(finished.stdout)
    shown = backup.ProgressFile(BackupKind.BACKUP, folder=tmp_path)
    shown({"stage": "x", "done": 1, "total": 2, "unit": "", "finished": False, "elapsed": 0})
    assert backup.progress_now(tmp_path)["share"] == 0.5
    text = (tmp_path / backup.PROGRESS_FILE).read_text().replace(f'"pid": {os.getpid()}', f'"pid": {gone}')
    (tmp_path / backup.PROGRESS_FILE).write_text(text)
    assert backup.progress_now(tmp_path) is None


@pytest.mark.django_db
def test_link_persons_shows_each_stage_of_the_run(capsys):
    call_command("link_persons")
    out = capsys.readouterr().out
    assert "記録を読み込んでいます" in out and "照合しています（記録 0 件）" in out and "名寄せが完了しました" in out
