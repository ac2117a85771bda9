"""Free text outside a question goes where the worker meant, not into a blind search."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.intents import Intent, read_intent
from catalog import default_catalog, normalize_trade

LABELLED = Path(__file__).parent / "data" / "intents.tsv"
TARGET = 0.95


def _labelled() -> list[tuple[str, Intent]]:
    lines = [line for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    rows = csv.reader((line for line in lines if not line.startswith("#")), delimiter="\t")
    next(rows)
    return [(text, Intent(intent)) for text, intent in rows]


def _read(text: str) -> Intent:
    match = normalize_trade(text, catalog=default_catalog())
    return read_intent(text, is_trade=match.trade is not None)


def test_at_least_150_labelled_phrasings_are_routed_right() -> None:
    labelled = _labelled()
    assert len(labelled) >= 150
    wrong = [(text, want, got) for text, want in labelled if (got := _read(text)) != want]
    assert 1 - len(wrong) / len(labelled) >= TARGET, wrong
