"""Japanese text for the workspace: terms of an answer, themes proposed from many answers, similarity of purposes.

Plain Python (janome, whose dictionary ships inside the wheel: nothing is downloaded at run time).
"""

import math
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from janome.tokenizer import Tokenizer

from .builtins import PARTICIPATION_WORDS

# Nouns that say nothing on their own in these sheets.
STOP_TERMS = {
    "こと", "もの", "ため", "よう", "それ", "これ", "ところ", "とき", "方", "人", "的", "等", "など", "さん", "自分",
    "今後", "今回", "場合", "必要", "関係", "状況", "内容", "中", "上", "後", "前", "他", "そう", "感じ", "化",
    "ケース", "部分", "一つ", "みんな", "全体", "以前", "今日", "本人",
}


@lru_cache(maxsize=1)
def _tokenizer():
    return Tokenizer()


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def terms_of(text: str) -> list[str]:
    """Content terms: runs of nouns joined into compounds (情報＋共有 → 情報共有). Verbs are left out on purpose:
    themes read better as nouns."""
    text = normalize(text)
    if not text:
        return []
    terms: list[str] = []
    run: list[str] = []
    for token in _tokenizer().tokenize(text):
        pos = token.part_of_speech.split(",")
        if _joins(pos, run):
            run.append(token.surface)
            continue
        _flush(run, terms)
        run = []
    _flush(run, terms)
    return terms


def _joins(pos: list[str], run: list[str]) -> bool:
    if pos[0] != "名詞" or pos[1] in {"代名詞", "非自立", "数"}:
        return False
    return pos[1] != "接尾" or bool(run)  # a suffix (〜化, 〜的) only extends a compound


def _flush(run: list[str], terms: list[str]) -> None:
    if not run:
        return
    word = "".join(run)
    if len(word) >= 2 and word not in STOP_TERMS and not word.isdigit():
        terms.append(word)


# ---- theme proposals ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    response_id: int
    key: str
    text: str
    terms: frozenset[str]


@dataclass
class ThemeProposal:
    terms: list[str]
    area: str
    answers: list[Answer] = field(default_factory=list)

    @property
    def title(self) -> str:
        return "・".join(self.terms[:3])


def propose_themes(answers: list[Answer], *, max_themes: int = 12, top_terms: int = 60) -> list[ThemeProposal]:
    """Frequent terms, grouped by how often they appear in the same answer; each group with its answers.

    Greedy: the most frequent ungrouped term seeds a group; terms that co-occur with the seed in a good share
    of their answers (Jaccard ≥ 0.2) join it. Simple enough for a planner to trust and correct.
    """
    df = Counter(t for a in answers for t in a.terms)
    frequent = [t for t, n in df.most_common(top_terms) if n >= 2]
    postings = {t: {i for i, a in enumerate(answers) if t in a.terms} for t in frequent}
    used: set[str] = set()
    proposals = []
    for seed in frequent:
        if seed in used:
            continue
        group = [seed] + [t for t in frequent if t not in used and t != seed and _jaccard(postings[seed], postings[t]) >= 0.2]
        used.update(group)
        support = set().union(*(postings[t] for t in group))
        ranked = sorted(support, key=lambda i: -len(answers[i].terms & set(group)))
        proposals.append(ThemeProposal(terms=group[:6], area=area_of(group), answers=[answers[i] for i in ranked]))
        if len(proposals) >= max_themes:
            break
    return proposals


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def area_of(terms: list[str]) -> str:
    hits = sum(1 for t in terms if any(w in t for w in PARTICIPATION_WORDS))
    return "participation" if hits * 2 >= len(terms) and hits else "consultation"


# ---- similarity of short texts (meeting purposes) -----------------------------------------------------------


def _bigrams(text: str) -> Counter:
    text = "".join(ch for ch in normalize(text) if not unicodedata.category(ch).startswith(("P", "Z", "S")))
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def similarity(a: str, b: str) -> float:
    """Cosine of character bigrams: robust for short Japanese phrases without a tokenizer's word boundaries."""
    va, vb = _bigrams(a), _bigrams(b)
    if not va or not vb:
        return 0.0
    dot = sum(n * vb[g] for g, n in va.items() if g in vb)
    return dot / (math.sqrt(sum(n * n for n in va.values())) * math.sqrt(sum(n * n for n in vb.values())))
