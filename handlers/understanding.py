"""Every answer a sentence gives: "journeyman welder in texas, want my license" answers
the trade, experience, region and goals questions at once.

Used where a worker types about themselves (the trade, experience, goals and region
questions, and "soy soldador" outside any question). Only these four are read from a
sentence: own words, held credentials and numbers are too easy to misread.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from catalog import normalize_region, normalize_trade
from handlers.choices import EXPERIENCE, GOALS, fold, names_in
from handlers.question import Asking, Value

# Years in the trade → where they are: apprenticeships run about four years; past ten a
# worker usually leads or runs work.
_YEARS = re.compile(r"\b(\d{1,2})\s*(?:\+\s*)?(?:years?|yrs?|yr|anos|años|ano)\b")
JOURNEYMAN_YEARS = 4
MASTER_YEARS = 10
MIN_FUZZY_WORD = 5
# Words that answer the experience question when typed alone, but mean something else in
# a sentence ("lead abatement", "switch gear").
NOT_IN_SENTENCES = frozenset({"lead", "none", "switch", "new"})


def experience_in(text: str) -> str | None:
    """ "5 años soldando" → journeyman; "im an hvac aprentice" → apprentice."""
    years = _YEARS.search(fold(text))
    if years:
        count = int(years.group(1))
        if count >= MASTER_YEARS:
            return "master"
        return "journeyman" if count >= JOURNEYMAN_YEARS else "apprentice"
    words = fold(text).split()
    for key, _, synonyms in EXPERIENCE:
        for name in set(synonyms) - NOT_IN_SENTENCES:
            if " " in name:
                if name in " ".join(words):
                    return key
            elif name in words or (len(name) >= MIN_FUZZY_WORD and _close(name, words)):
                return key
    return None


def _close(name: str, words: list[str]) -> bool:
    return any(len(w) >= MIN_FUZZY_WORD and fuzz.ratio(name, w) >= 85 for w in words)


def understand(text: str, asking: Asking) -> dict[str, Value]:
    """The answers a sentence gives, by question name (only what it clearly says)."""
    found: dict[str, Value] = {}
    trade = normalize_trade(text, catalog=asking.catalog)
    if trade.trade is not None:
        found["trade"] = trade.trade.id
    experience = experience_in(text)
    if experience:
        found["exp"] = experience
    goals = names_in(fold(text), GOALS, asking.t)
    if goals:
        found["goals"] = tuple(goals)
    region = normalize_region(text)
    if region:
        found["region"] = region
    return found
