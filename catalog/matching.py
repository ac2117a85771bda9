"""The two indexes built once per catalog: trade names and credential search.

Both work the same way: fold the text into tokens, let :class:`~catalog.text.Vocabulary`
turn typos into known words, look the words up in an inverted index to get a few
candidates, and score only those. rapidfuzz does the character-level work (typos and the
final phrase comparison); the inverted index keeps it away from the records a query
cannot mean, which is what makes a 100k-record catalog answer in milliseconds.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from rapidfuzz import fuzz, process

from catalog.onet import OnetTitle
from catalog.schema import AskName, Credential, Trade
from catalog.text import MAX_QUERY_TOKENS, Vocabulary, document_frequencies, tokens

# --------------------------------------------------------------------------- trade names

# Below this a trade is only a candidate ("Did you mean ...?").
TRADE_ACCEPT = 72.0
# Two different trades this close to each other: ask which one.
TRADE_MARGIN = 6.0
# Candidates shown to the user score at least this much.
TRADE_FLOOR = 35.0
# O*NET lists dozens of official titles per occupation; our own names say it better.
ONET_WEIGHT = 0.92

_PARENTHESES = re.compile(r"\(([^)]*)\)")
# Words that only say "someone who does this work": "air conditioning installer" and
# "air conditioning tech" name the same trade.
_ROLE_WORDS = ("tech", "technician", "mechanic", "installer", "repairer", "repairman", "worker")
ROLE_SYNONYMS = {word: tuple(w for w in _ROLE_WORDS if w != word) for word in _ROLE_WORDS}


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One way of naming one or more trades."""

    text: str  # folded, stopwords removed
    words: tuple[str, ...]
    trades: tuple[str, ...]
    kind: str  # "curated", "ask" or "onet"
    weight: float

    @property
    def shared(self) -> bool:
        return len(self.trades) > 1


@dataclass(frozen=True, slots=True)
class TradeScore:
    trade_id: str
    score: float
    entry: NameEntry
    covers: frozenset[int]  # positions of the query words this name accounts for


class TradeNames:
    """Every name of every trade, with an inverted index from word to name."""

    def __init__(
        self,
        trades: Sequence[Trade],
        ask: Sequence[AskName] = (),
        onet_titles: Iterable[OnetTitle] = (),
        related_soc: dict[str, list[str]] | None = None,
    ) -> None:
        self.order = {t.id: i for i, t in enumerate(trades)}
        curated: dict[str, set[str]] = {}
        for trade in trades:
            for name in trade_names(trade):
                key = " ".join(tokens(name))
                if key:
                    curated.setdefault(key, set()).add(trade.id)
        asked: dict[str, tuple[str, ...]] = {}
        for entry in ask:
            key = " ".join(tokens(entry.name))
            if key:
                asked[key] = tuple(entry.trades)
        onet = _onet_names(trades, curated, onet_titles, related_soc or {})

        entries: list[NameEntry] = []
        for key, trade_ids in asked.items():
            entries.append(NameEntry(key, tuple(key.split()), trade_ids, "ask", 1.0))
        for key, ids in curated.items():
            if key not in asked:
                ordered = tuple(sorted(ids, key=self.order.__getitem__))
                entries.append(NameEntry(key, tuple(key.split()), ordered, "curated", 1.0))
        for key, ids in onet.items():
            if key not in asked and key not in curated:
                ordered = tuple(sorted(ids, key=self.order.__getitem__))
                entries.append(NameEntry(key, tuple(key.split()), ordered, "onet", ONET_WEIGHT))
        self.entries = entries
        df, count = document_frequencies(e.words for e in entries)
        self.vocabulary = Vocabulary(df, count, ROLE_SYNONYMS, fuzzy_known_words=True)
        postings: dict[str, list[int]] = {}
        for i, entry in enumerate(entries):
            for word in set(entry.words):
                postings.setdefault(word, []).append(i)
        self.postings = {word: tuple(ids) for word, ids in postings.items()}
        self.idf = {word: self.vocabulary.idf(word) for word in df}
        self.max_idf = max(self.idf.values(), default=1.0)
        self.totals = [sum(self.idf[w] for w in e.words) for e in entries]
        # Workers name their trade the same few ways: "maintenance tech" meets thousands of
        # O*NET titles, so each answer is scored once per process.
        self._scored = lru_cache(maxsize=4096)(self._score)

    def score(self, text: str) -> list[TradeScore]:
        """For each trade the text may mean, its best name of its own and its best shared
        name (a trade can appear twice), best first, scores 0..100."""
        return list(self._scored(text))

    def _score(self, text: str) -> tuple[TradeScore, ...]:
        query = tokens(text, limit=MAX_QUERY_TOKENS)
        if not query:
            return ()
        joined = " ".join(query)
        best_sim: dict[str, float] = {}
        positions: dict[str, set[int]] = {}  # vocabulary word -> query words that may mean it
        weights: list[float] = []
        for k, q in enumerate(query):
            expansions = self.vocabulary.expand(q)
            for word, sim in expansions:
                if sim > best_sim.get(word, 0.0):
                    best_sim[word] = sim
                positions.setdefault(word, set()).add(k)
            weights.append(self.idf[expansions[0][0]] if expansions else self.max_idf)
        query_total = sum(weights)

        candidates: set[int] = set()
        for word in best_sim:
            candidates.update(self.postings.get(word, ()))
        idf = self.idf
        # Best name of each trade, kept apart for names of that trade alone and shared names.
        best: dict[tuple[str, bool], TradeScore] = {}
        for i in candidates:
            entry = self.entries[i]
            covered = 0.0
            hit: set[int] = set()
            for word in entry.words:
                sim = best_sim.get(word)
                if sim is not None:
                    covered += idf[word] * sim
                    hit.update(positions[word])
            if entry.text == joined:
                value = 100.0 * entry.weight
            else:
                query_covered = sum(weights[k] for k in hit)
                # A name of one trade counts when the words contain it ("i'm a journeyman
                # plumber"); a shared name ("installer") only when it is most of what was
                # said, so "air conditioning installer" is not a question.
                share = 0.4 if entry.shared else 0.8
                value = (
                    100.0
                    * entry.weight
                    * (share * covered / self.totals[i] + (1 - share) * query_covered / query_total)
                )
                # Never let a partial match look like a certain one.
                value = min(value, 99.0)
            for trade_id in entry.trades:
                key = (trade_id, entry.shared)
                current = best.get(key)
                if current is None or value > current.score:
                    best[key] = TradeScore(trade_id, value, entry, frozenset(hit))
        return tuple(
            sorted(best.values(), key=lambda s: (-s.score, s.entry.shared, self.order[s.trade_id]))
        )


