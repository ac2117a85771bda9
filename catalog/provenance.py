"""Provenance rules: every number a record states can be traced to the page that states it.

Three rules (docs/CATALOG.md, "Provenance"):

- every non-null ``hours``, ``cost``, ``exam``, ``renewal`` and non-empty ``prerequisites``
  has its ``sources`` entry;
- a source for a number is a page, not a bare home page (URL path empty or ``/``);
- a description (English or Spanish) never states a number of hours, a price, a number of
  questions or minutes, or a renewal period that its field leaves empty: the bot can only
  use numbers it can read from a field.

:func:`provenance_findings` returns ``(location, message)`` pairs; the loader turns the
location into a file and line.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from catalog.schema import SOURCED_FACTS, Credential

# The facts that are numbers: their source must be a page that states them.
NUMBER_FACTS = ("hours", "cost", "exam", "renewal")

Location = tuple[str | int, ...]

# "2,000" / "2.000" (thousands), "2.5" / "2,5" (decimals, English and Spanish), "280".
_NUMBER = r"(\d{1,3}(?:[,.]\d{3})+(?!\d)|\d+(?:[.,]\d{1,2}(?!\d))?)"
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18, "twenty": 20, "thirty": 30,
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "dieciocho": 18,
    "veinte": 20, "treinta": 30,
}  # fmt: skip
_COUNT = r"(\d+|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
# "280 hours", "a 30-hour course", "8 horas", "2,000 hrs"
HOURS = re.compile(_NUMBER + r"\s*(?:-\s*)?(?:hours?|hrs?\b|horas?)", re.IGNORECASE)
# "$125", "US$ 50", "CAD 90", "125 dollars", "50 dólares", "£30", "€40"
PRICE = re.compile(
    r"(?:(?:US|CA|C|A)?\$|£|€|\b(?:USD|CAD|GBP|EUR))\s?\d(?:[\d,.]*\d)?"
    r"|\d[\d,.]*\s*(?:dollars?|d[oó]lares|USD|CAD|GBP|EUR)\b",
    re.IGNORECASE,
)
# "100-question", "110 multiple-choice questions", "55 scored questions", "80 preguntas"
QUESTIONS = re.compile(
    _NUMBER + r"[\s-]*(?:\w+[\s-]+){0,2}(?:questions?|preguntas?)\b", re.IGNORECASE
)
MINUTES = re.compile(_NUMBER + r"\s*(?:-\s*)?(?:minutes?|mins?\b|minutos?)", re.IGNORECASE)
# A renewal period, not "3 years of experience": only in words that speak of validity.
RENEWAL = re.compile(
    r"\b(?:every|each|cada)\s+" + _COUNT + r"\s*(?:years?|months?|a[nñ]os|meses)\b"
    r"|\b(?:valid|good|v[aá]lid[ao]s?|vigente)\s+(?:for|por|durante)\s+"
    + _COUNT
    + r"\s*(?:years?|months?|a[nñ]os|meses)\b"
    r"|\b" + _COUNT + r"[\s-]*(?:years?|months?)[\s-]*(?:renewal|cycle|term|validity)\b"
    r"|\b(?:renew\w*|renueva\w*|renovaci[oó]n)\b[^.;]{0,40}?\b"
    + _COUNT
    + r"\s*(?:years?|months?|a[nñ]os|meses)\b"
    r"|\bvigencia\s+de\s+" + _COUNT + r"\s*(?:a[nñ]os|meses)\b",
    re.IGNORECASE,
)


def is_home_page(url: str) -> bool:
    """``https://www.asse-plumbing.org/`` is a home page; a deeper page is not."""
    parts = urlsplit(url)
    return parts.path in {"", "/"} and not parts.query


def _amount(text: str) -> float | None:
    text = text.lower()
    if text in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[text])
    # "2,000" and "2.000" are thousands; "1.5" is a decimal.
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", text):
        return float(re.sub(r"[,.]", "", text))
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _stated_elsewhere(credential: Credential, value: float) -> bool:
    """An hour count in prose that another field already carries (CE hours, exam length,
    an experience requirement written out in ``prerequisites``)."""
    renewal = credential.renewal
    if renewal is not None and renewal.ce_hours == value:
        return True
    if credential.exam is not None and credential.exam.minutes == value * 60:
        return True
    for item in credential.prerequisites:
        for found in re.finditer(_NUMBER, item):
            if _amount(found.group(1)) == value:
                return True
    return False


def description_findings(credential: Credential, field: str, text: str) -> list[str]:
    """What ``text`` (a description) states that the record's fields leave empty."""
    out: list[str] = []
    if credential.hours is None:
        for found in HOURS.finditer(text):
            value = _amount(found.group(1))
            if value is not None and not _stated_elsewhere(credential, value):
                out.append(f"{field} states {found.group(0)!r} but hours is null")
                break
    if credential.cost is None:
        found = PRICE.search(text)
        if found:
            out.append(f"{field} states a price ({found.group(0)!r}) but cost is null")
    exam = credential.exam
    found = QUESTIONS.search(text)
    if found and (exam is None or exam.questions is None):
        out.append(f"{field} states {found.group(0)!r} but exam.questions is null")
    found = MINUTES.search(text)
    if found and (exam is None or exam.minutes is None):
        out.append(f"{field} states {found.group(0)!r} but exam.minutes is null")
    renewal = credential.renewal
    if renewal is None or (renewal.expires and renewal.months is None):
        found = RENEWAL.search(text)
        if found:
            out.append(
                f"{field} states a renewal period ({found.group(0)!r}) but renewal.months is null"
            )
    return out


def provenance_findings(credential: Credential) -> list[tuple[Location, str]]:
    """The rules ``credential`` breaks, with the location of the field: a number without
    the page that states it, a description stating a number its field leaves empty, a
    missing ``description_es``."""
    cid = credential.id
    out: list[tuple[Location, str]] = []
    if not credential.description_es:
        out.append((("description",), f"{cid}: description_es is missing"))
    present = {
        "hours": credential.hours is not None,
        "cost": credential.cost is not None,
        "exam": credential.exam is not None,
        "renewal": credential.renewal is not None,
        "prerequisites": bool(credential.prerequisites),
    }
    for fact in SOURCED_FACTS:
        source = credential.source(fact)
        if present[fact] and source is None:
            out.append(((fact,), f"{cid}: {fact} has no entry in sources"))
        elif source is not None and fact in NUMBER_FACTS and is_home_page(str(source.url)):
            message = (
                f"{cid}: sources.{fact} is a bare home page ({source.url}); "
                "cite the page that states it"
            )
            out.append((("sources", fact), message))
    for field in ("description", "description_es"):
        text = getattr(credential, field)
        if text:
            for message in description_findings(credential, field, text):
                out.append(((field,), f"{cid}: {message}"))
    return out
