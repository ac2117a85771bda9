"""Where a worker is, and where a credential counts.

Region codes are the ones credential files use in ``recognition``: ISO 3166-1 alpha-2
countries (``UK`` for Great Britain, as people write it), optionally with the ISO 3166-2
subdivision (``US-TX``, ``CA-ON``), and ``INTL`` for internationally recognised.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from catalog.text import fold

US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
    "CO": "colorado", "CT": "connecticut", "DE": "delaware", "DC": "district of columbia",
    "FL": "florida", "GA": "georgia", "HI": "hawaii", "ID": "idaho", "IL": "illinois",
    "IN": "indiana", "IA": "iowa", "KS": "kansas", "KY": "kentucky", "LA": "louisiana",
    "ME": "maine", "MD": "maryland", "MA": "massachusetts", "MI": "michigan",
    "MN": "minnesota", "MS": "mississippi", "MO": "missouri", "MT": "montana",
    "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey",
    "NM": "new mexico", "NY": "new york", "NC": "north carolina", "ND": "north dakota",
    "OH": "ohio", "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania",
    "RI": "rhode island", "SC": "south carolina", "SD": "south dakota", "TN": "tennessee",
    "TX": "texas", "UT": "utah", "VT": "vermont", "VA": "virginia", "WA": "washington",
    "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming", "PR": "puerto rico",
}  # fmt: skip
CA_PROVINCES = {
    "AB": "alberta", "BC": "british columbia", "MB": "manitoba", "NB": "new brunswick",
    "NL": "newfoundland and labrador", "NS": "nova scotia", "NT": "northwest territories",
    "NU": "nunavut", "ON": "ontario", "PE": "prince edward island", "QC": "quebec",
    "SK": "saskatchewan", "YT": "yukon",
}  # fmt: skip
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
# Other ways people write a province or state.
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

# A bare two-letter code is read as a US state, except these Canadian province codes
# that no state uses. "CA" alone means California: Canadians write "Canada" or a province.
_NAMES: dict[str, str] = {}
for _code, _name in US_STATES.items():
    _NAMES[_name] = f"US-{_code}"
for _code, _name in CA_PROVINCES.items():
    _NAMES[_name] = f"CA-{_code}"
for _region, _names in COUNTRIES.items():
    for _name in _names:
        _NAMES[_name] = _region
for _region, _names in EXTRA_NAMES.items():
    for _name in _names:
        _NAMES[_name] = _region
_CODES: dict[str, str] = {code.lower(): f"US-{code}" for code in US_STATES}
_CODES.update({code.lower(): f"CA-{code}" for code in CA_PROVINCES if code not in US_STATES})
_CODES.update({"us": "US", "uk": "UK", "gb": "UK"})
_NAME_LIST = sorted(_NAMES)
_LONGEST = max(len(name.split()) for name in _NAMES)


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
    if "-" in upper and len(upper) <= 6:
        country, _, sub = upper.partition("-")
        if country == "US" and sub in US_STATES:
            return upper
        if country == "CA" and sub in CA_PROVINCES:
            return upper
        if country in {"UK", "GB"}:
            return "UK"
    folded = fold(text)
    if not folded:
        return None
    if folded in _NAMES:
        return _NAMES[folded]
    if folded in _CODES:
        return _CODES[folded]
    words = folded.split()
    # The longest place name inside a sentence: "I live in New York" -> US-NY.
    for size in range(min(_LONGEST, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if phrase in _NAMES and (size > 1 or len(phrase) > 2):
                return _NAMES[phrase]
    if len(folded) >= 4:
        found = process.extractOne(folded, _NAME_LIST, scorer=fuzz.ratio, score_cutoff=85)
        if found is not None:
            return _NAMES[found[0]]
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
    if country == "US" and sub in US_STATES:
        return US_STATES[sub].title()
    if country == "CA" and sub in CA_PROVINCES:
        return CA_PROVINCES[sub].title()
    names = {"US": "the US", "CA": "Canada", "UK": "the UK", "INTL": "most countries"}
    if code in names:
        return names[code]
    return COUNTRIES[code][0].title() if code in COUNTRIES else code