def trade_names(trade: Trade) -> list[str]:
    """The names we wrote for a trade: display name and its parts, id, Spanish, aliases."""
    names = [trade.name, trade.id.replace("_", " ")]
    base = _PARENTHESES.sub(" ", trade.name)
    names.append(base)
    if "/" in base:
        names.extend(part for part in base.split("/") if part.strip())
    if trade.es:
        names.append(trade.es)
    names.extend(trade.aliases)
    return names


def _onet_names(
    trades: Sequence[Trade],
    curated: dict[str, set[str]],
    titles: Iterable[OnetTitle],
    related_soc: dict[str, list[str]],
) -> dict[str, set[str]]:
    """O*NET title -> our trade ids, splitting codes that several of our trades share.

    Plumbers, pipefitters and sprinkler fitters share one O*NET-SOC code: a title goes to
    the trade whose own names use one of its distinctive words ("sprinkler", "steam"),
    otherwise to the first trade listed with that code.
    """
    by_soc: dict[str, list[str]] = {}
    for trade in trades:
        by_soc.setdefault(trade.soc, []).append(trade.id)
    for trade_id, codes in related_soc.items():
        for code in codes:
            by_soc.setdefault(code, []).append(trade_id)
    words_of: dict[str, set[str]] = {}
    for key, ids in curated.items():
        for trade_id in ids:
            words_of.setdefault(trade_id, set()).update(key.split())
    distinctive: dict[str, set[str]] = {}
    for group in by_soc.values():
        if len(group) < 2:
            continue
        for trade_id in group:
            others: set[str] = set()
            for other in group:
                if other != trade_id:
                    others |= words_of.get(other, set())
            distinctive[trade_id] = words_of.get(trade_id, set()) - others

    names: dict[str, set[str]] = {}
    for title in titles:
        group = by_soc.get(title.soc)
        if not group:
            continue
        for variant in _title_variants(title.title):
            key = " ".join(tokens(variant))
            if not key:
                continue
            if len(group) == 1:
                owners = group
            else:
                words = set(key.split())
                owners = [t for t in group if distinctive.get(t, set()) & words] or group[:1]
            names.setdefault(key, set()).update(owners)
    return names


