"""HSDS imports from the page: the coordinator uploads a data package, the worker imports it, the page follows it.

The file — a .zip of the tabular package's CSV files, or one .json file, what `tsunagu hsds import` reads — is kept
in its `HsdsImport` row, so the worker (another process, perhaps after a restart) reads it from the database. The
task (`tasks.hsds_import`) does what the command does: every value of the whole input checked first, nothing
written while a problem remains, then the one short publishing transaction (hsds.publish). Its progress is written
to the row, throttled to about once a second, each write a transaction of its own (never inside the publication),
and the page polls it.

One import at a time: while one is queued or running a second is refused with a message (the database holds at
most one such row, so two uploads at the same moment cannot both pass). The coordinator alone imports, as she alone
maintains the entries no agency maintains (services.may_maintain): an import updates any entry whose id it names.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.core.progress import Progress, throttled

from .hsds import spec
from .hsds.tabular import MAX_FILE_BYTES, HsdsImportError, ImportResult, read_json, read_tabular, write_rows
from .models import UNFINISHED, HsdsImport, ImportStatus

MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # every file of the zip together, unpacked
NOT_COORDINATOR = "HSDS の取り込みができるのは相談支援包括化推進員です。"
BUSY = "別の取り込みが順番待ちか実行中です。終わってから、もう一度アップロードしてください。"


class ImportBusy(Exception):
    """Another import is queued or running."""


def may_import(actor: Actor) -> bool:
    return actor.is_coordinator


def busy() -> HsdsImport | None:
    return HsdsImport.objects.defer("package").filter(status__in=UNFINISHED).first()


def hsds_import_enqueue(*, actor: Actor, file_name: str, content: bytes, visibility: str) -> HsdsImport:
    """Records the upload and puts its import in the worker's queue; refused while another is unfinished."""
    from .tasks import hsds_import  # noqa: PLC0415 — the task module imports this one

    if not may_import(actor) or actor.agency is None:
        raise PermissionDenied(NOT_COORDINATOR)
    try:
        with transaction.atomic():
            record = HsdsImport.objects.create(uploaded_by=actor.staff, agency=actor.agency, file_name=file_name[:255],
                                               size=len(content), package=content, visibility=visibility)
            result = hsds_import.enqueue(record.pk)
            record.task_id = str(result.id)
            record.save(update_fields=["task_id"])
    except IntegrityError as exc:  # resources_one_hsds_import_at_a_time
        raise ImportBusy(BUSY) from exc
    return record


# ---------- in the worker ----------

def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's files by their name without folders: the package's tables (services.csv …), wherever in the zip."""
    known = {t.path for t in spec.tables()} | {"datapackage.json"}
    found: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = PurePosixPath(info.filename).name
        if not info.is_dir() and name in known and not PurePosixPath(info.filename).name.startswith("."):
            if name in found:
                raise HsdsImportError([f"{info.filename}: 同じ名前のファイル（{name}）が ZIP の中に複数あります。1つにしてください"])
            found[name] = info
    return found


def unpack(content: bytes, folder: Path) -> None:
    """The package's CSV files of a zip written into `folder`: by name only (a path inside the zip never leads
    outside), each within MAX_FILE_BYTES and all within MAX_UNPACKED_BYTES, counted as they are read — a zip's own
    statement of its sizes is not trusted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise HsdsImportError(["ZIP ファイルとして読めません。HSDS の CSV ファイルを ZIP にまとめ直してください"]) from exc
    with archive:
        members = _members(archive)
        if not any(name.endswith(".csv") for name in members):
            raise HsdsImportError(["ZIP の中に HSDS の CSV ファイル（services.csv など）がありません"])
        unpacked = 0
        for name, info in members.items():
            limit = min(MAX_FILE_BYTES, MAX_UNPACKED_BYTES - unpacked)
            try:
                with archive.open(info) as source:
                    data = source.read(limit + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
                raise HsdsImportError([f"{info.filename}: ZIP の中のファイルを展開できません（壊れているか、"
                                       "暗号化されています）"]) from exc
            if len(data) > limit:
                raise HsdsImportError([f"{info.filename}: 展開すると大きすぎます（1ファイル {MAX_FILE_BYTES // 1024 // 1024} MB、"
                                       f"合計 {MAX_UNPACKED_BYTES // 1024 // 1024} MB まで）"])
            unpacked += len(data)
            (folder / name).write_bytes(data)


def _result(result: ImportResult) -> dict[str, Any]:
    return {"created": result.created, "updated": result.updated, "published_in": round(result.published_in, 3)}


def import_package(record: HsdsImport, progress: Progress) -> ImportResult:
    content = bytes(record.package)
    progress.stage("ファイルを読み、すべての行を確認しています")
    if record.file_name.lower().endswith(".json"):
        parsed = read_json(content, record.file_name)
    else:
        with tempfile.TemporaryDirectory(prefix="hsds-import-") as folder:
            unpack(content, Path(folder))
            parsed = read_tabular(Path(folder))
    return write_rows(parsed, visibility=record.visibility, progress=progress)


def _writer(pk: int):
    """The progress listener of an import: its row's stage and counts, one UPDATE (a transaction of its own)."""

    def write(state: dict[str, Any]) -> None:
        HsdsImport.objects.filter(pk=pk).update(stage=state["stage"][:200], done=state["done"], total=state["total"],
                                                unit=state["unit"][:10], progress_at=timezone.now())

    return write


def hsds_import_run(*, pk: int) -> dict[str, Any]:
    """The queued import `pk`, run to its end: done with its counts, or failed with every problem found."""
    started = timezone.now()
    if not HsdsImport.objects.filter(pk=pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=started, progress_at=started):
        return {"skipped": pk}  # already run (or failed by recover) — a task is never run twice over one upload
    record = HsdsImport.objects.get(pk=pk)
    progress = Progress(io.StringIO(), listeners=[throttled(_writer(pk))])
    try:
        result = import_package(record, progress)
    except HsdsImportError as exc:
        _finish(pk, ImportStatus.FAILED, findings=exc.errors,
                message=f"{len(exc.errors)} 件の問題があったため、何も保存していません。直してから、もう一度アップロードしてください。")
        return {"findings": len(exc.errors)}
    except BaseException:
        _finish(pk, ImportStatus.FAILED, message="予期しないエラーで取り込みが止まりました。公開の前に止まったときは何も"
                "保存していません。システム管理者に連絡してください。")
        raise
    _finish(pk, ImportStatus.DONE, created=result.created, updated=result.updated,
            message=f"取り込みました（公開のトランザクション {result.published_in:.1f} 秒）。")
    return _result(result)


def _finish(pk: int, status: str, **values: Any) -> None:
    HsdsImport.objects.filter(pk=pk).update(status=status, finished_at=timezone.now(), **values)


def hsds_imports_expire() -> None:
    """Imports whose task ended without finishing them (the worker killed mid-import, its task marked failed by
    core.worker) are marked failed, so the page stops waiting and a new upload is accepted."""
    from django_tasks_db.compat import TaskResultStatus  # noqa: PLC0415
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

    for record in HsdsImport.objects.defer("package").filter(status__in=UNFINISHED):
        task = DBTaskResult.objects.filter(pk=record.task_id).values_list("status", flat=True).first() \
            if record.task_id else None
        if task is None or task == TaskResultStatus.FAILED:
            _finish(record.pk, ImportStatus.FAILED, message="取り込みを実行していたワーカーが止まりました。公開の前に止まった"
                    "ときは何も保存していません。もう一度アップロードしてください。")
