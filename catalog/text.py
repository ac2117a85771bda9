"""Text folding, tokens and a typo-tolerant vocabulary shared by trade matching and search.

Everything a worker types goes through :func:`fold` first: lowercase, accents and emoji
gone, "a/c" and "osha30" split into the words people mean. Matching then works on
tokens, so a 4000-character message costs the same as its first few dozen words.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

# A Telegram message is at most 4096 characters; the words that name a trade or a
# credential come early, so matching never looks past this many tokens.
MAX_QUERY_TOKENS = 40
MAX_TOKEN_LENGTH = 30

# A few emoji people use instead of the word.
EMOJI_WORDS = {
    "⚡": " electric ",
    "🔌": " electric ",
    "💡": " electric ",
    "🚰": " plumbing ",
    "🚽": " plumbing ",
    "🚿": " plumbing ",
    "🚚": " truck ",
    "🚛": " truck ",
    "❄": " hvac ",
    "🪚": " carpentry ",
    "🏗": " crane ",
    "☀": " solar ",
    "🌞": " solar ",
    "🧯": " fire ",
}

# Words that say nothing about a trade or a credential, in English and Spanish.
STOPWORDS = frozenset(
    """
    a an the and or of in on at for to from by with as is are am be been was were im i me my
    we our you your do does did doing have has had its this that these those just so
    very really also about into out up like want wanna need get got looking look work works
    working job jobs career currently now some any all can could would should will what which
    who how ive id dont cant please pls thanks thank hi hello hey yes no not
    de del la el los las en y o u un una unos unas soy estoy trabajo trabajar trabajando
    busco quiero necesito como para con mi mis yo es que por al se le
    """.split()
)

_SLASH_ABBREVIATIONS = {
    "a/c": " ac ",
    "a/ c": " ac ",
    "h/vac": " hvac ",
    "w/": " with ",
    "+": " plus ",  # "CompTIA A+", "Network+"
}
# One spelling per word, so "forklift licence" finds "license" and "labourer" "laborer".
SPELLINGS = {
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "labour": "labor",
    "labourer": "laborer",
    "labourers": "laborers",
    "centre": "center",
    "metre": "meter",
    "programme": "program",
    "tyre": "tire",
    "tyres": "tires",
    "aluminium": "aluminum",
    "organisation": "organization",
    "signaller": "signaler",
}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")


def fold(text: str) -> str:
    """Lowercase ASCII words separated by single spaces.

    >>> fold("Técnico de A/C ⚡ OSHA30!!")
    'tecnico de ac electric osha 30'
    """
    if not text:
        return ""
    for emoji, word in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, word)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for short, long in _SLASH_ABBREVIATIONS.items():
        if short in text:
            text = text.replace(short, long)
    text = text.replace("'", "")
    text = _NON_WORD.sub(" ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    return " ".join(SPELLINGS.get(word, word) for word in text.split())


def tokens(text: str, *, keep_stopwords: bool = False, limit: int | None = None) -> list[str]:
    """The words of ``text`` after :func:`fold`, in order, without repeats.

    Stopwords are dropped unless ``keep_stopwords``; over-long tokens (hashes, URLs,
    keyboard mashing) are dropped always.
    """
    out: list[str] = []
    seen: set[str] = set()
    for tok in fold(text).split():
        if tok in seen or len(tok) > MAX_TOKEN_LENGTH:
            continue
        if not keep_stopwords and tok in STOPWORDS:
            continue
        seen.add(tok)
        out.append(tok)
        if limit is not None and len(out) >= limit:
            break
    return out


def typo_cutoff(token: str) -> float | None:
    """The lowest rapidfuzz ratio a vocabulary word needs to count as a typo of ``token``.

    Short words and numbers must match exactly: "10" is not "30", "ac" is not "ai".
    """
    if len(token) <= 3 or any(ch.isdigit() for ch in token):
        return None
    if len(token) <= 8:
        return 75.0
    return 70.0


SYNONYM_SIMILARITY = 0.85
_SUFFIXES = (
    ("ings", 4),
    ("ing", 4),
    ("ers", 4),
    ("er", 4),
    ("ed", 4),
    ("al", 5),
    ("es", 4),
    ("s", 3),
)


def stem(word: str) -> str:
    """A crude English stem so "heating" finds "heat" and "welding" finds "welder".

    Deliberately light: it only needs to make two words meet, never to be a real lemma.
    """
    if word.isdigit():
        return word
    for suffix, shortest in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            if suffix == "s" and word.endswith("ss"):
                return word
            return _without_final_e(word[: -len(suffix)])
    return _without_final_e(word)


def _without_final_e(word: str) -> str:
    # "turbine"/"turbines" and "license"/"licenses"/"licensed" meet only without the "e"
    # that "-es" and "-ed" take away.
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


class Vocabulary:
    """Distinct words with document frequencies, and fast look-up of the ones a typed word means.

    rapidfuzz compares the typed word only with vocabulary words of similar length (a typo
    changes the length by at most two), which keeps a 100k-record catalog fast.
    """

    def __init__(
        self,
        document_frequency: dict[str, int],
        documents: int,
        synonyms: dict[str, tuple[str, ...]] | None = None,
        *,
        fuzzy_known_words: bool = False,
    ) -> None:
        self.df = document_frequency
        # Small vocabularies can afford to look for near words even when the typed word
        # exists ("mill right" is a real pair of words, and a typo of "millwright").
        self.fuzzy_known_words = fuzzy_known_words
        self.synonyms = synonyms or {}
        self.documents = max(documents, 1)
        self.sorted_words = sorted(document_frequency)
        by_length: dict[int, list[str]] = {}
        for word in self.sorted_words:
            # Codes and numbers ("608", "osha30") are never the intended spelling of a typo.
            if typo_cutoff(word) is not None or len(word) == 3:
                by_length.setdefault(len(word), []).append(word)
        self.by_length = by_length
        stems: dict[str, list[str]] = {}
        for word in self.sorted_words:
            stems.setdefault(stem(word), []).append(word)
        self.stems = stems
        self._expand = lru_cache(maxsize=8192)(self._expand_uncached)

    def idf(self, word: str) -> float:
        """Rarer words weigh more (BM25's idf, always positive)."""
        df = self.df.get(word, 0)
        return math.log(1.0 + (self.documents - df + 0.5) / (df + 0.5))

    def expand(
        self, token: str, *, prefix_from: int | None = None
    ) -> tuple[tuple[str, float], ...]:
        """Vocabulary words ``token`` may mean, with a similarity in 0..1, best first.

        An exact word is 1.0, another form of it ("heating", "heat") 0.95, a synonym 0.85,
        a typo its rapidfuzz ratio; when ``token`` has at least
        ``prefix_from`` letters (a word still being typed) words starting with it score 0.9.
        """
        return self._expand(token, prefix_from or 0)

    def clear_cache(self) -> None:
        self._expand.cache_clear()

    def _expand_uncached(self, token: str, prefix_from: int) -> tuple[tuple[str, float], ...]:
        found: dict[str, float] = {}
        if token in self.df:
            found[token] = 1.0
        for word in self.stems.get(stem(token), ()):
            found.setdefault(word, 0.95)
        for word in self.synonyms.get(token, ()):
            if word in self.df:
                found.setdefault(word, SYNONYM_SIMILARITY)
        cutoff = typo_cutoff(token)
        if cutoff is not None and (self.fuzzy_known_words or token not in self.df):
            n = len(token)
            pool: list[str] = []
            for length in range(n - 2, n + 3):
                pool.extend(self.by_length.get(length, ()))
            for word, score, _ in process.extract(
                token, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=4
            ):
                found.setdefault(word, score / 100.0)
        if prefix_from and len(token) >= prefix_from and not token.isdigit():
            start = bisect.bisect_left(self.sorted_words, token)
            taken = 0
            for word in self.sorted_words[start : start + 200]:
                if not word.startswith(token):
                    break
                if word not in found:
                    found[word] = 0.9
                    taken += 1
                    if taken >= 8:
                        break
        return tuple(sorted(found.items(), key=lambda item: (-item[1], item[0])))


def document_frequencies(documents: Iterable[Iterable[str]]) -> tuple[dict[str, int], int]:
    df: dict[str, int] = {}
    count = 0
    for words in documents:
        count += 1
        for word in set(words):
            df[word] = df.get(word, 0) + 1
    return df, count
