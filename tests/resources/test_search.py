"""Japanese search: one- and two-character words, synonyms, normalisation, filters, ranking, on either database."""

import pytest
from django.db import connection, transaction

from tsunagu.resources import queries
from tsunagu.resources.queries import Filters

from .helpers import resource

pytestmark = pytest.mark.django_db


def names(filters: Filters, base=None) -> list[str]:
    return [s.name for s in queries.filtered(base or queries.active_services(), filters)]


@pytest.fixture
def directory():
    return {
        "transport": resource("通院送迎ボランティア", description="病院まで車でお送りします", fields=["elderly"],
                              days=["MO"], district="旭町", free=True),
        "mobility": resource("移動支援サービス", description="外出のお手伝い", fields=["disability"], days=["TU"],
                             district="緑町"),
        "dining": resource("ふれあい食堂", description="誰でも食事ができます", fields=["community"], targets=["anyone"],
                           district="旭町"),
        "salon": resource("歌声サロン", description="歌って話す集い", fields=["community", "elderly"],
                          targets=["elderly"], days=["TU"], district="緑町", free=True),
        "hidden": resource("職員向け送迎調整表", visibility="staff", description="送迎の調整"),
    }


def test_one_character_query_finds_substring(directory):
    assert names(Filters(query="食")) == ["ふれあい食堂"]


def test_two_character_query_with_synonyms_ranks_exact_first(directory):
    found = names(Filters(query="送迎"))
    assert found[0] in {"通院送迎ボランティア", "職員向け送迎調整表"}
    assert set(found) == {"通院送迎ボランティア", "移動支援サービス", "職員向け送迎調整表"}
    assert found.index("移動支援サービス") == len(found) - 1  # a synonym hit ranks below the word itself


def test_three_character_query_uses_the_index_and_synonyms(directory):
    assert names(Filters(query="移動支援")) [0] == "移動支援サービス"
    assert "通院送迎ボランティア" in names(Filters(query="移動支援"))


def test_place_synonym_finds_salon(directory):
    assert names(Filters(query="居場所")) == ["歌声サロン"]


def test_katakana_and_full_width_are_folded(directory):
    assert names(Filters(query="さろん")) == ["歌声サロン"]
    assert names(Filters(query="ｻﾛﾝ")) == ["歌声サロン"]


def test_every_word_must_match(directory):
    assert names(Filters(query="送迎 病院")) == ["通院送迎ボランティア"]
    assert names(Filters(query="送迎 サロン")) == []


def test_filters_field_day_district_free(directory):
    assert set(names(Filters(field="elderly"))) == {"通院送迎ボランティア", "歌声サロン"}
    assert set(names(Filters(day="TU"))) == {"移動支援サービス", "歌声サロン"}
    assert set(names(Filters(district="旭町"))) == {"通院送迎ボランティア", "ふれあい食堂"}
    assert set(names(Filters(free=True))) == {"通院送迎ボランティア", "歌声サロン"}
    assert names(Filters(day="TU", field="elderly")) == ["歌声サロン"]


def test_target_filter_includes_entries_for_anyone(directory):
    assert set(names(Filters(target="elderly"))) == {"ふれあい食堂", "歌声サロン"}


def test_public_search_never_returns_staff_only(directory):
    assert "職員向け送迎調整表" not in names(Filters(query="送迎"), base=queries.public_services())


def test_edit_updates_the_index(directory, coordinator):
    from tsunagu.agencies.actor import actor_for
    from tsunagu.resources import services

    dining = directory["dining"]  # no agency maintains it: the coordinator edits it
    services.service_update(actor=actor_for(coordinator), service=dining, data={"name": "こども夕食会", "kind": "formal", "visibility": "public",
                                                  "description": "夕ごはん", "fields": [], "targets": [], "days": []},
                            expected_version=dining.version)
    assert names(Filters(query="食堂")) == []
    assert names(Filters(query="夕食会")) == ["こども夕食会"]


def test_quotes_and_operators_in_query_are_harmless(directory):
    assert names(Filters(query='"送迎" OR NEAR(')) == []
    assert names(Filters(query="*")) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite FTS5 triggers")
