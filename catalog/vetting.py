""""Is this legit?": what a pasted ad, link or course name is, from sourced rules only.

The rules are data (``catalog/vetting.yaml``, one entry per issuer or credential family);
``vet`` reads the worker's text against them and the catalog, and returns codes, names
and the pages that state each point. It never words a verdict: the bot (handlers/vet.py)
and ``python -m catalog vet`` word the codes. Text that names nothing the catalog or the
rules know gets ``status="unknown"`` and how to check, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from catalog.model import Catalog
from catalog.schema import Credential, RedFlag, SourceRef, VettingFamily, VettingFile

VETTING_PATH = Path(__file__).resolve().parent / "vetting.yaml"
MAX_CHARS = 1000  # an ad's text; a pasted page is cut, not refused
MIN_ALIAS = 3  # "cco", "608": shorter aliases ("ii") name nothing on their own


@dataclass(frozen=True)
class Point:
    """One thing to say (a code the caller words) and the page that states it."""

    code: str
    source: str
    third_party: bool = False
    url: str | None = None  # for a check: where the worker looks


@dataclass(frozen=True)
class Vetting:
    """The answer as data. ``status``: ``known`` (a family with rules), ``catalog`` (a
    credential the catalog holds but no rules cover) or ``unknown``."""

    status: str
    family_id: str | None = None
    family_name: str | None = None
    credential_id: str | None = None
    credential_name: str | None = None
    issuer: str | None = None
    facts: tuple[Point, ...] = ()
    accreditation: tuple[Point, ...] = ()
    red_flags: tuple[Point, ...] = ()
    check: tuple[Point, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def fold(text: str) -> str:
    """Lowercase words without accents or punctuation, spaced: " osha 30 tarjeta " ."""
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS].lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text).split()) + " "


def _has(folded: str, phrases: list[str]) -> bool:
    return any(fold(p) in folded for p in phrases if fold(p).strip())


@cache
def load_rules(path: Path = VETTING_PATH) -> VettingFile:
    return VettingFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _point(ref: SourceRef, code: str, url: str | None = None) -> Point:
    return Point(code, str(ref.url), ref.third_party, url)


@lru_cache(maxsize=4)
def _names(catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """Every credential's name and aliases, folded once per catalog: longest first."""
    names = {
        (words, credential.id)
        for credential in catalog.credentials.values()
        for alias in (credential.name, *credential.aliases)
        if len((words := fold(alias)).strip()) >= MIN_ALIAS
    }
    return tuple(sorted(names, key=lambda pair: (-len(pair[0]), pair)))


def _credential_in(folded: str, catalog: Catalog) -> Credential | None:
    """The credential whose longest alias or name appears whole in the text."""
    for words, credential_id in _names(catalog):
        if words in folded:
            return catalog.credentials[credential_id]
    return None


def _family_of(
    credential: Credential | None, folded: str, rules: VettingFile
) -> VettingFamily | None:
    if credential is not None:
        for family in rules.families:
            if credential.id in family.credentials or credential.type in family.credential_types:
                return family
    for family in rules.families:
        if family.names and _has(folded, family.names):
            return family
    return None


def _flags(flags: list[RedFlag], folded: str) -> list[Point]:
    return [
        _point(flag.source, flag.code)
        for flag in flags
        if _has(folded, flag.when) and (not flag.and_when or _has(folded, flag.and_when))
    ]


def vet(text: str, *, catalog: Catalog, rules: VettingFile | None = None) -> Vetting:
    """What the text is, who issues and delivers it, red flags, and where to check."""
    rules = rules or load_rules()
    folded = fold(text)
    credential = _credential_in(folded, catalog)
    family = _family_of(credential, folded, rules)
    general = _flags(rules.general_red_flags, folded)
    named = dict(
        credential_id=credential.id if credential else None,
        credential_name=credential.name if credential else None,
        issuer=credential.issuer if credential else None,
    )
    if family is None:
        if credential is None:
            return Vetting(status="unknown", red_flags=tuple(general))
        page = Point("issuer_page", str(credential.source_url), url=str(credential.source_url))
        return Vetting(status="catalog", red_flags=tuple(general), check=(page,), **named)
    checks = [
        _point(c.source, c.code, str(c.url) if c.url else None)
        for c in family.check
        if c.url or credential is not None
    ]
    if credential is not None and any(c.url is None for c in family.check):
        # The licence's own record names its board's page.
        checks = [
            Point(p.code, p.source, p.third_party, p.url or str(credential.source_url))
            for p in checks
        ]
    return Vetting(
        status="known",
        family_id=family.id,
        family_name=family.name,
        facts=tuple(_point(f.source, f.code) for f in family.facts),
        accreditation=tuple(_point(a.source, a.code) for a in family.accreditation),
        red_flags=tuple(_flags(family.red_flags, folded) + general),
        check=tuple(checks),
        **named,
    )


def check_rules(path: Path, known_ids: set[str]) -> list[tuple[int | None, str, bool]]:
    """Problems in the rules file as (line, message, blocking): every fact, accreditation,
    red flag and check names a page (pydantic refuses one without), quotes the words on
    it, and every credential id is in the catalog."""
    from catalog.loader import _line, _node_at, _parse, _pydantic_problems

    raw: list = []  # type: ignore[type-arg]
    parsed = _parse(path, raw)
    if parsed is None:
        return [(p.line, p.message, True) for p in raw]
    out = [(p.line, p.message, True) for p in raw]
    try:
        rules = VettingFile.model_validate(parsed.data)
    except ValidationError as error:
        return out + [(p.line, p.message, True) for p in _pydantic_problems(error, parsed, ())]
    for i, family in enumerate(rules.families):
        for j, credential_id in enumerate(family.credentials):
            if credential_id not in known_ids:
                line = _line(_node_at(parsed.node, ("families", i, "credentials", j)))
                out.append((line, f"{family.id}: unknown credential id {credential_id!r}", False))
        for kind in ("facts", "accreditation", "red_flags", "check"):
            for j, point in enumerate(getattr(family, kind)):
                if point.source.quote is None:
                    line = _line(_node_at(parsed.node, ("families", i, kind, j, "source")))
                    message = f"{family.id}: {kind} {point.code} has no quote from its page"
                    out.append((line, message, False))
    return out
