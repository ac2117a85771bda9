"""Which of our languages a short message is in: a worker's first words pick the language.

Telegram's `language_code` is the phone's setting, and many Spanish-speaking workers run
their phone in English. lingua is made for short texts; restricted to the languages we
have catalogs for, its models load lazily on first use (a second or so, once).
"""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.i18n import available_languages

# Below this confidence (0-1) a message stays in the language we already speak:
# "Texas", "ok" or "OSHA 10" say nothing about the worker's language.
CONFIDENCE = 0.65
MIN_LETTERS = 4
_LANGUAGES = {"en": Language.ENGLISH, "es": Language.SPANISH}


@cache
def _detector() -> LanguageDetector:
    languages = [_LANGUAGES[code] for code in available_languages() if code in _LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def language_of(text: str) -> str | None:
    """The language code of `text` when it is clear, else None."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    best = _detector().compute_language_confidence_values(text[:200])[0]
    if best.value < CONFIDENCE:
        return None
    return next(code for code, language in _LANGUAGES.items() if language == best.language)
