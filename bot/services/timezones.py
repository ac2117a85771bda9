"""Timezones a worker never has to type: inferred from the region, or picked by local time."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from rapidfuzz import fuzz, process

# One zone per region where (nearly) the whole region shares it; split regions pick the
# zone most of its people live in. Regions missing here (the US as a whole) are asked.
REGION_TIMEZONES = {
    **dict.fromkeys(
        "US-CT US-DE US-DC US-GA US-ME US-MD US-MA US-NH US-NJ US-NY US-NC US-OH US-PA US-RI "
        "US-SC US-VT US-VA US-WV US-FL US-MI US-IN US-KY".split(),
        "America/New_York",
    ),
    **dict.fromkeys(
        "US-AL US-AR US-IL US-IA US-LA US-MN US-MS US-MO US-OK US-WI US-TX US-TN US-KS US-NE "
        "US-SD US-ND".split(),
        "America/Chicago",
    ),
    **dict.fromkeys("US-CO US-MT US-NM US-UT US-WY US-ID".split(), "America/Denver"),
    "US-AZ": "America/Phoenix",
    **dict.fromkeys("US-CA US-NV US-OR US-WA".split(), "America/Los_Angeles"),
    "US-AK": "America/Anchorage",
    "US-HI": "Pacific/Honolulu",
    "US-PR": "America/Puerto_Rico",
    **dict.fromkeys("CA-ON CA-QC".split(), "America/Toronto"),
    **dict.fromkeys("CA-NS CA-NB CA-PE".split(), "America/Halifax"),
    "CA-NL": "America/St_Johns",
    "CA-MB": "America/Winnipeg",
    "CA-SK": "America/Regina",
    "CA-AB": "America/Edmonton",
    "CA-BC": "America/Vancouver",
    "UK": "Europe/London",
    "GB": "Europe/London",
    "IE": "Europe/Dublin",
    "ES": "Europe/Madrid",
    "NZ": "Pacific/Auckland",
}

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
    if not region:
        return None
    return REGION_TIMEZONES.get(region)


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
    """A city name ("chicago", "Mexico city", "londres") or an IANA name → a zone."""
    cleaned = text.strip()[:60]
    if cleaned in available_timezones():
        return cleaned
    match = process.extractOne(
        cleaned.lower(), _cities().keys(), scorer=fuzz.WRatio, score_cutoff=85
    )
    return _cities()[match[0]] if match else None