def _title_variants(title: str) -> list[str]:
    inner = _PARENTHESES.findall(title)
    outer = _PARENTHESES.sub(" ", title)
    return [outer, *inner]


# --------------------------------------------------------------------- credential search

# How much a word counts depending on where in the record it appears.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 1.0,
    "aliases": 1.0,
    "id": 0.8,
    "keywords": 0.7,
    "skills": 0.6,
    "issuer": 0.5,
    "trades": 0.4,
    "description": 0.3,
}
# Only this many best candidates by word score get the slower phrase comparison.
RERANK = 40
PROMINENCE = 0.5
STRONG_FIELD = 0.6
CLOSENESS = 1.0
MAX_SEARCH_TOKENS = 12
# Words workers use for a field that records name differently: "pipeline jobs" (Spanish
# "oleoducto", "gasoducto") are pipe welding tests, a "windmill" is wind turbine work.
CREDENTIAL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pipeline": ("pipe",),
    "pipelines": ("pipe",),
    "windmill": ("wind", "turbine"),
    "windmills": ("wind", "turbine"),
    "windfarm": ("wind",),
    "oleoducto": ("pipe",),
    "oleoductos": ("pipe",),
    "gasoducto": ("pipe",),
    "gasoductos": ("pipe",),
}


def credential_fields(credential: Credential, trades: dict[str, Trade]) -> dict[str, list[str]]:
    """The texts of a credential that search looks at, by field."""
    trade_texts: list[str] = []
    for trade_id in credential.trades:
        trade = trades.get(trade_id)
        if trade is not None:
            trade_texts.append(trade.name)
            if trade.es:
                trade_texts.append(trade.es)
        trade_texts.append(trade_id.replace("_", " "))
    return {
        "name": [credential.name],
        "aliases": list(credential.aliases),
        "id": [credential.id.replace("-", " ")],
        "keywords": list(credential.keywords),
        "skills": list(credential.skills),
        "issuer": [credential.issuer],
        "trades": trade_texts,
        "description": [credential.description],
    }


def record_text(credential: Credential) -> str:
    """One flat string per credential: what a naive fuzzy search compares against."""
    return " | ".join(
        [
            credential.name,
            *credential.aliases,
            credential.issuer,
            *credential.keywords,
            *credential.skills,
        ]
    )


@dataclass(frozen=True, slots=True)
class Scored:
    index: int
    score: float  # 0..100


