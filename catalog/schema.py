"""The credential record and trade taxonomy, as validated from `catalog/data/*.yaml`.

One pydantic model per boundary: what an operator may write in a data file is exactly
what these models accept. A fact nobody has confirmed stays ``None``: never a guess.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TRADE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# "US", "US-TX", "CA", "CA-ON", "UK", "INTL" ...: ISO 3166-1 alpha-2 (UK for GB, as people
# write it) optionally with an ISO 3166-2 subdivision; INTL for internationally recognised.
REGION = re.compile(r"^(?:INTL|[A-Z]{2}(?:-[A-Z0-9]{1,3})?)$")

CredentialType = Literal[
    "Badge",
    "DigitalBadge",
    "OpenBadge",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "License",
    "MicroCredential",
    "ApprenticeshipCertificate",
    "JourneymanCertificate",
    "MasterCertificate",
]
Delivery = Literal["online", "in_person", "blended", "exam_only"]
Goal = Literal[
    "first_job", "license", "promotion", "switch_trade", "safety", "renew", "own_business"
]
Level = Literal["entry", "intermediate", "advanced"]
# Who holds the credential: a person, or a firm (a company certification such as the EPA
# lead-safe firm certification), which only a worker running a business can use.
Holder = Literal["person", "firm"]
# The facts a ``sources`` entry can back: each non-null one needs the page that states it.
SourcedFact = Literal["hours", "cost", "exam", "renewal", "prerequisites"]
SOURCED_FACTS: tuple[str, ...] = SourcedFact.__args__  # type: ignore[attr-defined]
GOALS: tuple[str, ...] = Goal.__args__  # type: ignore[attr-defined]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(Strict):
    """A typical range; either end may be unknown."""

    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both; leave the whole field null when unknown")
        return self


class Cost(Span):
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class Renewal(Strict):
    """``expires: false`` means confirmed lifetime; an unknown renewal is ``renewal: null``."""

    expires: bool
    months: int | None = Field(default=None, gt=0)
    ce_hours: float | None = Field(default=None, ge=0)
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Renewal:
        if not self.expires and (self.months or self.ce_hours):
            raise ValueError("a credential that never expires has no renewal period or CE hours")
        return self


class SourceRef(Strict):
    """The page that states one fact. ``third_party`` only when no first-party page
    (issuer, regulator, statute, rule) states it; ``quote`` holds a few words copied from
    the page that state the number."""

    url: HttpUrl
    third_party: bool = False
    quote: str | None = Field(default=None, min_length=2, max_length=300)


class Exam(Strict):
    """The exam's length and number of questions; either may be unknown."""

    minutes: int | None = Field(default=None, gt=0)
    questions: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _something(self) -> Exam:
        if self.minutes is None and self.questions is None:
            raise ValueError("give minutes, questions or both; leave exam null when unknown")
        return self


class Credential(Strict):
    id: str
    name: str = Field(min_length=3, max_length=160)
    issuer: str = Field(min_length=2, max_length=160)
    type: CredentialType
    trades: list[str] = Field(min_length=1)
    skills: list[str] = []
    keywords: list[str] = []
    aliases: list[str] = []
    description: str = Field(min_length=10, max_length=320)
    delivery: list[Delivery] = Field(min_length=1)
    hours: Span | None = None
    cost: Cost | None = None
    prerequisites: list[str] = []
    part_of: list[str] = []
    leads_to: list[str] = []
    renewal: Renewal | None = None
    recognition: list[str] = Field(min_length=1)
    accreditation: list[str] = []
    goals: list[Goal] = []
    level: Level = "entry"
    source_url: HttpUrl
    last_reviewed: date
    # A Spanish rendering of ``description``; ``validate`` fails a record without one, and
    # the bot falls back to English rather than refusing the record.
    description_es: str | None = Field(default=None, min_length=10, max_length=320)
    # Fact -> the page that states it (a URL, or a SourceRef for a flag or a quote).
    sources: dict[SourcedFact, HttpUrl | SourceRef] = {}
    exam: Exam | None = None
    cost_note: str | None = Field(default=None, min_length=10, max_length=320)
    cost_note_es: str | None = Field(default=None, min_length=10, max_length=320)
    # True for a record saying that cities or counties license this trade in that state.
    local_licence: bool = False
    holder: Holder = "person"

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError("id must be a lowercase slug like 'epa-608-universal'")
        return v

    @field_validator("trades")
    @classmethod
    def _trade_ids(cls, v: list[str]) -> list[str]:
        for t in v:
            if not TRADE_ID.match(t):
                raise ValueError(f"trade id {t!r} must be lowercase_with_underscores")
        return v

    @field_validator("recognition")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        for r in v:
            if not REGION.match(r):
                raise ValueError(f"region {r!r} must look like US, US-TX, CA-ON, UK or INTL")
        return v

    def source(self, fact: str) -> SourceRef | None:
        """The page given for ``fact``, as a :class:`SourceRef` whatever form it took."""
        ref = self.sources.get(fact)  # type: ignore[call-overload]
        if ref is None or isinstance(ref, SourceRef):
            return ref
        return SourceRef(url=ref)


class CredentialFile(Strict):
    """One file under catalog/data: the credentials of one trade or family."""

    trade: str
    credentials: list[Credential]


class Trade(Strict):
    id: str
    name: str
    soc: str = Field(pattern=r"^\d{2}-\d{4}(?:\.\d{2})?$")
    aliases: list[str] = Field(min_length=6)
    es: str | None = None  # Spanish display name

    @field_validator("id")
    @classmethod
    def _trade_id(cls, v: str) -> str:
        if not TRADE_ID.match(v):
            raise ValueError("trade id must be lowercase_with_underscores")
        return v


class AskName(Strict):
    """A name several trades go by ("mechanic", "lineman"): the bot asks which one is meant."""

    name: str = Field(min_length=2)
    trades: list[str] = Field(min_length=2)


class TaxonomyFile(Strict):
    """``catalog/taxonomy.yaml``: the trades, the names that must be asked about, and the
    extra O*NET-SOC codes whose titles also name a trade (helpers, close specialties)."""

    trades: list[Trade] = Field(min_length=1)
    ask: list[AskName] = []
    related_soc: dict[str, list[str]] = {}


# ------------------------------------------------------------------ "is this legit?" rules


class VettingFact(Strict):
    """One thing the catalog may say about a family (a code the bot words), and the page
    that states it: no `source`, no fact."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: SourceRef


class RedFlag(VettingFact):
    """A claim in an ad that the source contradicts. It is raised when the text holds one
    of `when` (whole words or phrases) and, if given, one of `and_when` too."""

    when: list[str] = Field(min_length=1)
    and_when: list[str] = []


class CheckLink(VettingFact):
    """Where a worker can check for themselves; `url: null` means the matched licence
    record's own page (each state has its own board)."""

    url: HttpUrl | None = None


class VettingFamily(Strict):
    id: str
    name: str = Field(min_length=3, max_length=160)
    names: list[str] = []
    credentials: list[str] = []
    credential_types: list[CredentialType] = []
    facts: list[VettingFact] = []
    accreditation: list[VettingFact] = []
    red_flags: list[RedFlag] = []
    check: list[CheckLink] = []

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError("id must be a lowercase slug like 'epa-608'")
        return v


class VettingFile(Strict):
    """``catalog/vetting.yaml``: one entry per issuer or credential family."""

    families: list[VettingFamily] = Field(min_length=1)
    general_red_flags: list[RedFlag] = []
