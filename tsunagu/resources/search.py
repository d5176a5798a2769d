"""Japanese search over the directory: normalisation, synonyms, an index per database, ranking.

Each service keeps `search_text`, its words normalised once (NFKC, lower case, katakana folded to hiragana), so
「サロン」 finds 「さろん」 and full-width 「ＡＢＣ」 finds "abc". The text is indexed by FTS5's trigram tokenizer on
SQLite. Trigrams need three characters: on SQLite a one- or two-character word (「食」「送迎」) goes to a second
FTS5 index whose tokens are single characters (a phrase query). On PostgreSQL one GIN index holds every entry's
single characters and character pairs (migration 0006): a short word is one of its keys, a longer word needs all
its pairs and is then checked on the few entries that have them.

A page of a ranked search costs its page, not its matches (`first_ranked`): on a 政令市's 50,000 entries a common
word matches 10,000 of them, and ranking them all took 60–85 ms per page.
"""

import unicodedata
from dataclasses import dataclass
from itertools import product

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.expressions import RawSQL

from tsunagu.agencies.models import Field

from .models import ResourceKind, Service, Target

# Words people use for the same thing. A query for any word of a group finds the others, ranked below exact hits.
SYNONYM_GROUPS = [
    ["送迎", "移動支援", "通院", "外出支援", "移送", "付き添い"],
    ["居場所", "サロン", "たまり場", "交流の場", "オープンスペース"],
    ["食事", "食堂", "配食", "弁当", "フードバンク", "食料"],
    ["見守り", "安否確認", "声かけ"],
    ["子育て", "育児", "子ども"],
    ["仕事", "就労", "就職", "働く"],
    ["お金", "生活費", "家計", "貸付"],
    ["ひきこもり", "引きこもり", "不登校"],
    ["認知症", "物忘れ", "もの忘れ"],
    ["体操", "運動", "介護予防"],
    ["ペット", "犬", "猫"],
]

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().translate(_KATAKANA_TO_HIRAGANA)


def _group_index() -> dict[str, list[str]]:
    index = {}
    for group in SYNONYM_GROUPS:
        normalised = [normalize(word) for word in group]
        for word in normalised:
            index[word] = normalised
    return index


_SYNONYMS = _group_index()


def expand(word: str) -> list[str]:
    """The word first, then its synonyms."""
    word = normalize(word)
    return [word] + [w for w in _SYNONYMS.get(word, []) if w != word]


def split_query(query: str) -> list[str]:
    return [w for w in normalize(query).replace("　", " ").split() if w][:8]


def search_text_for(service: Service, *, organization_name: str = "", extra: list[str] | None = None) -> str:
    fields = dict(Field.choices)
    targets = dict(Target.choices)
    parts = [
        service.name, service.alternate_name, organization_name, service.keywords, service.district,
        service.description, service.eligibility_description, service.fees_description,
        " ".join(fields.get(f, "") for f in service.field_list),
        " ".join(targets.get(t, "") for t in service.target_list),
        dict(ResourceKind.choices).get(service.kind, ""), "無料" if service.free else "",
        *(extra or []),
    ]
    return normalize(" ".join(p for p in parts if p))


def chars(text: str) -> str:
    """One token per character, for the SQLite character index: 「送迎 食」 → "送 迎 食"."""
    return " ".join(ch for ch in text if not ch.isspace())


def _variants_filter(variants: list[str]) -> Q:
    """Any of the variants: on PostgreSQL one read of the character-pair index per long word and one for all the
    short ones; on SQLite one FTS5 query for the long ones and one for the short ones."""
    if connection.vendor == "postgresql":
        sql, params = _grams_subquery(variants)
        return Q(pk__in=RawSQL(sql, params))  # noqa: S611 (constant SQL; the words are parameters)
    if connection.vendor != "sqlite":
        found = Q()
        for word in variants:
            found |= Q(search_text__contains=word)
        return found
    found = Q()
    long_words = [w for w in variants if len(w) >= 3]
    short_words = [w for w in variants if len(w) < 3]
    if long_words:
        expression = " OR ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        found |= Q(pk__in=RawSQL("SELECT service_id FROM resources_service_fts WHERE body MATCH %s", [expression]))
    if short_words:
        # Shorter than a trigram: the character index (0005), where 「送迎」 is the phrase "送 迎".
        expression = " OR ".join('"' + chars(w).replace('"', '""') + '"' for w in short_words if chars(w))
        if expression:
            found |= Q(pk__in=RawSQL("SELECT service_id FROM resources_service_chars WHERE body MATCH %s",
                                     [expression]))
    return found


