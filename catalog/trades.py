"""Which trade a worker means: "sparky", "plomero", "HVAC TECH!!", "pipe fiter"."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.loader import default_catalog
from catalog.matching import TRADE_ACCEPT, TRADE_FLOOR, TRADE_MARGIN, TradeScore
from catalog.model import Catalog
from catalog.schema import Trade

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


def normalize_trade(text: str, *, catalog: Catalog | None = None) -> TradeMatch:
    """The trade a worker's words name.

    Handles typos ("electrision"), slang ("sparky", "tin knocker"), Spanish ("plomero"),
    capitals, emoji and sentences ("I'm a journeyman plumber in Texas"). Returns
    ``trade=None`` with the closest candidates when nothing matches well enough or when
    the words fit several trades alike ("mechanic", "lineman", "service technician").
    """
    catalog = catalog or default_catalog()
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
