"""Which trade a worker means: "sparky", "plomero", "HVAC TECH!!", "pipe fiter"."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Literal

from catalog.matching import (
    TRADE_ACCEPT,
    TRADE_FLOOR,
    TRADE_MARGIN,
    TradeScore,
    trade_names,
)
from catalog.model import Catalog
from catalog.schema import Trade
from catalog.text import tokens

MAX_CANDIDATES = 5
# Below TRADE_ACCEPT a trade still wins when it scores this much and leads every other
# trade by TRADE_LEAD ("i run a dozer": only one trade has a name with "dozer").
TRADE_CLEAR = 60.0
TRADE_LEAD = 20.0
TRADE_RUNNER_UP = 25.0


@dataclass(frozen=True, slots=True)
class TradeMatch:
    """The trade a text names, or ``trade=None`` and the closest ``candidates`` to ask about.

    ``score`` is 0..100: how well the best name matched. ``candidates`` are (trade, score)
    pairs, best first; when ``trade`` is set it is the first candidate.
    """

    trade: Trade | None
    score: float
    candidates: list[tuple[Trade, float]] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        """Several trades fit: the bot should ask "Did you mean ...?"."""
        return self.trade is None and len(self.candidates) > 1


def normalize_trade(text: str, *, catalog: Catalog) -> TradeMatch:
    """The trade a worker's words name.

    Handles typos ("electrision"), slang ("sparky", "tin knocker"), Spanish ("plomero"),
    capitals, emoji and sentences ("I'm a journeyman plumber in Texas"). Returns
    ``trade=None`` with the closest candidates when nothing matches well enough or when
    the words fit several trades alike ("mechanic", "lineman", "service technician").
    """
    scores = catalog.trade_names.score(text or "")
    if not scores:
        return TradeMatch(None, 0.0, [])
    trades = catalog.trades

    def pairs(items: list[TradeScore]) -> list[tuple[Trade, float]]:
        out: list[tuple[Trade, float]] = []
        seen: set[str] = set()
        for s in items:
            if s.trade_id not in seen:
                seen.add(s.trade_id)
                out.append((trades[s.trade_id], round(s.score, 1)))
        return out[:MAX_CANDIDATES]

    top = scores[0]
    unique = [s for s in scores if not s.entry.shared]
    shared = [s for s in scores if s.entry.shared]
    best_unique = unique[0] if unique else None

    # A name several trades share ("mechanic") explains the words better than any name of
    # one trade, and that trade's name adds no word of its own ("forklift" in "forklift
    # operator", unlike "hvac" in "hvac service tech"): ask among the trades of that name,
    # in the order the taxonomy gives.
    if shared and (
        best_unique is None
        or (shared[0].score > best_unique.score + 1.0 and best_unique.covers <= shared[0].covers)
    ):
        entry = shared[0].entry
        named = [s for s in shared if s.entry == entry]
        named.sort(key=lambda s: entry.trades.index(s.trade_id))
        return TradeMatch(None, round(shared[0].score, 1), pairs(named))

    runner_up = next((s.score for s in scores if s.trade_id != top.trade_id), 0.0)
    clear_winner = (
        best_unique is not None
        and best_unique is top
        and best_unique.score >= TRADE_CLEAR
        and runner_up < best_unique.score - TRADE_LEAD
    )
    if best_unique is None or (best_unique.score < TRADE_ACCEPT and not clear_winner):
        close = [s for s in scores if s.score >= TRADE_FLOOR]
        return TradeMatch(None, round(top.score, 1), pairs(close))

    rivals = [
        s
        for s in unique[1:]
        if s.score >= best_unique.score - TRADE_MARGIN and s.entry != best_unique.entry
    ]
    if rivals:
        close = [s for s in scores if s.score >= best_unique.score - TRADE_MARGIN]
        return TradeMatch(None, round(best_unique.score, 1), pairs(close))

    # Runners-up far behind a sure match are noise, not alternatives.
    floor = max(TRADE_FLOOR, best_unique.score - TRADE_RUNNER_UP)
    others = [s for s in scores if s.trade_id != best_unique.trade_id and s.score >= floor]
    return TradeMatch(
        trades[best_unique.trade_id],
        round(best_unique.score, 1),
        pairs([best_unique, *others]),
    )


# A candidate trade is chosen from the worker's own words when its best READING_DEPTH
# credentials match them this well on average (0..1) and this much better than any other.
READING_MIN = 0.15
READING_LEAD = 1.25
READING_DEPTH = 3
READING_POOL = 300

ReadingHow = Literal["id", "name", "own_words", "all_candidates", "none"]


@dataclass(frozen=True, slots=True)
class TradeReading:
    """How a trade answer was read: one trade, or several when the words fit several alike.

    ``how`` says why: the text was a trade id or a clear name, the worker's own words
    (``matched``) chose among the candidates, or no choice could be made and the advice
    covers every candidate (``all_candidates``; the worker's goals then steer the ranking).
    """

    trades: tuple[str, ...]
    how: ReadingHow
    candidates: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def read_trade(
    text: str | None,
    about: str = "",
    *,
    catalog: Catalog,
) -> TradeReading:
    """The trade(s) to advise for: ``text`` as a trade, resolved by the worker's own words
    (``about``) when it names several ("maintenance tech"), else all of them, instead of
    refusing to answer. Goals never pick a trade (that only HVAC has an "own business"
    credential says nothing about which "mechanic" the worker is); they steer the
    ranking across the readings."""
    if not text:
        return TradeReading((), "none")
    if text in catalog.trades:
        return TradeReading((text,), "id")
    match = normalize_trade(text, catalog=catalog)
    if match.trade is not None:
        return TradeReading((match.trade.id,), "name")
    candidates = tuple(t.id for t, _ in match.candidates)
    if not candidates:
        return TradeReading((), "none")
    if len(candidates) == 1:
        return TradeReading(candidates, "name", candidates)

    # The worker's own words: how well the three best credentials of each candidate trade
    # match what they wrote ("chillers, boilers" -> building maintenance).
    best: dict[str, float] = dict.fromkeys(candidates, 0.0)
    if about and about.strip():
        raw, possible = catalog.index.word_scores(about, prefix_last=False)
        if possible > 0:
            values: dict[str, list[float]] = {t: [] for t in candidates}
            records = catalog.records
            # The best matches decide; a large catalog has thousands of weak ones.
            strongest = heapq.nlargest(READING_POOL, raw.items(), key=itemgetter(1))
            for i, value in strongest:
                for trade_id in records[i].trades:
                    if trade_id in values:
                        values[trade_id].append(value)
            for trade_id, found in values.items():
                top_three = heapq.nlargest(READING_DEPTH, found)
                best[trade_id] = sum(top_three) / READING_DEPTH / possible
    ranked = sorted(candidates, key=lambda t: -best[t])
    top, second = best[ranked[0]], best[ranked[1]]
    if top >= READING_MIN and top >= READING_LEAD * second:
        return TradeReading(
            (ranked[0],), "own_words", candidates, _matched(about, ranked[0], catalog)
        )

    return TradeReading(candidates, "all_candidates", candidates)


def _matched(about: str, trade_id: str, catalog: Catalog) -> tuple[str, ...]:
    """The worker's words that the chosen trade's credentials or names mention. Looked up
    in the index's postings (word -> records), not by reading every credential of the
    trade: at 100,000 records that took seconds."""
    names: set[str] = set()
    for name in trade_names(catalog.trades[trade_id]):
        names.update(tokens(name))
    index, records = catalog.index, catalog.records

    def mentioned(word: str) -> bool:
        if word in names:
            return True
        return any(
            trade_id in records[i].trades
            for _, ids in index.postings.get(word, ())
            for i in ids
        )

    return tuple(
        q
        for q in tokens(about)
        if mentioned(q) or any(mentioned(w) for w, _ in index.vocabulary.expand(q))
    )[:3]
