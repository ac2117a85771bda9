"""Where a worker is, and where a credential counts.

Region codes are the ones credential files use in ``recognition``: ISO 3166-1 alpha-2
countries (``UK`` for Great Britain, as people write it), optionally with the ISO 3166-2
subdivision (``US-TX``, ``CA-ON``), and ``INTL`` for internationally recognised.
"""

from __future__ import annotations

import gettext
import re
from functools import cache, lru_cache

import pycountry
from rapidfuzz import fuzz, process

from catalog.text import fold

# States, provinces and their names come from ISO 3166-2 (pycountry), in English and in
# Spanish ("Nuevo México", "Pensilvania"); the tables below add only how people write them.
SUBDIVIDED = ("US", "CA", "MX")
COUNTRIES = {
    "US": ["united states", "united states of america", "usa", "us", "america", "estados unidos",
           "eeuu", "ee uu", "the states"],
    "CA": ["canada"],
    "UK": ["united kingdom", "uk", "great britain", "britain", "gb", "england", "scotland",
           "wales", "northern ireland", "reino unido", "inglaterra"],
    "IE": ["ireland", "irlanda"],
    "MX": ["mexico"],
    "AU": ["australia"],
    "NZ": ["new zealand"],
    "INTL": ["international", "worldwide", "anywhere", "global", "internacional"],
}  # fmt: skip
# Other ways people write a province or state (slang, and cities people name for it).
EXTRA_NAMES = {
    "US-NY": ["nyc", "new york city"],
    "US-DC": ["washington dc", "dc"],
    "US-CA": ["cali", "socal", "norcal"],
    "US-TX": ["tejas"],
    "CA-NL": ["newfoundland", "labrador"],
    "CA-PE": ["pei"],
    "CA-QC": ["quebec city", "montreal"],
    "CA-ON": ["toronto", "ottawa"],
    "CA-BC": ["vancouver"],
    "CA-AB": ["calgary", "edmonton"],
}


@cache
def _subdivisions() -> dict[str, dict[str, str]]:
    """ISO 3166-2 codes of the countries we split, by country: "TX" → "Texas"."""
    return {
        country: {
            sub.code.split("-", 1)[1]: sub.name
            for sub in pycountry.subdivisions.get(country_code=country)
        }
        for country in SUBDIVIDED
    }


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], list[str], int]:
    """Place names and bare codes → region codes, built once on first use."""
    spanish = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, ["es"], fallback=True)
    names: dict[str, str] = {}
    for country, subs in _subdivisions().items():
        for sub, name in subs.items():
            for spelled in (name, spanish.gettext(name)):
                names.setdefault(fold(spelled), f"{country}-{sub}")
    for region, spellings in COUNTRIES.items():
        for name in spellings:
            names[name] = region
    for region, spellings in EXTRA_NAMES.items():
        for name in spellings:
            names[name] = region
    # A bare two-letter code is read as a US state, except the Canadian province codes
    # that no state uses. "CA" alone means California: Canadians write "Canada" or a
    # province.
    us, ca = _subdivisions()["US"], _subdivisions()["CA"]
    codes = {code.lower(): f"US-{code}" for code in us}
    codes.update({code.lower(): f"CA-{code}" for code in ca if code not in us})
    codes.update({"us": "US", "uk": "UK", "gb": "UK"})
    longest = max(len(name.split()) for name in names)
    return names, codes, sorted(names), longest


def normalize_region(text: str | None) -> str | None:
    """Our region code for what a worker typed, or None when we cannot tell.

    >>> [normalize_region(t) for t in ("Texas", "tx", "Ontario", "UK", "Canada", "US-TX")]
    ['US-TX', 'US-TX', 'CA-ON', 'UK', 'CA', 'US-TX']
    """
    if not text:
        return None
    return _normalize(text.strip()[:200])


@lru_cache(maxsize=1024)
def _normalize(text: str) -> str | None:
    upper = text.upper().replace("_", "-")
    if upper in {"INTL", "UK", "US"}:
        return upper
    if "-" in upper and len(upper) <= 7:
        country, _, sub = upper.partition("-")
        if sub in _subdivisions().get(country, {}):
            return upper
        if country in {"UK", "GB"}:
            return "UK"
    folded = fold(text)
    if not folded:
        return None
    names, codes, name_list, longest = _tables()
    if folded in names:
        return names[folded]
    if folded in codes:
        return codes[folded]
    words = folded.split()
    # The longest place name inside a sentence: "I live in New York" -> US-NY.
    for size in range(min(longest, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if phrase in names and (size > 1 or len(phrase) > 2):
                return names[phrase]
    if len(folded) >= 4:
        found = process.extractOne(folded, name_list, scorer=fuzz.ratio, score_cutoff=85)
        if found is not None:
            return names[found[0]]
    return None


_CANONICAL = re.compile(r"^(?:INTL|[A-Z]{2}(?:-[A-Z0-9]{1,3})?)$")


def region_code(value: str | None) -> str | None:
    """A code we produced stays as it is ("CA" is Canada); anything else is read as typed.

    >>> [region_code(v) for v in ("CA", "US-TX", "ca", "Texas")]
    ['CA', 'US-TX', 'US-CA', 'US-TX']
    """
    if value and _CANONICAL.match(value):
        return value
    return normalize_region(value)


def country_of(region: str) -> str:
    return region.split("-", 1)[0]


def region_fit(recognition: list[str] | tuple[str, ...], region: str | None) -> str:
    """How a credential recognised in ``recognition`` fits a worker in ``region``.

    - ``"local"``: recognised exactly there (the state or province itself);
    - ``"national"``: recognised in the whole country or internationally;
    - ``"unknown"``: the worker's region is unknown, or only the country is known and the
      credential counts in one state or province of it;
    - ``"no"``: it does not count there (a Texas license for a worker in Ontario).
    """
    if "INTL" in recognition:
        return "national"
    if region is None:
        countries = {country_of(r) for r in recognition}
        return "national" if countries == set(recognition) else "unknown"
    if region in recognition:
        return "local" if "-" in region else "national"
    country = country_of(region)
    if country in recognition:
        return "national"
    if "-" not in region and any(country_of(r) == country for r in recognition):
        return "unknown"
    return "no"


def region_name(code: str) -> str:
    """A readable name for a region code: "US-TX" -> "Texas", "CA" -> "Canada"."""
    country, _, sub = code.partition("-")
    if sub in _subdivisions().get(country, {}):
        return _subdivisions()[country][sub]
    names = {"US": "the US", "CA": "Canada", "UK": "the UK", "INTL": "most countries"}
    if code in names:
        return names[code]
    return COUNTRIES[code][0].title() if code in COUNTRIES else code
