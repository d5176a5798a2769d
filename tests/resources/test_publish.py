"""The publication of an import (resources.hsds.publish): one short transaction, with the services' full-text index
refreshed afterwards in short transactions of its own on SQLite (search_index.publishing / refresh_pending)."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.resources import queries, search_index
from tsunagu.resources.hsds.tabular import import_tabular
from tsunagu.resources.queries import Filters

from .helpers import resource

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite FTS5 triggers")


def _package(tmp_path: Path, count: int, *, word: str = "将棋") -> Path:
    folder = tmp_path / f"pkg-{word}-{count}"
    folder.mkdir()
    (folder / "organizations.csv").write_text("id,name,description\r\norg-1,架空法人,運営\r\n", encoding="utf-8")
    (folder / "services.csv").write_text("id,organization_id,name,status\r\n" + "".join(
        f"svc-{n},org-1,架空の{word}{n},active\r\n" for n in range(count)), encoding="utf-8")
    return folder


def names(query: str) -> set[str]:
    return {s.name for s in queries.filtered(queries.active_services(), Filters(query=query))}


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'resources_service'")
        return {row[0] for row in cursor.fetchall()}


def test_imported_services_are_found_with_their_new_words_once_the_import_returns(tmp_path):
    resource("ふれあい食堂")
    import_tabular(_package(tmp_path, 3, word="将棋"))
    assert names("将棋") == {"架空の将棋0", "架空の将棋1", "架空の将棋2"}
    import_tabular(_package(tmp_path, 2, word="手芸"))  # svc-0 and svc-1 renamed
    assert names("手芸") == {"架空の手芸0", "架空の手芸1"}
    assert names("将棋") == {"架空の将棋2"}
    assert names("食") == {"ふれあい食堂"}


@sqlite_only
def test_the_publication_does_not_index_row_by_row_and_leaves_the_triggers_in_place(tmp_path):
    before = _triggers()
    assert len(before) == 6
    with CaptureQueriesContext(connection) as captured:
        import_tabular(_package(tmp_path, 1200))
    statements = [q["sql"] for q in captured.captured_queries]
    drops = [i for i, sql in enumerate(statements) if sql.startswith("DROP TRIGGER")]
    creates = [i for i, sql in enumerate(statements) if sql.strip().startswith("CREATE TRIGGER")]
    publication = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "resources_service" '))
    assert len(drops) == len(creates) == 6 and max(drops) < publication < min(creates)  # no trigger while it runs
    end = max(creates)
    refreshes = [sql for sql in statements[end:] if sql.startswith("INSERT INTO resources_service_fts(")]
    assert len(refreshes) == 3  # 1,200 services indexed 500 at a time, each chunk a transaction of its own
    assert _triggers() == before
    assert len(names("将棋")) == 1200
    resource("子ども将棋")  # a save after the import: its trigger indexes it
    assert len(names("将棋")) == 1201


@sqlite_only
def test_services_left_unindexed_by_a_process_that_died_are_indexed_by_the_next_migrate(tmp_path):
    salon = resource("歌声サロン")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM resources_service WHERE id = %s", [salon.pk])
        rowid = cursor.fetchone()[0]
        for table in search_index.TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE rowid = %s", [rowid])  # noqa: S608 (constant names)
        cursor.execute(f"INSERT INTO {search_index.PENDING} (service_rowid) VALUES (%s)", [rowid])  # noqa: S608
    assert names("サロン") == set()
    search_index.ensure(connection)
    assert names("サロン") == {"歌声サロン"}
    assert names("歌") == {"歌声サロン"}


def test_a_row_the_file_leaves_as_it_is_is_not_written_again(tmp_path):
    """A re-import of the same directory rewrites nothing: the rows' indexes are left alone and updated_at — the
    public pages' cache key — stays; an entry the file changes is written."""
    from tsunagu.resources.models import Service

    import_tabular(_package(tmp_path, 3))
    before = dict(Service.objects.values_list("pk", "updated_at"))
    folder = _package(tmp_path, 3, word="将棋-again")
    (folder / "services.csv").write_text("id,organization_id,name,status\r\n" + "".join(
        f"svc-{n},org-1,架空の将棋{n if n else '（改）0'},active\r\n" for n in range(3)), encoding="utf-8")
    import_tabular(folder)
    after = dict(Service.objects.values_list("pk", "updated_at"))
    assert after["svc-1"] == before["svc-1"] and after["svc-2"] == before["svc-2"]
    assert after["svc-0"] > before["svc-0"]
    assert Service.objects.get(pk="svc-0").name == "架空の将棋（改）0"