def pairs(word: str) -> list[str]:
    """「ふーどばんく」 → ["ふー", "ーど", "どば", "ばん", "んく"], each pair once."""
    return list(dict.fromkeys(word[i:i + 2] for i in range(len(word) - 1)))


def _grams_subquery(variants: list[str]) -> tuple[str, list]:
    """Ids of the entries holding any variant, read off the PostgreSQL character-pair index (0006).

    One arm per long word keeps each arm a plain index read; in one OR the planner would compute the index's
    function again for every candidate entry.
    """
    short_words = [w for w in variants if len(w) <= 2]
    arms: list[str] = []
    params: list[str | list[str]] = []
    if short_words:
        arms.append("SELECT id FROM resources_service WHERE resources_grams(search_text) && %s::text[]")
        params.append(short_words)
    for word in variants:
        if len(word) > 2:
            arms.append("SELECT id FROM resources_service "
                        "WHERE resources_grams(search_text) @> %s::text[] AND strpos(search_text, %s) > 0")
            params += [pairs(word), word]
    return " UNION ALL ".join(arms), params


def _all_words_subquery(words: list[str]) -> RawSQL:
    """Ids of the entries holding every word (or one of its synonyms), on PostgreSQL: each word's ids read off the
    character-pair index and the sets intersected. With one `IN` per word the planner, expecting a few hundred ids
    from the first, checked each later word on every one of them, computing the index's function row by row: on a
    政令市's 50,000 entries 「子育て ひろば」 took 1.2 s (13,000 candidates) rather than 0.35 s."""
    parts = [_grams_subquery(expand(word)) for word in words]
    sql = " INTERSECT ".join(f"({part})" for part, _ in parts)
    return RawSQL(sql, [param for _, params in parts for param in params])  # noqa: S611 (constant SQL; the words are parameters)


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """Every word (or one of its synonyms) must appear. Ranked: name hits, then exact words, then synonyms."""
    words = split_query(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql" and len(words) > 1:
        queryset = queryset.filter(pk__in=_all_words_subquery(words))
    else:
        for word in words:
            queryset = queryset.filter(_variants_filter(expand(word)))
    rank_terms = []
    for word in words:
        rank_terms.append(Case(When(search_name__contains=word, then=Value(4)),
                               When(search_text__contains=word, then=Value(2)),
                               default=Value(1), output_field=IntegerField()))
    rank = sum(rank_terms[1:], rank_terms[0])
    return queryset.annotate(rank=rank).order_by("-rank", "name", "id")


# ---------- a ranked page whose cost follows the page (PostgreSQL) ----------

# Each word's rank: 4 when the name holds it, 2 when the rest of the text does, 1 when only a synonym is found. A row's
# rank is the sum over the words; rows of one rank are in name order (`matching`).
WORD_RANKS = (4, 2, 1)
MAX_RANKED_WORDS = 3  # more words: every combination of their ranks would be an arm (3**n); ranked whole instead


def _grams_any(column: str, words: list[str]) -> RawSQL:
    """Entries whose `column` holds one of `words`, as the character-pair index (0006, 0011) reads it: a short word is
    one of its keys, a longer word needs all its pairs (exact only together with a LIKE on the word)."""
    short_words = [w for w in words if len(w) <= 2]
    arms: list[str] = []
    params: list[list[str]] = []
    if short_words:
        arms.append(f"resources_grams({column}) && %s::text[]")
        params.append(short_words)
    for word in words:
        if len(word) > 2:
            arms.append(f"resources_grams({column}) @> %s::text[]")
            params.append(pairs(word))
    return RawSQL("(" + " OR ".join(arms) + ")", params, output_field=BooleanField())  # noqa: S611 (constant SQL; the words are parameters)


def _any_in_text(words: list[str]) -> Q:
    found = Q()
    for word in words:
        found |= Q(search_text__contains=word)
    return found


def _word_rank(word: str, rank: int) -> Q:
    """The entries on which `word` ranks `rank`, exactly as `matching` ranks them (LIKE conditions)."""
    variants = expand(word)
    if rank == 4:
        return Q(search_name__contains=word) & _any_in_text(variants)
    if rank == 2:
        return ~Q(search_name__contains=word) & Q(search_text__contains=word)
    return ~Q(search_name__contains=word) & ~Q(search_text__contains=word) & _any_in_text(variants[1:])


def _combination_index(words: list[str], combination: tuple[int, ...]) -> tuple[RawSQL, bool]:
    """One read of one character-pair index that every entry of a combination of the words' ranks is among: the
    pieces of its name words in the name's index when no word ranks by the text alone, else the pieces of every
    word found as itself in the text's (a name is part of the text), else the first word's synonyms in the text's.

    One condition, not one per word: the planner either reads it whole or not at all. Given two (「介護予防」 in the
    name and 「緑町」 in the text), it read one off its index and, the bitmap no longer implying the pair, computed
    the index's function again on every row read for each condition of the rank (30 µs a call; 「介護予防 緑町」 on
    a 政令市, 140 rows: 6.6 ms instead of 0.9).

    With it, whether the planner reads its holders whole: when it asks two pieces or more at once (`Level.whole`)."""
    in_name = [w for w, rank in zip(words, combination, strict=True) if rank == 4]
    in_text = [w for w, rank in zip(words, combination, strict=True) if rank == 2]
    if in_text or in_name:
        column, held = ("search_text", in_name + in_text) if in_text else ("search_name", in_name)
        pieces = sorted({piece for word in held for piece in _pieces(word)})  # sorted: one condition per set
        index = RawSQL(f"resources_grams({column}) @> %s::text[]", [pieces], output_field=BooleanField())  # noqa: S611 (constant SQL; the words are parameters)
        return index, len(pieces) > 1
    return _grams_any("search_text", expand(words[0])[1:]), False


@dataclass(frozen=True)
class Level:
    """The entries of one rank: `exact` (the LIKEs) and `indexed` (the index reads they imply); `name_words`, the words
    every one of them holds in its name when the rank is one combination; `whole`, when each index read asks for
    two pieces or more — a word of three characters or more, or several words — whose holders the planner, estimating
    them few, reads whole and sorts (so the rank's size costs nothing more)."""

    rank: int
    exact: Q
    indexed: Q
    name_words: list[str]
    whole: bool


def _levels(words: list[str]) -> list[Level]:
    """(rank, the entries of that rank) for every rank a row can have, highest first: each rank the union of the
    combinations of the words' ranks that add up to it.

    Each rank is asked as two conditions side by side: the LIKEs, exact, and one index read per combination
    (`_combination_index`), which they imply. The planner reads the index for a rare rank, or walks the name index
    for a common one, testing the LIKEs — cheaper than the index's function — first. Kept apart, the index's
    condition is the bitmap's own and is not computed again for each row read (inside one OR of the combinations it
    was: 180 µs a row)."""
    exact: dict[int, Q] = {}
    indexed: dict[int, list[RawSQL]] = {}
    whole: dict[int, bool] = {}
    combinations: dict[int, list[tuple[int, ...]]] = {}
    for combination in product(WORD_RANKS, repeat=len(words)):
        if any(rank == 1 and len(expand(word)) == 1 for word, rank in zip(words, combination, strict=True)):
            continue  # a word without synonyms cannot rank 1: the combination is empty
        arm = Q()
        for word, rank in zip(words, combination, strict=True):
            arm &= _word_rank(word, rank)
        total = sum(combination)
        exact[total] = exact[total] | arm if total in exact else arm
        index, read_whole = _combination_index(words, combination)
        whole[total] = whole.get(total, True) and read_whole
        if not any((index.sql, index.params) == (other.sql, other.params) for other in indexed.get(total, [])):
            indexed.setdefault(total, []).append(index)
        combinations.setdefault(total, []).append(combination)
    levels = []
    for total in sorted(exact, reverse=True):
        either = Q()
        for index in indexed[total]:
            either |= Q(index)
        levels.append(Level(total, exact[total], either, _name_words(words, combinations[total]), whole[total]))
    return levels


def _name_words(words: list[str], combinations: list[tuple[int, ...]]) -> list[str]:
    """The words every row of a rank holds in its name, when the rank is one combination of the words' ranks."""
    if len(combinations) != 1:
        return []
    return [word for word, rank in zip(words, combinations[0], strict=True) if rank == 4]


def _pieces(word: str) -> list[str]:
    """The pieces of resources_grams a name holding `word` holds: the word itself when short, else its pairs."""
    return [word] if len(word) <= 2 else pairs(word)


def _rarest_piece(words: list[str]) -> str:
    """Of the pieces every name of a rank holds, the one the fewest names hold (counted up to 1,000 each)."""
    pieces = list(dict.fromkeys(piece for word in words for piece in _pieces(word)))
    if len(pieces) == 1:
        return pieces[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT piece, (SELECT count(*) FROM (SELECT 1 FROM resources_service_name_gram "
                       "WHERE gram = piece LIMIT 1000) held) FROM unnest(%s::text[]) AS piece", [pieces])
        counts = dict(cursor.fetchall())
    return min(pieces, key=lambda piece: counts.get(piece, 0))


def _by_name_piece(queryset: QuerySet, piece: str, limit: int) -> list:
    """The ids of the first `limit` rows of `queryset` (ordered by name and id) whose name holds `piece`, read off
    resources_service_name_gram (0013) in that order: a nested loop from its ordered key to each entry by its
    primary key, which stops after `limit` rows — the cost of the page, not of the names holding the piece."""
    query = queryset.query
    if len(query.alias_map) > 1:  # a filter joining another table: its conditions need that table's alias
        return list(queryset.filter(_grams_any("search_name", [piece])).order_by("name", "id")
                    .values_list("id", flat=True)[:limit])
    try:
        where, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return []
    where = where or "TRUE"
    table = connection.ops.quote_name(Service._meta.db_table)
    sql = (f"SELECT g.service_id FROM resources_service_name_gram g JOIN {table} ON {table}.id = g.service_id "  # noqa: S608 (constant SQL; the words are parameters)
           f"WHERE g.gram = %s AND {where} ORDER BY g.name, g.service_id LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [piece, *params, limit])
        return [row[0] for row in cursor.fetchall()]


@dataclass
class Ranked:
    """The ids of a page's rows and the ones before them, and how many entries are known to match: the rows read,
    and the whole of each rank read whole (a rank of 3,360 rows whose first 30 were read says 3,360)."""

    ids: list
    known: int


def first_ranked(queryset: QuerySet, query: str, limit: int) -> Ranked:
    """The ids of the first `limit` entries of `matching(queryset, query)` — the same rows in the same order — read
    rank by rank, highest first, each rank's rows in name order and no more of them than the page still needs: the
    rows of a rank are fewer than all matches and are read off an index, so a page of a common word reads about its
    own rows (「食」 on a 政令市: 31 of 10,080) instead of ranking every match.

    A rank the planner reads whole (`Level.whole`) is counted by the same read (a window over its rows): when it
    alone holds more than the list's cap, the total need not be counted again (`known`, for `count_up_to`).

    On SQLite (a town's or a city's directory) and for more than MAX_RANKED_WORDS words, every match is ranked."""
    words = split_query(query)
    if connection.vendor != "postgresql" or not words or len(words) > MAX_RANKED_WORDS:
        ids = list(matching(queryset, query).values_list("id", flat=True)[:limit])
        return Ranked(ids, len(ids))
    found: list = []
    known = 0
    for level in _levels(words):
        if len(found) >= limit:
            break
        rows = queryset.filter(level.exact)
        if level.name_words:  # every row of the rank holds these words in its name: read in name order off their pieces
            read = _by_name_piece(rows, _rarest_piece(level.name_words), limit - len(found))
            size = len(read)
        elif level.whole:
            counted = list(rows.filter(level.indexed).order_by("name", "id")
                           .annotate(rank_size=Window(Count("id"))).values_list("id", "rank_size")[:limit - len(found)])
            read, size = [pk for pk, _ in counted], (counted[0][1] if counted else 0)
        else:
            read = list(rows.filter(level.indexed).order_by("name", "id").values_list("id", flat=True)[:limit - len(found)])
            size = len(read)
        known = len(found) + size
        found += read
    return Ranked(found, known)


def count_matching(queryset: QuerySet, query: str, *, cap: int | None = None) -> int:
    """How many entries match `query`, counted no further than `cap` + 1 when a cap is given (on PostgreSQL read off
    the index and stopped there)."""
    words = split_query(query)
    if connection.vendor == "postgresql" and words:
        for word in words:
            variants = expand(word)
            queryset = queryset.filter(Q(_grams_any("search_text", variants)) & _any_in_text(variants))
    else:
        queryset = matching(queryset, query)
    queryset = queryset.order_by()
    return queryset[:cap + 1].count() if cap is not None else queryset.count()