class CredentialIndex:
    """Inverted index over credential texts: word -> (field weight, record numbers)."""

    def __init__(
        self,
        credentials: Sequence[Credential],
        trades: dict[str, Trade],
        prominence: Sequence[float] | None = None,
    ) -> None:
        self.ids = [c.id for c in credentials]
        # 0..1 per record; breaks near-ties toward the credential others lead to or include
        # ("epa 608" -> Universal before Type I).
        self.prominence = list(prominence) if prominence is not None else [0.0] * len(self.ids)
        # Issuers, skills and trade names repeat across records: fold each text once.
        words_of = lru_cache(maxsize=None)(lambda text: tuple(tokens(text)))
        per_record: list[dict[str, float]] = []
        phrases: list[tuple[str, ...]] = []
        for credential in credentials:
            weights: dict[str, float] = {}
            for field, texts in credential_fields(credential, trades).items():
                field_weight = FIELD_WEIGHTS[field]
                for text in texts:
                    for word in words_of(text):
                        if field_weight > weights.get(word, 0.0):
                            weights[word] = field_weight
            per_record.append(weights)
            names = [credential.name, *credential.aliases, credential.id.replace("-", " ")]
            phrases.append(tuple(dict.fromkeys(" ".join(words_of(n)) for n in names)))
        words_of.cache_clear()
        self.phrases = phrases
        df, count = document_frequencies(per_record)
        self.vocabulary = Vocabulary(df, count, CREDENTIAL_SYNONYMS)
        self.idf = {word: self.vocabulary.idf(word) for word in df}
        self.max_idf = max(self.idf.values(), default=1.0)
        # Tuples of shared int objects rather than arrays: dict.fromkeys() reads them
        # without creating an int per posting, which is what makes a lookup fast.
        numbers = list(range(len(per_record)))
        grouped: dict[str, dict[float, list[int]]] = {}
        for i, weights in zip(numbers, per_record, strict=True):
            for word, field_weight in weights.items():
                grouped.setdefault(word, {}).setdefault(field_weight, []).append(i)
        self.postings: dict[str, tuple[tuple[float, tuple[int, ...]], ...]] = {
            word: tuple(
                (weight, tuple(ids)) for weight, ids in sorted(by_weight.items(), reverse=True)
            )
            for word, by_weight in grouped.items()
        }
        # A word in more records than this is "common" (see word_scores).
        self.common = max(200, len(per_record) // 50)

    def __len__(self) -> int:
        return len(self.ids)

    def word_scores(self, text: str, *, prefix_last: bool = True) -> tuple[dict[int, float], float]:
        """Sum over query words of the best (idf x similarity x field weight) per record.

        Returns the scores and the best score a record could get, to scale them to 0..1.
        Rare words are looked up first; once they have found enough candidates, a word
        found in a large share of the catalog ("training", "level") only adds to those
        candidates instead of bringing in thousands of new ones.
        """
        query = tokens(text, limit=MAX_SEARCH_TOKENS)
        possible = 0.0
        looked_up: list[tuple[int, list[tuple[float, float, tuple[int, ...]]]]] = []
        for position, q in enumerate(query):
            is_last = position == len(query) - 1
            expansions = self.vocabulary.expand(
                q, prefix_from=3 if prefix_last and is_last else None
            )
            if not expansions:
                possible += 0.3 * self.max_idf
                continue
            meant = self.idf[expansions[0][0]]
            possible += meant
            # Another form of the word ("cranes" for "crane") counts as much as the word
            # at most: a rarer form must not outscore the exact one.
            layers = [
                (capped * field_weight, field_weight, ids)
                for word, sim in expansions
                for capped in (min(self.idf[word], meant) * sim,)
                for field_weight, ids in self.postings[word]
            ]
            looked_up.append((sum(len(ids) for _, _, ids in layers), layers))
        looked_up.sort(key=itemgetter(0))

        scores: dict[int, float] = {}
        for size, layers in looked_up:
            # Layers go from the highest value down: a record counts the first it is in.
            layers.sort(key=itemgetter(0), reverse=True)
            if scores and size > self.common:
                # A common word only adds to the candidates rarer words found.
                remaining = set(scores)
                for value, _, ids in layers:
                    hit = remaining.intersection(ids)
                    for i in hit:
                        scores[i] += value
                    remaining -= hit
                    if not remaining:
                        break
                continue
            if not scores and size > self.common:
                # Every word is common ("safety training"): start from the records that
                # have the rarest one in a name, alias, id, keyword or skill.
                strong = [layer for layer in layers if layer[1] >= STRONG_FIELD]
                layers = strong or layers
            # Best value per record, with C-level dict and set operations.
            best: dict[int, float] = dict.fromkeys(layers[0][2], layers[0][0])
            for value, _, ids in layers[1:]:
                best.update(dict.fromkeys(set(ids).difference(best), value))
            if not scores:
                scores = best
            else:
                current = scores.get
                for i, value in best.items():
                    scores[i] = current(i, 0.0) + value
        return scores, possible

    def search(self, text: str, limit: int = 10, *, prefix_last: bool = True) -> list[Scored]:
        scores, possible = self.word_scores(text, prefix_last=prefix_last)
        if not scores or possible <= 0:
            return []
        top = heapq.nlargest(max(RERANK, limit), scores.items(), key=itemgetter(1))
        query = " ".join(tokens(text, limit=MAX_SEARCH_TOKENS))
        # All names of all candidates in one rapidfuzz call per scorer (a C loop).
        names: list[str] = []
        owner: list[int] = []
        for k, (i, _) in enumerate(top):
            names.extend(self.phrases[i])
            owner.extend([k] * len(self.phrases[i]))
        phrase = [0.0] * len(top)
        closeness = [0.0] * len(top)
        for best, scorer in ((phrase, fuzz.token_set_ratio), (closeness, fuzz.token_sort_ratio)):
            for _, value, n in process.extract(query, names, scorer=scorer, limit=None):
                k = owner[n]
                best[k] = max(best[k], value / 100.0)
        ranked: list[Scored] = []
        for k, (i, value) in enumerate(top):
            words = min(value / possible, 1.0)
            # Among names that all contain the query, the closest one wins a near tie
            # ("certified welding inspector": CWI before Associate CWI).
            score = 100.0 * (0.75 * words + 0.25 * phrase[k])
            score += CLOSENESS * closeness[k] + PROMINENCE * self.prominence[i]
            ranked.append(Scored(i, score))
        ranked.sort(key=lambda s: (-s.score, self.ids[s.index]))
        return [Scored(s.index, round(min(s.score, 100.0), 2)) for s in ranked[:limit]]
