"""How many records carry each fact, and how many of those facts name the page that states
them: the figures ``python -m catalog stats`` prints and docs/CATALOG.md records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.model import Catalog
from catalog.provenance import description_findings, is_home_page
from catalog.schema import SOURCED_FACTS, Credential

# The columns of the coverage table, in order.
COLUMNS = ("hours", "cost", "exam", "renewal", "sources", "description_es")


def has_fact(credential: Credential, fact: str) -> bool:
    if fact == "prerequisites":
        return bool(credential.prerequisites)
    return getattr(credential, fact) is not None


def fully_sourced(credential: Credential) -> bool:
    """The record states at least one fact, and every fact it states has a source that is
    not a bare home page (a record stating nothing is not counted as sourced)."""
    stated = [fact for fact in SOURCED_FACTS if has_fact(credential, fact)]
    for fact in stated:
        source = credential.source(fact)
        if source is None or is_home_page(str(source.url)):
            return False
    return bool(stated)


@dataclass(frozen=True, slots=True)
class Coverage:
    records: int
    counts: dict[str, int]  # column -> records that have it ("sources": fully sourced)

    def as_dict(self) -> dict[str, int]:
        return {"records": self.records, **self.counts}


def coverage(credentials: Iterable[Credential]) -> Coverage:
    items = list(credentials)
    counts = {
        "hours": sum(c.hours is not None for c in items),
        "cost": sum(c.cost is not None for c in items),
        "exam": sum(c.exam is not None for c in items),
        "renewal": sum(c.renewal is not None for c in items),
        "sources": sum(fully_sourced(c) for c in items),
        "description_es": sum(bool(c.description_es) for c in items),
    }
    return Coverage(len(items), counts)


def source_counts(credentials: Iterable[Credential]) -> dict[str, int]:
    """Facts stated, facts sourced (first- and third-party), home-page ``source_url``s, and
    records whose description states a number its field leaves empty."""
    stated = sourced = third_party = home_pages = prose = 0
    for c in credentials:
        if is_home_page(str(c.source_url)):
            home_pages += 1
        if any(
            description_findings(c, f, getattr(c, f) or "")
            for f in ("description", "description_es")
        ):
            prose += 1
        for fact in SOURCED_FACTS:
            if not has_fact(c, fact):
                continue
            stated += 1
            source = c.source(fact)
            if source is not None and not is_home_page(str(source.url)):
                sourced += 1
                third_party += source.third_party
    return {
        "facts_stated": stated,
        "facts_sourced": sourced,
        "facts_third_party": third_party,
        "source_url_home_page": home_pages,
        "numbers_only_in_prose": prose,
    }


def coverage_by_trade(catalog: Catalog) -> dict[str, Coverage]:
    """Per trade (a record counts for every trade it lists), trades with records only,
    the trades with most records first."""
    out: dict[str, Coverage] = {}
    by_size = sorted(catalog.trades, key=lambda t: -len(catalog.by_trade.get(t, ())))
    for trade_id in by_size:
        positions = catalog.by_trade.get(trade_id, ())
        if positions:
            out[trade_id] = coverage(catalog.records[i] for i in positions)
    return out


def markdown_table(total: Coverage, per_trade: dict[str, Coverage]) -> str:
    """The coverage table as Markdown: "n (p %)" per column, the whole catalog first."""

    def row(label: str, cov: Coverage) -> str:
        cells = [
            f"{cov.counts[c]} ({100 * cov.counts[c] / cov.records:.0f} %)" if cov.records else "0"
            for c in COLUMNS
        ]
        return f"| {label} | {cov.records} | " + " | ".join(cells) + " |"

    lines = [
        "| trade | records | " + " | ".join(COLUMNS) + " |",
        "|---|---:|" + "---:|" * len(COLUMNS),
        row("**all**", total),
        *(row(trade, cov) for trade, cov in per_trade.items()),
    ]
    return "\n".join(lines)
