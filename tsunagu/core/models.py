"""The shell's own bookkeeping: the record of each backup and restore (`tsunagu backup`, `tsunagu restore`), and the
heartbeat of each background worker (`manage.py db_worker`, core.worker).

Rows here are about the installation, never about a person: a freshly migrated database holding them still counts as
empty for a restore (core.backup.BOOKKEEPING).
"""

from django.db import models
from django.utils import timezone


class BackupKind(models.TextChoices):
    BACKUP = "backup", "バックアップ"
    RESTORE = "restore", "復元"


class BackupRecord(models.Model):
    """One backup or restore, written after the snapshot was taken (so a backup never holds its own record) and after
    a restore's counts were verified."""

    kind = models.CharField("種類", max_length=10, choices=BackupKind.choices)
    started_at = models.DateTimeField("開始日時")
    finished_at = models.DateTimeField("終了日時", default=timezone.now)
    path = models.CharField("ファイル", max_length=1000)
    size = models.BigIntegerField("大きさ（バイト）", default=0)
    sha256 = models.CharField("チェックサム（SHA-256）", max_length=64)
    tables = models.PositiveIntegerField("表の数", default=0)
    rows = models.BigIntegerField("行数", default=0)
    version = models.CharField("版", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "バックアップと復元の記録"
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.finished_at:%Y-%m-%d %H:%M} {self.path}"


class WorkerBeat(models.Model):
    """A background worker's heartbeat, written every few seconds by a thread of the worker (core.worker), also while
    it runs a long task. /healthz reads the newest; a task result left running by a worker whose beat has stopped is
    marked failed by the next worker that beats."""

    worker_id = models.CharField("ワーカー", max_length=64, unique=True)
    host = models.CharField("ホスト", max_length=255)
    pid = models.PositiveIntegerField("プロセス番号")
    started_at = models.DateTimeField("起動日時", default=timezone.now)
    beat_at = models.DateTimeField("最終応答", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "ワーカーの応答"

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class VersionToken(models.Model):
    """One row per kind of computed answer a process keeps (`core.versions`): its `token` changes, to a new random
    value in the writer's transaction, with every write that can change those answers. A process keeps what it
    computed while the token is unchanged; a rolled-back write leaves the old token, which still describes the
    data; tokens are never reused. The kinds: `sharing` (each agency's Scope, `sharing.policy`), `figures` (the
    yearly figures, `reports.figures`), `gaps` (the 制度の狭間 rows, `followups.gaps`)."""

    name = models.CharField("種類", max_length=40, primary_key=True)
    token = models.CharField(max_length=32)
    # Its rows are written by its migration: a database holding only them still counts as empty (core.backup).
    made_by_migrate = True

    class Meta:
        verbose_name = verbose_name_plural = "計算結果の版"

    def __str__(self) -> str:
        return f"{self.name} {self.token}"


class SharedAnswer(models.Model):
    """An answer computed by one process and read by all of them (`core.versions.Shared`): the kind's version token
    (`VersionToken.name`) it was computed under, when, and the answer as JSON — plain values (ids, dates, agency
    names, counts), never a name of a person. Read only while the kind's token is unchanged; the next answer of the
    kind deletes those of an older token. Derived from the other tables and computed again from them."""

    name = models.CharField("種類", max_length=40)
    key = models.CharField("問い", max_length=200)
    token = models.CharField(max_length=32)
    computed_at = models.DateTimeField("計算日時")
    value = models.TextField("答え（JSON）")
    # Derived rows, never what people recorded: a database holding only them still counts as empty (core.backup).
    made_by_migrate = True

    class Meta:
        verbose_name = verbose_name_plural = "共有された計算結果"
        constraints = [models.UniqueConstraint(fields=["name", "key"], name="one_shared_answer_per_key")]

    def __str__(self) -> str:
        return f"{self.name} {self.key}"
