"""Answer choices shared by onboarding and /profile, and matching typed answers to them.

Typed answers work everywhere a button does: "journeyman", "JOURNEYMEN", "oficial" and
the button label in either language all land on the same key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from bot.i18n import N_, Translator
from catalog import Catalog, region_name

EXPERIENCE = (
    ("apprentice", N_("Apprentice"), ("apprentice", "aprendiz", "trainee", "helper", "ayudante")),
    ("journeyman", N_("Journeyman"), ("journeyman", "journeyperson", "oficial", "licensed")),
    ("master", N_("Master or lead"), ("master", "maestro", "lead", "foreman", "capataz", "jefe")),
    (
        "switching",
        N_("Switching into the trade"),
        ("switching", "switch", "changing", "cambio", "cambiando"),
    ),
    (
        "new",
        N_("Not in a trade yet"),
        ("new", "none", "nuevo", "nueva", "no trade", "student", "estudiante", "ninguno"),
    ),
)
GOALS = (
    (
        "first_job",
        N_("First job"),
        ("first job", "primer trabajo", "primer empleo", "get a job", "find a job", "get hired",
         "conseguir trabajo", "busco trabajo", "my first job", "empleo"),
    ),
    (
        "license",
        N_("Get licensed"),
        ("license", "licensed", "licence", "licencia", "cert", "get my license", "licenciado"),
    ),
    (
        "promotion",
        N_("Promotion or raise"),
        ("promotion", "raise", "more money", "ascenso", "aumento", "promo", "better pay",
         "pays better", "better paying", "better paid", "pague mejor", "paguen mejor",
         "mejor pagado", "mejor sueldo", "ganar mas", "mas dinero", "mas plata"),
    ),
    (
        "switch_trade",
        N_("Switch trade"),
        ("switch", "change trade", "cambiar de oficio", "new trade", "otro oficio"),
    ),
    ("safety", N_("Safety compliance"), ("safety", "osha", "seguridad", "compliance")),
    ("renew", N_("Renew what I hold"), ("renew", "renewal", "renovar", "expire", "expiring")),
    (
        "own_business",
        N_("Start my own business"),
        ("business", "own business", "contractor", "negocio", "mi propio negocio", "my own shop",
         "contratista"),
    ),
)  # fmt: skip
HOURS = ((2, "1–2 h"), (5, "3–5 h"), (10, "6–10 h"), (15, "10+ h"))
BUDGET = (
    (0, N_("Free only")),
    (100, N_("Up to $100")),
    (500, N_("Up to $500")),
    (-1, N_("No limit")),
)
DELIVERY = (
    ("online", N_("Online"), ("online", "en linea", "en línea", "internet", "remote", "web")),
    ("in_person", N_("In person"), ("in person", "presencial", "class", "classroom", "person")),
    ("any", N_("Either"), ("either", "any", "both", "cualquiera", "ambos", "whatever", "da igual")),
)
REGIONS = (("US", N_("🇺🇸 USA")), ("CA", N_("🇨🇦 Canada")), ("UK", N_("🇬🇧 UK")))
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
# The trades offered as buttons: the ones most workers we serve are in (not the ones with
# most credentials); every other trade is typed, slang and typos welcome.
COMMON_TRADES = (
    "electrician",
    "hvac",
    "plumber",
    "welder",
    "carpenter",
    "construction_laborer",
    "truck_driver",
    "auto_technician",
)


def common_trades(catalog: Catalog) -> list[str]:
    return [trade_id for trade_id in COMMON_TRADES if trade_id in catalog.trades]


def fold(text: str) -> str:
    """Lowercase, accents and emoji off, spaces squeezed; the first 200 characters only."""
    text = unicodedata.normalize("NFKD", text[:200].lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w$+.,\-]+", " ", text).split())


def match_choice(
    text: str, choices: Sequence[tuple[str, str, Iterable[str]]], t: Translator
) -> str | None:
    """Typed text → the key of the choice it names, if it names one clearly."""
    folded = fold(text)
    if not folded:
        return None
    names: dict[str, str] = {}
    for key, label, synonyms in choices:
        for name in (key.replace("_", " "), label, t(label), *synonyms):
            names[fold(name)] = key
    if folded in names:
        return names[folded]
    best = process.extractOne(folded, list(names), scorer=fuzz.WRatio, score_cutoff=86)
    return names[best[0]] if best else None


def names_in(
    folded: str, choices: Sequence[tuple[str, str, Iterable[str]]], t: Translator
) -> list[str]:
    """The keys of choices named word for word somewhere in `folded`, in order of mention."""
    found: list[tuple[int, str]] = []
    for key, label, synonyms in choices:
        for name in {fold(n) for n in (label, t(label), *synonyms)}:
            at = re.search(rf"\b{re.escape(name)}\b", folded) if name else None
            if at:
                found.append((at.start(), key))
    return list(dict.fromkeys(key for _, key in sorted(found)))


def match_goals(text: str, t: Translator) -> list[str]:
    """Goals named in a sentence ("quiero un trabajo que pague mejor" → promotion); typos
    are tried part by part only when no goal is named outright."""
    named = names_in(fold(text), GOALS, t)
    if named:
        return named
    found: list[str] = []
    for part in re.split(r",|;|/|\+|\band\b|\by\b|&", fold(text)):
        key = match_choice(part, GOALS, t) if part.strip() else None
        if key and key not in found:
            found.append(key)
    return found


class NotAnAmount(ValueError):
    """A number no person means as an amount: negative, scientific, hexadecimal, huge."""


ZERO_WORDS = frozenset({"nothing", "free", "none", "zero", "nada", "gratis", "cero", "0"})
AMOUNT_LIMIT = 1_000_000  # more than any budget or hours we ask about: a slip, or a test
# The first number in the text, with the sign right before it: "-999999", "$-5", "1e309",
# "0x7fffffff", "1,500", "2.5". A dash between two numbers ("5-10") is a range, not a sign.
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-+]?)(?P<digits>0x[0-9a-f]+|\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?)"
)


def parse_number(text: str) -> int | None:
    """ "5", "5 hours", "$250", "about 10", "2.5" → the number as a person means it (whole);
    "nothing"/"free" → 0; no number → None.

    Raises `NotAnAmount` for what no worker means as hours or dollars: "-999999" is not a
    $999,999 budget, "1e309" is not 1 hour, "0x7fffffff" is not 0.
    """
    folded = fold(text.replace("\u2212", "-"))  # the Unicode minus sign too
    if folded in ZERO_WORDS:
        return 0
    match = _NUMBER.search(folded)
    if not match:
        return None
    sign, digits = match.group("sign"), match.group("digits")
    if sign == "-" or digits.startswith("0x") or "e" in digits:
        raise NotAnAmount(digits)
    value = float(digits.replace(",", ""))
    if value >= AMOUNT_LIMIT:
        raise NotAnAmount(digits)
    return int(value + 0.5)


def trade_name(catalog: Catalog, trade_id: str | None, t: Translator) -> str:
    if not trade_id or trade_id not in catalog.trades:
        return t("not set")
    trade = catalog.trades[trade_id]
    return (trade.es or trade.name) if t.language == "es" else trade.name


def place_name(region: str | None, t: Translator) -> str:
    """ "Texas", "US", "Canada": the region as a short label (catalog says "the US")."""
    if not region:
        return t("not set")
    return region_name(region).removeprefix("the ")


def label_for(choices: Sequence[tuple], key: object, t: Translator) -> str:
    for choice in choices:
        if choice[0] == key:
            return t(choice[1])
    return t("not set")
