"""A worker answers "what's your trade?" however they like; the bot understands or asks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from catalog import default_catalog, normalize_region, normalize_trade

CATALOG = default_catalog()

PHRASINGS = Path(__file__).parent / "data" / "trade_phrasings.tsv"


def labelled_phrasings() -> list[tuple[str, str]]:
    rows = []
    for line in PHRASINGS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line == "text\ttrade":
            continue
        text, trade = line.split("\t")
        rows.append((text, trade))
    return rows


def test_labelled_phrasings_find_the_right_trade_95_percent_of_the_time() -> None:
    catalog = default_catalog()
    rows = labelled_phrasings()
    assert len(rows) >= 150
    assert {trade for _, trade in rows} <= set(catalog.trades)
    misses = []
    for text, trade in rows:
        match = normalize_trade(text, catalog=catalog)
        if match.trade is None or match.trade.id != trade:
            misses.append((text, trade, match.trade.id if match.trade else None))
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= 0.95, misses


@pytest.mark.parametrize(
    ("text", "trade"),
    [
        ("sparky", "electrician"),
        ("plomero", "plumber"),
        ("SOLDADOR", "welder"),
        ("carpintero", "carpenter"),
        ("plumer", "plumber"),
        ("tin knocker", "sheet_metal"),
        ("wrench", "auto_technician"),
        ("grease monkey", "auto_technician"),
        ("HVAC TECH!!! 🔧❄️", "hvac"),
        ("I'm a journeyman plumber in Texas", "plumber"),
        ("hvac service technician", "hvac"),
    ],
)
def test_slang_spanish_caps_and_emoji(text: str, trade: str) -> None:
    match = normalize_trade(text, catalog=CATALOG)
    assert match.trade is not None and match.trade.id == trade
    assert match.candidates[0][0].id == trade
    assert 0 <= match.score <= 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("service technician", {"hvac", "appliance_repair", "fire_alarm_technician"}),
        ("lineman", {"lineworker", "telecom_technician"}),
        ("fitter", {"pipefitter", "fire_sprinkler_fitter"}),
        ("forklift operator", {"forklift_operator", "heavy_equipment_operator"}),
        ("mechanic", {"auto_technician", "diesel_technician", "industrial_maintenance"}),
        ("technician", {"hvac", "auto_technician"}),
        ("operator", {"heavy_equipment_operator", "crane_operator", "forklift_operator"}),
        ("electrician and plumber", {"electrician", "plumber"}),
    ],
)
def test_titles_of_several_trades_make_the_bot_ask(text: str, expected: set[str]) -> None:
    match = normalize_trade(text, catalog=CATALOG)
    assert match.trade is None
    assert match.ambiguous
    assert expected <= {trade.id for trade, _ in match.candidates}


def test_nothing_recognisable_gives_no_trade() -> None:
    assert normalize_trade("", catalog=CATALOG).trade is None
    assert normalize_trade("", catalog=CATALOG).candidates == []
    assert normalize_trade("🔧🔧🔧", catalog=CATALOG).trade is None
    assert normalize_trade("asdkjh qwpoe zmxn", catalog=CATALOG).trade is None


def test_a_4000_character_message_is_fast_and_safe() -> None:
    catalog = default_catalog()
    normalize_trade("warm up", catalog=catalog)
    junk = [
        "x" * 4000,
        ("lorem ipsum dolor sit amet " * 200)[:4000],
        ("technician operator installer mechanic worker " * 100)[:4000],
        "".join(chr(0x1F600 + i % 80) for i in range(4000)),
        ("plumber " * 600)[:4000],
        "\x00\n\t" * 1300,
    ]
    for text in junk:
        started = time.perf_counter()
        match = normalize_trade(text, catalog=catalog)
        assert time.perf_counter() - started < 0.25, text[:40]
        assert 0 <= match.score <= 100
    assert normalize_trade(("plumber " * 600)[:4000], catalog=catalog).trade.id == "plumber"


def test_candidates_carry_soc_codes_through_the_trade() -> None:
    match = normalize_trade("lineman", catalog=CATALOG)
    assert all(trade.soc for trade, _ in match.candidates)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Texas", "US-TX"),
        ("tx", "US-TX"),
        ("TX", "US-TX"),
        ("Ontario", "CA-ON"),
        ("UK", "UK"),
        ("England", "UK"),
        ("Canada", "CA"),
        ("usa", "US"),
        ("I live in New York", "US-NY"),
        ("Ontaro", "CA-ON"),
        ("US-TX", "US-TX"),
        ("", None),
        ("blah", None),
    ],
)
def test_regions_are_normalised(text: str, code: str | None) -> None:
    assert normalize_region(text) == code
