"""Background work of the directory: an HSDS package uploaded on the page, imported by the worker (`manage.py
db_worker`, core.worker)."""

from django_tasks import task

from . import hsds_imports


@task()
def hsds_import(pk: int) -> dict:
    """Imports the uploaded package of `HsdsImport` pk (hsds_imports.hsds_import_run); its row tells the page how
    far it has got and how it ended. A package with problems ends as a failed import, its findings on the row, with
    nothing written — the task itself succeeds; an unexpected error fails both."""
    return hsds_imports.hsds_import_run(pk=pk)


def recover() -> None:
    """Called at each beat of the worker (core.worker): imports whose task ended unfinished are marked failed."""
    hsds_imports.hsds_imports_expire()
