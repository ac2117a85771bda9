"""The loaded catalog: credentials and trades plus the indexes built from them once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog.matching import CredentialIndex, TradeNames
from catalog.onet import OnetTitle
from catalog.schema import AskName, Credential, Trade


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record was written: shown in error messages and by ``import``."""

    path: Path
    line: int | None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class Catalog:
    """Credentials and trades, indexed for :func:`~catalog.normalize_trade`,
    :func:`~catalog.search` and :func:`~catalog.recommend`.

    Build it once (``load_catalog`` does) and share it: the indexes are read-only.
    """

    def __init__(
        self,
        credentials: Iterable[Credential],
        trades: Sequence[Trade],
        *,
        ask: Sequence[AskName] = (),
        related_soc: dict[str, list[str]] | None = None,
        onet_titles: Iterable[OnetTitle] = (),
        sources: dict[str, Source] | None = None,
        trade_names: TradeNames | None = None,
    ) -> None:
        self.credentials: dict[str, Credential] = {c.id: c for c in credentials}
        self.trades: dict[str, Trade] = {t.id: t for t in trades}
        self.sources: dict[str, Source] = dict(sources or {})
        self.records: list[Credential] = list(self.credentials.values())
        self.position = {c.id: i for i, c in enumerate(self.records)}
        # Depends on the taxonomy alone: callers may share one between catalogs.
        self.trade_names = trade_names or TradeNames(trades, ask, onet_titles, related_soc)
        by_trade: dict[str, list[int]] = {t.id: [] for t in trades}
        by_goal: dict[str, list[int]] = {}
        requiring: dict[str, list[int]] = {}
        parts_of: dict[str, list[int]] = {}
        leading_to: dict[str, list[int]] = {}
        for i, credential in enumerate(self.records):
            for nxt in credential.leads_to:
                leading_to.setdefault(nxt, []).append(i)
            for trade_id in credential.trades:
                by_trade.setdefault(trade_id, []).append(i)
            for goal in credential.goals:
                by_goal.setdefault(goal, []).append(i)
            for prerequisite in credential.prerequisites:
                requiring.setdefault(prerequisite, []).append(i)
            for bigger in credential.part_of:
                parts_of.setdefault(bigger, []).append(i)
        self.by_trade = by_trade
        self.by_goal = by_goal
        # credential id -> records that list it as a prerequisite / that are part of it
        self.requiring = requiring
        self.parts_of = parts_of
        self.leading_to = leading_to  # credential id -> records that lead to it
        # A credential that includes others is the whole ("608 Universal" over "Type I").
        prominence = [min(3, len(parts_of.get(c.id, ()))) / 3.0 for c in self.records]
        self.index = CredentialIndex(self.records, self.trades, prominence)

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        return f"<Catalog {len(self.records)} credentials, {len(self.trades)} trades>"