def test_lost_triggers_are_restored_after_migrate():
    from tsunagu.resources.search_index import ensure

    resource("歌声サロン")
    with connection.cursor() as cursor:
        for name in ("fts", "chars"):
            for suffix in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER resources_service_{name}_{suffix}")
    resource("ふれあい食堂")  # written while the triggers were gone
    ensure(connection)
    resource("子ども食堂")
    assert set(names(Filters(query="食堂"))) == {"ふれあい食堂", "子ども食堂"}
    assert set(names(Filters(query="食"))) == {"ふれあい食堂", "子ども食堂"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite FTS5 triggers")
def test_index_rows_out_of_step_with_the_rowids_are_rebuilt_after_migrate():
    """The triggers find a service's index row by its rowid; a rebuilt table (or VACUUM) may renumber the rowids,
    and migrate's check then rebuilds the index, so an edit replaces the right row."""
    from tsunagu.resources.search_index import ensure

    salon = resource("歌声サロン")
    resource("ふれあい食堂")
    with connection.cursor() as cursor:
        for table in ("resources_service_fts", "resources_service_chars"):
            cursor.execute(f"UPDATE {table} SET rowid = rowid + 1000")  # noqa: S608 (constant names)
    ensure(connection)
    salon.name = "子ども食堂"
    salon.save()
    from tsunagu.resources.services import search_refresh

    search_refresh([salon])
    assert set(names(Filters(query="食堂"))) == {"ふれあい食堂", "子ども食堂"}
    assert names(Filters(query="歌声")) == []


def test_every_word_of_the_directory_is_found_as_a_plain_substring_scan_would(directory):
    """The indexes (FTS5 on SQLite, the character-pair index on PostgreSQL) find exactly the entries whose text
    holds the word — for every run of one to five letters in the directory, not only the words picked above."""
    from tsunagu.resources import search
    from tsunagu.resources.models import Service

    texts = dict(Service.objects.filter(status="active").values_list("pk", "search_text"))
    words = {text[i:i + n] for text in texts.values() for n in range(1, 6) for i in range(len(text) - n + 1)}
    words = sorted(w for w in words if all(ch.isalnum() or ch == "ー" for ch in w))  # SQLite's index skips punctuation
    for word in words:
        found = set(queries.filtered(queries.active_services(), Filters(query=word)).values_list("pk", flat=True))
        expected = {pk for pk, text in texts.items() if any(v in text for v in search.expand(word))}
        assert found == expected, word


def test_several_words_find_the_entries_holding_each_as_a_plain_substring_scan_would(directory):
    """Every word (or one of its synonyms) in the same entry, whatever the words' lengths: on PostgreSQL the words'
    id sets are intersected in one subquery."""
    from itertools import permutations

    from tsunagu.resources import search
    from tsunagu.resources.models import Service

    texts = dict(Service.objects.filter(status="active").values_list("pk", "search_text"))
    words = ["送迎", "食", "サロン", "旭町", "病院まで", "誰でも", "介護予防", "緑町", "ない言葉"]
    for pair in [*permutations(words, 2), ("送迎", "旭町", "病院"), ("歌", "集い", "緑町", "高齢")]:
        found = list(queries.filtered(queries.active_services(), Filters(query=" ".join(pair))).values_list("pk", flat=True))
        expected = {pk for pk, text in texts.items() if all(any(v in text for v in search.expand(w)) for w in pair)}
        assert set(found) == expected and len(found) == len(expected), pair
    assert names(Filters(query="歌声 サロン 緑町")) == ["歌声サロン"]
    assert names(Filters(query="送迎 旭町"))[0] == "通院送迎ボランティア"  # both words in its name or text: ranked first


def test_lists_without_words_are_in_name_order(directory):
    page = queries.result_page(queries.active_services(), Filters(), 1, 2)
    assert page.paginator.count == 5  # staff see staff-only entries too
    assert [s.name for s in page.object_list] == sorted(s.name for s in queries.active_services())[:2]


@pytest.fixture
def ranked_directory():
    """Entries on which 「食」「送迎」 and their synonyms rank differently: in the name, in the text only, through a
    synonym only — several of each, so that a page of two cuts through every rank."""
    made = []
    for n in range(3):
        made += [
            resource(f"ふれあい食堂{n}", description="誰でも食事ができます", district="旭町"),
            resource(f"配食サービス{n}", description="お弁当を届けます", district="緑町"),
            resource(f"地域サロン{n}", description="昼食つきの集い", district="旭町"),
            resource(f"お弁当の会{n}", description="手作りのお弁当", district="緑町"),
            resource(f"フードバンク窓口{n}", description="食料品をお渡し", district="旭町"),
            resource(f"通院送迎{n}", description="病院まで送迎します", district="緑町"),
            resource(f"外出支援{n}", description="買い物の付き添い", district="旭町"),
            resource(f"移送サービス{n}", description="車いすのまま送迎", district="緑町"),
        ]
    return made


RANKED_QUERIES = ["食", "食堂", "弁当", "送迎", "ふーどばんく", "サロン", "食 旭町", "送迎 病院", "弁当 緑町 届け",
                  "食 旭町 誰でも 集い", "ない言葉", "食 ない言葉"]


@pytest.mark.parametrize("query", RANKED_QUERIES)
def test_a_page_of_a_search_is_the_same_as_ranking_every_match(ranked_directory, query):
    """search.first_ranked reads a page rank by rank (on PostgreSQL), each rank in name order; every page holds the
    rows ranking every match would put there, in the same order, and the total is the number of matches."""
    everything = [s.pk for s in names_base(query)]
    for per_page in (1, 2, 5):
        pages = -(-len(everything) // per_page) or 1
        seen = []
        for number in range(1, pages + 1):
            page = queries.result_page(queries.active_services(), Filters(query=query), number, per_page)
            assert [s.pk for s in page.object_list] == everything[(number - 1) * per_page:number * per_page], (query, number)
            assert page.paginator.count == len(everything) and not page.paginator.capped
            seen += [s.pk for s in page.object_list]
        assert seen == everything


def names_base(query: str, filters: dict | None = None):
    return list(queries.filtered(queries.active_services(), Filters(query=query, **(filters or {}))))


def test_the_ranks_are_name_then_text_then_synonym(ranked_directory):
    found = [s.name for s in names_base("弁当")]
    assert found == ["お弁当の会0", "お弁当の会1", "お弁当の会2",  # the name holds the word
                     "配食サービス0", "配食サービス1", "配食サービス2",  # the text does
                     "ふれあい食堂0", "ふれあい食堂1", "ふれあい食堂2",  # a synonym (食事, 食堂, 食料 …) only
                     "フードバンク窓口0", "フードバンク窓口1", "フードバンク窓口2"]
    page = queries.result_page(queries.active_services(), Filters(query="弁当"), 2, 4)
    assert [s.name for s in page.object_list] == found[4:8]


def test_a_search_with_filters_pages_as_ranking_every_match(ranked_directory):
    for query, filters in [("食", {"district": "旭町"}), ("送迎", {"district": "緑町"}), ("食", {"free": True})]:
        everything = [s.pk for s in names_base(query, filters)]
        page = queries.result_page(queries.active_services(), Filters(query=query, **filters), 1, 2)
        assert [s.pk for s in page.object_list] == everything[:2]
        assert page.paginator.count == len(everything)


def test_a_total_past_the_cap_is_counted_no_further(ranked_directory, monkeypatch):
    monkeypatch.setattr(queries, "CAP", 5)
    everything = [s.pk for s in names_base("食")]
    assert len(everything) > 8

    def page(query, number):
        return queries.result_page(queries.active_services(), Filters(query=query), number, 2)

    first = page("食", 1)
    assert first.paginator.capped and first.paginator.count == 6  # cap + 1: 「5件以上」
    assert [s.pk for s in first.object_list] == everything[:2]
    further = page("食", 4)  # rows past the cap exist already: counted as far as seen
    assert further.paginator.capped and further.paginator.count == 9 and further.has_next()
    last = page("食", 99)  # past the end: the last page
    assert last.number == -(-len(everything) // 2) and [s.pk for s in last.object_list] == everything[(last.number - 1) * 2:]
    short = page("病院", 1)
    assert not short.paginator.capped and short.paginator.count == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranks are read one by one on PostgreSQL (first_ranked)")
def test_a_rank_read_whole_is_not_counted_again(ranked_directory, monkeypatch):
    """A rank the planner reads whole (a word of three characters: its pairs) is counted by the same read; when it
    already holds more than the cap, the total is not counted again. Below the cap it is counted as before."""
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(queries, "CAP", 4)
    everything = [s.pk for s in names_base("お弁当")]  # お弁当の会 (the name), 配食サービス (the text): 3 each
    assert len(everything) == 6
    with CaptureQueriesContext(connection) as captured:  # 3 rows: the name's rank, then 1 of the text's rank of 3
        page = queries.result_page(queries.active_services(), Filters(query="お弁当"), 1, 3)
    assert [s.pk for s in page.object_list] == everything[:3]
    assert page.paginator.capped and page.paginator.count == 6
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    monkeypatch.setattr(queries, "CAP", 100)
    page = queries.result_page(queries.active_services(), Filters(query="お弁当"), 1, 3)
    assert not page.paginator.capped and page.paginator.count == 6


def test_a_list_past_the_cap_says_so_on_the_page(client_for, alice, ranked_directory, monkeypatch):
    from tsunagu.resources import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(queries, "CAP", 5)
    client = client_for(alice)

    def results(params) -> str:
        body = client.get("/resources/", params).content.decode()
        return body[body.index('<section id="results"'):]

    for params in ({"q": "食"}, {}):
        shown = results(params)
        assert "1 ページ目（5件以上）" in shown and "該当 " not in shown and "全 " not in shown
    assert "該当 3 件" in results({"q": "病院"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the names' pieces in name order (0013) are PostgreSQL's")
def test_the_names_pieces_follow_every_write(ranked_directory, coordinator):
    """resources_service_name_gram is kept by a trigger: an entry renamed, ended or written by a publication is read
    off it as the entry now is — the first rank's page is still the full ranking's."""
    from tsunagu.agencies.actor import actor_for
    from tsunagu.resources import services
    from tsunagu.resources.models import Service

    def first_page(query):
        return [s.name for s in queries.result_page(queries.active_services(), Filters(query=query), 1, 3).object_list]

    dining = Service.objects.get(name="ふれあい食堂1")
    services.service_update(actor=actor_for(coordinator), service=dining, expected_version=dining.version,
                            data={"name": "あおぞら食堂", "kind": "formal", "visibility": "public", "fields": [],
                                  "targets": [], "days": [], "description": "誰でも食事ができます"})
    services.service_archive(actor=actor_for(coordinator), service=Service.objects.get(name="ふれあい食堂0"))
    Service.objects.filter(name="配食サービス0").delete()
    for query in ("食", "食堂", "弁当", "あおぞら"):
        assert first_page(query) == [s.name for s in names_base(query)][:3], query
    assert first_page("食")[:2] == ["あおぞら食堂", "ふれあい食堂2"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM resources_service_name_gram g LEFT JOIN resources_service s "
                       "ON s.id = g.service_id AND s.name = g.name WHERE s.id IS NULL")
        assert cursor.fetchone()[0] == 0  # no piece of a name no entry has any more


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the character-pair indexes (0006, 0011) are PostgreSQL's")
@pytest.mark.parametrize("query", ["食 旭町", "送迎 病院", "弁当 緑町 届け", "サロン 旭町 集い", "ふーどばんく 旭町"])
def test_a_rank_read_off_the_index_never_computes_the_index_function_row_by_row(ranked_directory, query):
    """Each rank's index condition is read whole: a bitmap of the character-pair indexes implies it, so the planner
    drops it from the rows' filter. A combination asking two indexes (a word in the name, another in the text) was
    read off one of them and the function computed again on every row read, for every condition of the rank (30 µs a
    call). Bitmap reads forced: on a table this small the planner would rather scan it whole."""
    from django.test.utils import CaptureQueriesContext

    from tsunagu.resources import search

    with CaptureQueriesContext(connection) as captured:
        search.first_ranked(queries.active_services(), query, 30)
    ranks = [q["sql"] for q in captured.captured_queries if "resources_grams" in q["sql"]]
    assert ranks, query
    with connection.cursor() as cursor:
        # Only the character-pair indexes left to read (dropped inside the test's transaction, which is undone)
        cursor.execute("DROP INDEX resources_s_status_b23267_idx, resources_s_visibil_cbbe33_idx")
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            for sql in ranks:
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "Bitmap Index Scan" in plan, plan
                filters = [line for line in plan.splitlines() if "Filter:" in line]
                assert not any("resources_grams" in line for line in filters), plan
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the covering indexes (0015) are PostgreSQL's")
def test_counting_a_list_filtered_by_field_and_day_reads_only_the_indexes(directory):
    """A filtered list's total (up to the cap) is counted off the entries' filter columns and the schedules' days,
    each kept beside the id in an index (0015): a field or a filter read off the table instead — a new filter
    whose column the index lacks — makes the count read a wide row for every entry it walks. Scans of the tables
    forbidden: on a table this small the planner would rather read it whole."""
    from django.test.utils import CaptureQueriesContext

    for n in range(2):
        resource(f"火曜サロン{n}", fields=["elderly"], targets=["elderly"], days=["TU", "FR"], district="緑町", free=True)
    filters = Filters(field="elderly", day="TU", target="elderly", district="緑町", free=True)
    with CaptureQueriesContext(connection) as captured:
        assert queries.result_page(queries.active_services(), filters, 1, 1).paginator.count == 3
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts
    with transaction.atomic(), connection.cursor() as cursor:
        # The tables' rows and the covering indexes left to read: every other index of the two tables (their primary
        # keys with the constraints that need them) dropped inside a transaction, which is undone
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows' deferred checks done, so the tables can change
        cursor.execute("ALTER TABLE resources_service DROP CONSTRAINT resources_service_pkey CASCADE")
        cursor.execute("ALTER TABLE resources_schedule DROP CONSTRAINT resources_schedule_pkey CASCADE")
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('resources_service', 'resources_schedule') "
                       "AND indexname NOT IN ('resources_service_filters', 'resources_schedule_days')")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for sql in counts:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            scans = [line for line in plan.splitlines() if " Scan " in line]
            assert scans and all("Index Only Scan" in line for line in scans), plan
            assert "resources_service_filters" in plan and "resources_schedule_days" in plan, plan
        transaction.set_rollback(True)
