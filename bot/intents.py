"""What a worker wants when they type outside a question: intent before search.

"hola" is a greeting, "i studied 2 hours" a progress log, "stop reminders" a request to
pause them; only text that reads like a credential or skill question becomes a catalog
search. Intents are data: `intents.yaml` lists phrasings per intent in English and
Spanish, and rapidfuzz compares what was typed (typos welcome) with each of them. The
labelled phrasings in tests/data/intents.tsv, kept apart from these, measure how well.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

PHRASINGS = Path(__file__).with_name("intents.yaml")
# A phrasing must be this close to what was typed (0-100) to count.
CUTOFF = 84.0
# A phrasing "inside" a longer message counts only if it covers enough of it: "help" must
# not swallow "help me find a welding cert" (a search), while "can you stop sending me
# reminders please" is still about reminders. Requests about the worker's own data and
# messages are clear even inside a sentence; the rest must be most of it.
COVERAGE = {"greeting": 0.5, "thanks": 0.5, "profile": 0.6}
COVERAGE_OF_REQUESTS = 0.3
DEFAULT_COVERAGE = 0.8
MAX_CHARS = 200  # a pasted page is not an intent

NUMBER_WORDS = (
    "one two three four five six seven eight nine ten half "
    "un una uno dos tres cuatro cinco seis siete ocho nueve diez media"
).split()
_NUMBER = re.compile(r"\b(\d+(?:[.,]\d+)?|" + "|".join(NUMBER_WORDS) + r")\b")
_SELF = re.compile(
    r"^(?:i ?m|i am|i work as|i work in|im|soy|yo soy|trabajo de|trabajo como|trabajo en"
    r"|me dedico a|i do)\b"
)


class Intent(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    LOG = "log"  # "studied 2 hours"
    REMINDERS = "reminders"  # pause or stop them
    EXPORT = "export"
    DELETE = "delete"
    PRIVACY = "privacy"
    PROFILE = "profile"
    RECOMMEND = "recommend"
    TRADE = "trade"  # "soy soldador": a worker saying what they do
    VET = "vet"  # "is this osha course legit?": checked against the vetting rules
    SEARCH = "search"  # anything else: maybe a credential or skill


def _plain(text: str) -> str:
    """Lowercase, no accents or punctuation, numbers as N: "Estudié 2 h" → "estudie N h"."""
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS].lower().replace("'", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s.,]|_", " ", text)
    text = _NUMBER.sub(" N ", text)
    text = re.sub(r"(\w)\1+", r"\1", text)  # "hii", "helpp", "holaa": typed long
    return " ".join(re.sub(r"[.,]", " ", text).split())


@cache
def _vet_words() -> frozenset[str]:
    """Words that ask whether something is legit ("legit", "estafa") wherever they stand:
    "is the osha 30 at acme legit" names a course the phrasings cannot list."""
    data = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))
    return frozenset(_plain(word) for word in data["vet_words"])


@cache
def _data() -> tuple[dict[str, str], re.Pattern[str], list[str], list[Intent]]:
    data = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))
    data.pop("vet_words")
    same = {
        _plain(word): _plain(canonical)
        for canonical, words in data.pop("synonyms").items()
        for word in words
    }
    filler = sorted((_plain(f) for f in data.pop("filler")), key=len, reverse=True)
    filler_pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, filler)) + r")\b")
    texts = [p for phrasings in data.values() for p in phrasings]
    labels = [Intent(name) for name, phrasings in data.items() for _ in phrasings]
    return same, filler_pattern, texts, labels


def fold(text: str) -> str:
    """The words that matter, each in one spelling: "pls erase my info" → "delete my data"."""
    same, filler, _, _ = _data()
    words = filler.sub(" ", _plain(text)).split()
    return " ".join(same.get(word, word) for word in words)


@cache
def _phrasings() -> tuple[list[str], list[Intent]]:
    _, _, texts, labels = _data()
    return [fold(text) for text in texts], labels


REQUESTS = frozenset({"reminders", "export", "delete", "privacy", "log"})


def _score(typed: str, phrasing: str, coverage: float) -> float:
    whole = fuzz.ratio(typed, phrasing)
    size, typed_size = len(phrasing.split()), len(typed.split())
    # Only a phrasing found inside what was typed, covering enough of it ("ok" is not
    # "ok thanks", and "help" does not swallow a long search).
    if size > typed_size or size < coverage * typed_size:
        return whole
    return max(whole, fuzz.token_set_ratio(typed, phrasing) - 2)


def read_intent(text: str, *, is_trade: bool = False) -> Intent:
    """The intent of free text. `is_trade`: the text names a trade (the caller asks the
    catalog), so "i'm a welder" is a worker saying what they do."""
    typed = fold(text)
    if not typed:
        return Intent.SEARCH
    if _vet_words() & set(_plain(text).split()):
        return Intent.VET
    texts, labels = _phrasings()
    best: tuple[float, Intent] | None = None
    for phrasing, label in zip(texts, labels, strict=True):
        coverage = (
            COVERAGE_OF_REQUESTS if label in REQUESTS else COVERAGE.get(label, DEFAULT_COVERAGE)
        )
        score = _score(typed, phrasing, coverage)
        if score >= CUTOFF and (best is None or score > best[0]):
            best = (score, label)
    if best is not None:
        return best[1]
    if is_trade and _SELF.match(typed):
        return Intent.TRADE
    return Intent.SEARCH
