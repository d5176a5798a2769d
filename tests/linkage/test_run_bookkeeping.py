"""A 名寄せ run's bookkeeping: its heartbeat, a run whose process died marked failed within minutes (by the next start
and by the worker's beat), a skipped run recorded as skipped (never successful), its stages on the page and in the
command, and the coordinator's dashboard saying when 名寄せ last succeeded and whether that is overdue."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tsunagu.core import worker
from tsunagu.linkage import services
from tsunagu.linkage.models import LinkageRun, RunStatus
from tsunagu.linkage.tasks import link_all_persons

from .helpers import run

pytestmark = pytest.mark.django_db


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def dead_run() -> LinkageRun:
    """A run whose worker was killed: started ten minutes ago, silent for five."""
    return LinkageRun.objects.create(started_at=ago(minutes=10), heartbeat_at=ago(minutes=5), stage="照合しています")


def test_a_run_whose_worker_died_minutes_ago_no_longer_refuses_link_persons(yoshiko, capsys):
    dead = dead_run()
    call_command("link_persons")
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.message.startswith("中断")
    assert LinkageRun.objects.filter(status=RunStatus.DONE).count() == 1
    assert "名寄せが完了しました" in capsys.readouterr().out


def test_a_long_run_that_still_beats_is_not_taken_for_dead_and_the_refused_start_is_recorded_as_skipped(db):
    alive = LinkageRun.objects.create(started_at=ago(hours=2), heartbeat_at=ago(seconds=10))
    with pytest.raises(CommandError, match="すでに実行中"):
        call_command("link_persons")
    alive.refresh_from_db()
    assert alive.status == RunStatus.RUNNING
    skipped = LinkageRun.objects.get(status=RunStatus.SKIPPED)
    assert skipped.finished_at is not None and "すでに実行中" in skipped.message


def test_the_worker_s_beat_marks_a_dead_run_failed_without_waiting_for_the_next_start(db):
    dead, alive = dead_run(), None
    worker.recover()
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.finished_at is not None
    alive = LinkageRun.objects.create(started_at=ago(minutes=1))  # not yet a first beat, but recent
    worker.recover()
    alive.refresh_from_db()
    assert alive.status == RunStatus.RUNNING


def test_a_nightly_task_skipped_because_a_run_is_running_is_not_a_successful_task(db):
    LinkageRun.objects.create(heartbeat_at=timezone.now())
    link_all_persons.enqueue()
    result = DBTaskResult.objects.get()
    worker.Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                  max_tasks=1, worker_id="test", excluded_queue_names=[]).run_task(result)
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert "LinkageBusy" in result.exception_class_path
    assert LinkageRun.objects.filter(status=RunStatus.SKIPPED).count() == 1


def test_a_run_reports_its_stages_and_ends_with_none(yoshiko):
    heard = []
    finished = services.linkage_run(report=heard.append)
    assert [h.split("（")[0] for h in heard] == ["記録を読み込んでいます", "照合しています", "結果を保存しています"]
    finished.refresh_from_db()
    assert finished.stage == "" and finished.heartbeat_at is not None


# --- the coordinator's dashboard and the review page -------------------------------------------------------------------


def test_the_dashboard_says_when_linkage_last_succeeded_and_warns_when_it_is_overdue(client_for, coordinator):
    done = run()
    page = client_for(coordinator).get("/").content.decode()
    assert "名寄せの最終成功" in page and "成功していません" not in page

    LinkageRun.objects.filter(pk=done.pk).update(finished_at=ago(hours=30))
    LinkageRun.objects.create(started_at=ago(hours=5), finished_at=ago(hours=5), status=RunStatus.FAILED,
                              message="中断（実行していたプロセスが応答しなくなったため、失敗として扱いました）")
    page = client_for(coordinator).get("/").content.decode()
    assert "名寄せが 30 時間成功していません" in page
    assert "は失敗：中断（実行していたプロセスが応答しなくなった" in page


def test_the_dashboard_and_the_review_page_show_a_run_in_progress_with_its_stage(client_for, coordinator, alice):
    LinkageRun.objects.create(started_at=ago(minutes=2), heartbeat_at=ago(seconds=5), stage="照合しています（記録 12 件）")
    client = client_for(coordinator)
    assert "実行中：照合しています（記録 12 件）" in client.get("/").content.decode()
    review = client.get("/linkage/review/").content.decode()
    assert "名寄せを実行しています：照合しています（記録 12 件）" in review and 'hx-trigger="every 5s"' in review
    fragment = client.get("/linkage/run/", HTTP_HX_REQUEST="true")
    assert "照合しています（記録 12 件）" in fragment.content.decode() and "HX-Refresh" not in fragment.headers
    LinkageRun.objects.filter(status=RunStatus.RUNNING).update(status=RunStatus.DONE, finished_at=timezone.now())
    assert client.get("/linkage/run/", HTTP_HX_REQUEST="true").headers["HX-Refresh"] == "true"
    assert client_for(alice).get("/linkage/run/").status_code == 404
