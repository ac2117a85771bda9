"""What one question of the worker's profile is: a small declaration, no control flow.

A `Question` says what it asks, which buttons it offers, how typed text is read, what is
stored (one service call, one transaction) and how the stored answer reads back. The
onboarding conversation walks the ordered `questions.QUESTIONS`; `/profile` lists the same
objects and asks any one of them again. Adding a question is one declaration there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.services.profiles import ProfileView
from catalog import Catalog

# A button of a question: (label, value). The value travels in the callback data.
Choice = tuple[str, str]
# What a pressed button or understood text gives `save`: one value, or several at once
# (typed "license and safety" answers the goals question in one go).
Value = str | tuple[str, ...]


@dataclass(frozen=True)
class Asking:
    """What a question needs to word itself: the worker's language, catalog and answers."""

    t: Translator
    catalog: Catalog
    view: ProfileView


@dataclass(frozen=True)
class Offer:
    """Typed text that needs a tap to settle ("Did you mean…?", which OSHA 10 card)."""

    text: str
    choices: Sequence[Choice] = ()  # none: ask the question again under `text`
    # Keep the question's own Back/Done row under the choices (several answers allowed).
    with_nav: bool = False


@dataclass(frozen=True)
class Saved:
    """What `save` did: a line to confirm it, and whether the question stays on screen."""

    note: str = ""
    stay: bool = False


@dataclass(frozen=True)
class Answer:
    """One answer to store: `save` makes one service call inside this session's transaction."""

    session: AsyncSession
    clock: Clock
    user_id: int
    value: Value
    asking: Asking
    default_tz: str  # the operator's zone, for workers whose own is not known

    @property
    def t(self) -> Translator:
        return self.asking.t


def no_choices(asking: Asking) -> list[list[Choice]]:
    return []


def nothing_typed(text: str, asking: Asking) -> Value | Offer | None:
    return None


@dataclass(frozen=True)
class Question:
    """One question. `name` is its conversation state, callback action and /profile key."""

    name: str
    field: str  # the ProfileView attribute that holds the answer
    label: str  # N_: its line in /profile
    ask: Callable[[Asking], str]  # the question, translated
    save: Callable[[Answer], Awaitable[Saved | None]]  # None: not a valid value (forged)
    shows: Callable[[ProfileView, Asking], str]  # the stored answer, as /profile shows it
    choices: Callable[[Asking], list[list[Choice]]] = no_choices
    read: Callable[[str, Asking], Value | Offer | None] = nothing_typed
    many: bool = False  # several answers: the question stays until Done
    # Typed text this question cannot read answers that question instead (goals the
    # worker words their own way are kept as their own words, not refused).
    otherwise: Question | None = None
    # A sentence typed here may answer other questions too ("im an hvac aprentice").
    sentences: bool = False

    def answered(self, view: ProfileView) -> bool:
        return getattr(view, self.field) not in (None, "", ())
