"""Which credentials to suggest to one worker, and why.

Ranking, in order of weight: fit to the worker's trade and goals, what they said they
want to do (``about``), the next step after what they already hold, then practical fit
(level, delivery, cost, time). Hard rules are never traded for points: held and
dismissed credentials never appear, a credential that does not count in the worker's
region is never offered, and an online-only worker never sees an in-person-only
credential ahead of one they can take.

Every suggestion carries :class:`Reason` objects: a stable ``code`` and ``params`` that
are data (trade ids, credential ids, region codes, numbers), never sentences; the bot
words them in the worker's language.
"""

from __future__ import annotations

import heapq
import math
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from catalog.matching import MAX_SEARCH_TOKENS, credential_fields, trade_names
from catalog.model import Catalog
from catalog.regions import region_code, region_fit
from catalog.schema import GOALS, Credential
from catalog.text import tokens
from catalog.trades import read_trade

Experience = Literal["new", "switching", "apprentice", "journeyman", "master"]
EXPERIENCES: tuple[str, ...] = Experience.__args__  # type: ignore[attr-defined]
DeliveryPreference = Literal["online", "in_person", "any"]

# Points; only their order of magnitude matters. Trade fit outweighs everything else
# so a plumber sees plumbing credentials, then goals, then what the worker asked for.
TRADE_PRIMARY = 40.0
TRADE_LISTED = 34.0
GOAL_FIRST = 15.0
GOAL_MORE = 5.0
GOAL_NONE = -10.0
LICENSE_TYPE = 8.0
ABOUT = 35.0
# The worker's own words name this credential's field or task ("wind turbines"): it leads,
# ahead of generic matches for the trade and goal (trade + goal + license < FOCUS). In
# focus: an ``about`` score (0..1) of at least FOCUS_FLOOR and FOCUS_SHARE of the best;
# the points fall with the square of that share, so the closest match to the words
# ("backflow tester" for "backflow testing") leads the near ones ("backflow repairer").
FOCUS = 100.0
FOCUS_FLOOR = 0.3
FOCUS_SHARE = 0.5
# Shares this close to the best count as the best: wording differences between the levels
# of one ladder must not outweigh the level that fits the worker.
FOCUS_FULL = 0.85
# Another trade's credential leads only when it covers most of what the worker wrote
# ("wind turbines"), not one word of several ("tower" of "chillers in an office tower").
OFF_TRADE_FOCUS_FLOOR = 0.38
MAX_FOCUS = 60
# An inspector's credential (its main trade is the inspector's) answers a worker of
# another trade's words only when they ask to inspect: a welder who writes "pipeline
# jobs" wants to weld pipelines, and the pipeline inspector's exam must not crowd out the
# weld test he needs. Folded word starts: "inspect", "inspector", "inspección", "inspecter".
INSPECTOR_TRADE = "building_inspector"
INSPECTION_WORD_START = "inspe"
# A licence of the worker's own state for their trade, when the goal is a licence.
STATE_LICENCE = 6.0
# The top this many are different steps: never a credential and one it contains.
DISTINCT_TOP = 3
# Experience at which a licence's unheld prerequisite licence is taken first.
STARTING_OUT: frozenset[str | None] = frozenset({None, "new", "switching", "apprentice"})
# How far down the ranking a reading of an ambiguous trade name looks for its own credential.
COVER_WINDOW = 20
NEXT_STEP = 25.0
PREREQUISITE_HELD = 20.0
BUILDS_ON = 15.0
COVERED_BY_HELD = -60.0
REGION_LOCAL = 10.0
REGION_UNSURE = -25.0
ONLINE = 4.0
BLENDED_FOR_ONLINE = -5.0
# First pass only: full scoring puts these in a lower tier, below everything else.
IN_PERSON_ONLY_FOR_ONLINE = -100.0
IN_PERSON = 4.0
OVER_BUDGET = -25.0
WITHIN_BUDGET = 5.0
SHORT = 6.0
LONG = -8.0
NEVER_EXPIRES = 2.0
# A credential many trades use, that includes smaller ones or opens further steps is the
# one an advisor names first ("EPA 608 Universal" before "Type I").
PER_EXTRA_TRADE = 2.0
MAX_BREADTH = 8.0
INCLUDES_OTHERS = 4.0
OPENS_STEPS = 2.0
# Several credentials lead to it: a destination (CDL Class A), not a side step.
PER_PATH_IN = 3.0
MAX_PATHS_IN = 9.0
LEVEL_FIT: dict[str | None, dict[str, float]] = {
    None: {"entry": 2.0, "intermediate": 0.0, "advanced": -4.0},
    "new": {"entry": 10.0, "intermediate": -2.0, "advanced": -20.0},
    "switching": {"entry": 10.0, "intermediate": 0.0, "advanced": -15.0},
    "apprentice": {"entry": 8.0, "intermediate": 5.0, "advanced": -10.0},
    "journeyman": {"entry": -2.0, "intermediate": 8.0, "advanced": 4.0},
    "master": {"entry": -8.0, "intermediate": 2.0, "advanced": 8.0},
}
CHEAP_USD = 100.0
SHORT_WEEKS = 4
LONG_WEEKS = 26


@dataclass(slots=True)
class Profile:
    """What the bot knows about one worker. Every field is optional."""

    trade: str | None = None
    experience: Experience | None = None
    goals: set[str] = field(default_factory=set)
    about: str = ""
    weekly_hours: float | None = None
    budget_usd: float | None = None
    delivery: DeliveryPreference = "any"
    region: str | None = None
    holds: set[str] = field(default_factory=set)
    dismissed: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a suggestion: a stable ``code``; ``params`` hold ids and numbers."""

    code: str
    params: dict[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recommendation:
    credential: Credential
    score: float
    reasons: list[Reason]

    @property
    def id(self) -> str:
        return self.credential.id

    @property
    def name(self) -> str:
        return self.credential.name


def recommend(
    profile: Profile, limit: int = 3, offset: int = 0, *, catalog: Catalog
) -> list[Recommendation]:
    """The best credentials for ``profile``, ``offset`` first skipped (for "show more")."""
    goals = {g for g in profile.goals if g in GOALS}
    reading = read_trade(profile.trade, profile.about, catalog=catalog)
    trade_ids = reading.trades
    region = region_code(profile.region)
    holds = {h for h in profile.holds if h in catalog.credentials}
    excluded = holds | set(profile.dismissed)
    records = catalog.records
    position = catalog.position

    about_words = _about_words(profile.about, trade_ids, catalog)
    about_scores: dict[int, float] = {}
    focus: dict[int, float] = {}
    if about_words:
        raw, possible = catalog.index.word_scores(" ".join(about_words), prefix_last=False)
        if possible > 0:
            if INSPECTOR_TRADE not in trade_ids and not _asks_to_inspect(about_words):
                # A set operation in C: a comprehension over every scored record costs
                # milliseconds at 100k records.
                for i in _rank_index(catalog).inspectors.intersection(raw):
                    del raw[i]
            about_scores = {i: min(v / possible, 1.0) for i, v in raw.items()}
            focus = {
                i: share
                for i, share in _focus(raw, possible).items()
                if about_scores[i] >= OFF_TRADE_FOCUS_FLOOR or _on_trade(records[i], trade_ids)
            }
    # A credential that includes the one the words name ("608 Universal" for "chillers",
    # which name Type III), at the same level, is in focus as much: the worker gets the
    # whole, not the part.
    focus_via: dict[int, str] = {}
    for i, share in sorted(focus.items(), key=lambda item: -item[1]):
        part = records[i]
        for bigger in part.part_of:
            j = position.get(bigger)
            # Only a whole no harder than the part: not "ASE Master" for "transmissions".
            if j is None or LEVEL_ORDER[records[j].level] > LEVEL_ORDER[part.level]:
                continue
            if share > focus.get(j, 0.0):
                focus[j] = share
                focus_via[j] = records[i].id
                about_scores[j] = max(about_scores.get(j, 0.0), about_scores.get(i, 0.0))

    # Credentials one step on from what the worker holds, and the ones a held credential
    # already includes ("Type I" when the worker holds "Universal": no news).
    next_after: dict[int, str] = {}
    prerequisite_of: dict[int, str] = {}
    builds_on: dict[int, str] = {}
    covered: set[int] = set()
    for held_id in sorted(holds):
        held = catalog.credentials[held_id]
        for nxt in held.leads_to:
            if nxt in position:
                next_after.setdefault(position[nxt], held.id)
        for bigger in held.part_of:
            if bigger in position:
                builds_on.setdefault(position[bigger], held.id)
        for i in catalog.requiring.get(held_id, ()):
            prerequisite_of.setdefault(i, held.id)
        covered.update(catalog.parts_of.get(held_id, ()))
        if is_licence(held):
            covered.update(_lower_rungs(held, catalog))

    context = _Context(
        profile=profile,
        trade_ids=trade_ids,
        goals=goals,
        region=region,
        catalog=catalog,
    )

    def scored_one(i: int) -> tuple[int, float, list[Reason]] | None:
        credential = records[i]
        if credential.id in excluded or not _may_offer(credential, context):
            return None
        fit = region_fit(credential.recognition, region)
        if fit == "no":
            return None
        score, tier, reasons = _score(
            credential,
            context,
            where=fit,
            about=about_scores.get(i, 0.0),
            focus=focus.get(i, 0.0),
            focus_via=focus_via.get(i),
            next_after=next_after.get(i),
            prerequisite=prerequisite_of.get(i),
            builds_on=builds_on.get(i),
            covered=i in covered,
        )
        return tier, score, reasons

    boosted = set(next_after) | set(prerequisite_of) | set(builds_on) | set(focus)
    size = max(SHORTLIST, 4 * (max(offset, 0) + max(limit, 0)))
    many = sum(len(catalog.by_trade.get(t, ())) for t in trade_ids) + len(about_scores)
    if "safety" in goals:
        many += len(catalog.by_goal.get("safety", ()))
    candidates: set[int]
    if many > size or (many == 0 and len(records) > size):
        candidates = _shortlist(
            catalog, context, about=about_scores, focus=focus, boosted=boosted, size=size
        )
    else:
        candidates = set(about_scores) | boosted
        for trade_id in trade_ids:
            candidates.update(catalog.by_trade.get(trade_id, ()))
        if "safety" in goals:
            candidates.update(catalog.by_goal.get("safety", ()))
        if not candidates:
            candidates = set(range(len(records)))

    scored: dict[int, tuple[int, float, list[Reason]]] = {}
    for i in sorted(candidates):
        result = scored_one(i)
        if result is not None:
            scored[i] = result
    _pull_up_lower_rungs(scored, scored_one, holds, catalog)

    ranked = sorted(scored.items(), key=lambda item: (item[1][0], -item[1][1], records[item[0]].id))
    order = [i for i, _ in ranked]
    if "license" in goals and region is not None and trade_ids:
        order = _own_state_licence_first(order, scored, context, covered)
    if len(trade_ids) > 1:
        order = _cover_trades(order, trade_ids, records)
    order = _distinct_top(order, records)
    start = max(offset, 0)
    out: list[Recommendation] = []
    for i in order[start : start + max(limit, 0)]:
        credential = records[i]
        _, score, reasons = scored[i]
        reasons = _with_about_terms(reasons, credential, about_words, catalog)
        out.append(Recommendation(credential, round(score, 1), reasons))
    return out


@dataclass(frozen=True, slots=True)
class _Context:
    """What every credential is scored against: the worker, read once per call."""

    profile: Profile
    trade_ids: tuple[str, ...]
    goals: set[str]
    region: str | None
    catalog: Catalog


def is_licence(credential: Credential) -> bool:
    """A licence or a state registration: what a regulator requires to do the work.

    Type ``License``, a record about local licensing, or a credential that counts toward a
    license and is recognised only in states or provinces (a Texas ACR registration).
    """
    if credential.type == "License" or credential.local_licence:
        return True
    return "license" in credential.goals and all("-" in r for r in credential.recognition)


def _on_trade(credential: Credential, trade_ids: tuple[str, ...]) -> bool:
    return not trade_ids or any(t in credential.trades for t in trade_ids)


def _may_offer(credential: Credential, context: _Context) -> bool:
    """Hard rules: never another trade's licence; a firm's certification only to a worker
    who runs (or wants) their own business; no refresher of a course they do not hold."""
    if credential.holder == "firm" and "own_business" not in context.goals:
        return False
    if _renews_unheld(credential, context):
        return False
    return _on_trade(credential, context.trade_ids) or not is_licence(credential)


def _renews_unheld(credential: Credential, context: _Context) -> bool:
    """A refresher (``renew`` goal) whose prerequisites name catalog credentials ("hazwoper-40
    or hazwoper-24") none of which the worker holds: no step at all for them."""
    if "renew" not in credential.goals:
        return False
    known = context.catalog.credentials
    named = {
        word.strip("(),;")
        for text in credential.prerequisites
        for word in text.split()
        if word.strip("(),;") in known
    }
    return bool(named) and not (named & context.profile.holds)


def _is_own_state_licence(credential: Credential, context: _Context) -> bool:
    region = context.region
    return (
        region is not None
        and "-" in region
        and region in credential.recognition
        and is_licence(credential)
        and bool(context.trade_ids)
        and _on_trade(credential, context.trade_ids)
    )


def _own_state_licence_first(
    order: list[int],
    scored: dict[int, tuple[int, float, list[Reason]]],
    context: _Context,
    covered: set[int],
) -> list[int]:
    """When the goal is a licence, the best-ranked licence of the worker's state for their
    trade comes first (the rung their experience fits best, by the ranking itself), never
    a rung below one they hold."""
    catalog = context.catalog
    records = catalog.records
    for i in order:
        if scored[i][0] != scored[order[0]][0]:
            return order  # never lift a credential over a better tier
        if i not in covered and _is_own_state_licence(records[i], context):
            break
    else:
        return order
    if context.profile.experience not in STARTING_OUT:
        return [i, *(j for j in order if j != i)]
    # Someone starting out: a rung that requires another licence of the ladder they do not
    # hold (the Certified Technician requires the Registered one) waits for that one.
    held = context.profile.holds
    seen = {i}
    while True:
        before = [
            catalog.position[p]
            for p in records[i].prerequisites
            if p in catalog.position and p not in held and catalog.position[p] in scored
        ]
        before = [j for j in before if j not in seen and _is_own_state_licence(records[j], context)]
        if not before:
            break
        i = before[0]
        seen.add(i)
    return [i, *(j for j in order if j != i)]


def _lower_rungs(held: Credential, catalog: Catalog) -> set[int]:
    """The licences that lead, rung by rung, to a licence the worker holds (apprentice and
    journeyman for a held master licence): no news for them."""
    records = catalog.records
    found: set[int] = set()
    stack = [held.id]
    while stack:
        for j in catalog.leading_to.get(stack.pop(), ()):
            if j not in found and is_licence(records[j]):
                found.add(j)
                stack.append(records[j].id)
    return found


def _cover_trades(
    order: list[int], trade_ids: tuple[str, ...], records: list[Credential]
) -> list[int]:
    """A trade name read as several trades ("maintenance tech"): the best credential keeps
    first place, and each reading it does not fit gets its best credential of its own
    (main trade that reading, within the first COVER_WINDOW) next, up to DISTINCT_TOP."""
    if not order:
        return order
    picked = [order[0]]
    window = order[:COVER_WINDOW]
    for trade_id in trade_ids:
        if len(picked) >= DISTINCT_TOP:
            break
        if any(trade_id in records[i].trades for i in picked):
            continue
        best = next((i for i in window if records[i].trades[0] == trade_id), None)
        if best is None:
            best = next((i for i in order if trade_id in records[i].trades), None)
        if best is not None and best not in picked:
            picked.append(best)
    rank = {i: k for k, i in enumerate(order)}
    first = sorted(picked, key=rank.__getitem__)
    chosen = set(first)
    return first + [i for i in order if i not in chosen]


def _distinct_top(order: list[int], records: list[Credential]) -> list[int]:
    """The first DISTINCT_TOP are different steps: a credential and one it contains
    (``part_of``, "608 Type II" in "608 Universal") never share them; the one ranked lower
    moves just below."""
    top: list[int] = []
    moved: list[int] = []
    k = 0
    while k < len(order) and len(top) < DISTINCT_TOP:
        i = order[k]
        k += 1
        credential = records[i]
        if any(
            records[j].id in credential.part_of or credential.id in records[j].part_of for j in top
        ):
            moved.append(i)
        else:
            top.append(i)
    return top + moved + order[k:]


def _about_words(about: str, trade_ids: tuple[str, ...], catalog: Catalog) -> list[str]:
    """The worker's own words, without a name of their trade written out in full: "I'm an
    electrician and want wind turbines" is about wind turbines, while the "crane" of
    "tower crane" stays (it is not the whole of a name of the crane operator's trade)."""
    if not about or not about.strip():
        return []
    words = tokens(about, limit=MAX_SEARCH_TOKENS)
    present = set(words)
    named: set[str] = set()
    for trade_id in trade_ids:
        for name in trade_names(catalog.trades[trade_id]):
            name_words = set(tokens(name))
            if name_words and name_words <= present:
                named |= name_words
    return [w for w in words if w not in named]


def _asks_to_inspect(words: list[str]) -> bool:
    """Whether the worker's own words (folded) ask for inspection work."""
    return any(w.startswith(INSPECTION_WORD_START) for w in words)


def _focus(raw: dict[int, float], possible: float) -> dict[int, float]:
    """The credentials the worker's words name (close to the best match, and good), with
    their share of the best match's score (FOCUS_FULL of it and more count as 1)."""
    if not raw:
        return {}
    best = max(raw.values())
    cut = max(FOCUS_FLOOR * possible, FOCUS_SHARE * best)
    strong = [(v, i) for i, v in raw.items() if v >= cut]
    return {i: min(1.0, v / best / FOCUS_FULL) for v, i in heapq.nlargest(MAX_FOCUS, strong)}


LEVEL_ORDER = {"entry": 0, "intermediate": 1, "advanced": 2}
# Above this many candidates (a catalog of many thousands), a cheap first pass on the
# points that do not depend on delivery, cost or time keeps the best ones for full scoring.
SHORTLIST = 80


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the first pass needs of a record, computed once per catalog. Records with
    equal facts but ``static`` form a group; the first pass scores groups, not records."""

    trades: tuple[str, ...]
    goals: frozenset[str]
    level: str
    is_license: bool  # type License
    is_licence: bool  # a licence or a state registration (see is_licence)
    recognition: tuple[str, ...]
    holder: str
    delivery: frozenset[str]
    static: float  # breadth, includes others, opens steps, paths in, never expires


@dataclass(frozen=True, slots=True)
class _Group:
    """Records of one trade (or of the safety goal) that the first pass cannot tell apart
    but by their ``static`` points: ``members`` best first."""

    facts: _Facts
    primary: bool  # the trade is the members' main trade
    members: tuple[int, ...]
    statics: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class _RankIndex:
    facts: list[_Facts]
    by_trade: dict[str, list[_Group]]
    safety: list[_Group]
    everything: list[_Group]
    inspectors: frozenset[int]  # records whose main trade is INSPECTOR_TRADE


_INDEXES: weakref.WeakKeyDictionary[Catalog, _RankIndex] = weakref.WeakKeyDictionary()


def prepare(catalog: Catalog) -> None:
    """Build the ranking index of ``catalog`` now rather than on the first recommendation
    (a few hundred milliseconds at 100k records)."""
    _rank_index(catalog)


def _facts(catalog: Catalog) -> list[_Facts]:
    return _rank_index(catalog).facts


def _rank_index(catalog: Catalog) -> _RankIndex:
    index = _INDEXES.get(catalog)
    if index is not None:
        return index
    facts = [
        _Facts(
            tuple(c.trades),
            frozenset(c.goals),
            c.level,
            c.type == "License",
            is_licence(c),
            tuple(c.recognition),
            c.holder,
            frozenset(c.delivery),
            _static_points(c, catalog),
        )
        for c in catalog.records
    ]
    ids = [c.id for c in catalog.records]

    def groups(positions: Iterable[int], trade_id: str | None) -> list[_Group]:
        keyed: dict[tuple[object, ...], list[int]] = {}
        for i in positions:
            f = facts[i]
            primary = trade_id is not None and f.trades[0] == trade_id
            key = (
                f.goals,
                f.level,
                f.is_license,
                f.is_licence,
                f.recognition,
                f.holder,
                f.delivery,
                primary,
            )
            keyed.setdefault(key, []).append(i)
        out: list[_Group] = []
        for members in keyed.values():
            members.sort(key=lambda i: (-facts[i].static, ids[i]))
            first = facts[members[0]]
            primary = trade_id is not None and first.trades[0] == trade_id
            statics = tuple(facts[i].static for i in members)
            out.append(_Group(first, primary, tuple(members), statics))
        return out

    index = _RankIndex(
        facts,
        {t: groups(positions, t) for t, positions in catalog.by_trade.items()},
        groups(catalog.by_goal.get("safety", ()), None),
        groups(range(len(facts)), None),
        frozenset(i for i, f in enumerate(facts) if f.trades and f.trades[0] == INSPECTOR_TRADE),
    )
    _INDEXES[catalog] = index
    return index


def _static_points(credential: Credential, catalog: Catalog) -> float:
    """Points that depend on the credential and the catalog alone, not on the worker."""
    points = min(MAX_BREADTH, PER_EXTRA_TRADE * (len(credential.trades) - 1))
    if catalog.parts_of.get(credential.id):
        points += INCLUDES_OTHERS
    if credential.leads_to or catalog.requiring.get(credential.id):
        points += OPENS_STEPS
    points += min(MAX_PATHS_IN, PER_PATH_IN * len(catalog.leading_to.get(credential.id, ())))
    if credential.renewal is not None and not credential.renewal.expires:
        points += NEVER_EXPIRES
    return points


def _first_points(f: _Facts, trade_points: float, context: _Context) -> float | None:
    """The first-pass points of a record (or group) apart from ``static`` and the worker's
    words; None when a hard rule keeps it out (region, another trade's licence, a firm)."""
    goals = context.goals
    fit = region_fit(f.recognition, context.region)
    if fit == "no":
        return None
    if f.holder == "firm" and "own_business" not in goals:
        return None
    on_trade = trade_points > 0 or not context.trade_ids
    if not on_trade and f.is_licence:
        return None
    level_fit = LEVEL_FIT.get(context.profile.experience, LEVEL_FIT[None])
    points = level_fit.get(f.level, 0.0) + trade_points
    shared = len(f.goals & goals)
    if shared:
        points += GOAL_FIRST + GOAL_MORE * (shared - 1)
    elif goals:
        points += GOAL_NONE
    if on_trade and "license" in goals:
        if f.is_license:
            points += LICENSE_TYPE
        if fit == "local" and f.is_licence:
            points += STATE_LICENCE
    if fit == "local":
        points += REGION_LOCAL
    elif fit == "unknown":
        points += REGION_UNSURE
    return points + _delivery_points(f.delivery, context.profile.delivery)


def _delivery_points(delivery: frozenset[str] | set[str], wanted: str) -> float:
    """Points for how a credential is taken against how the worker wants to learn; an
    in-person-only credential for an online-only worker sinks (tier 1 in full scoring)."""
    if wanted == "online":
        if "online" in delivery:
            return ONLINE
        if delivery == {"in_person"}:
            return IN_PERSON_ONLY_FOR_ONLINE
        if "blended" in delivery:
            return BLENDED_FOR_ONLINE
    elif wanted == "in_person" and delivery & {"in_person", "blended"}:
        return IN_PERSON
    return 0.0


def _trade_points(trades: tuple[str, ...], trade_ids: tuple[str, ...]) -> float:
    if trades[0] in trade_ids:
        return TRADE_PRIMARY
    if any(t in trades for t in trade_ids):
        return TRADE_LISTED
    return 0.0


def _shortlist(
    catalog: Catalog,
    context: _Context,
    *,
    about: dict[int, float],
    focus: dict[int, float],
    boosted: set[int],
    size: int,
) -> set[int]:
    """The ``size`` best candidates by first-pass points, without scoring every one.

    The candidates of a trade (and of the safety goal) come in groups whose points differ
    only by ``static``, kept sorted: a heap over the groups yields the best ``size`` in
    O(size log groups). The worker's words add points to few records: those are scored
    one by one and compete on the same scale.
    """
    index = _rank_index(catalog)
    facts = index.facts
    trade_ids = context.trade_ids
    streams: list[tuple[float, _Group]] = []
    sources: list[tuple[list[_Group], bool]] = [
        (index.by_trade.get(t, []), True) for t in trade_ids
    ]
    if "safety" in context.goals:
        sources.append((index.safety, False))
    if not trade_ids and not about and "safety" not in context.goals:
        sources.append((index.everything, False))
    for groups, of_trade in sources:
        for group in groups:
            trade_points = (
                (TRADE_PRIMARY if group.primary else TRADE_LISTED)
                if of_trade
                else _trade_points(group.facts.trades, trade_ids)
            )
            points = _first_points(group.facts, trade_points, context)
            if points is not None:
                streams.append((points, group))

    value: dict[int, float] = {}
    heap = [(-(points + group.statics[0]), k, 0) for k, (points, group) in enumerate(streams)]
    heapq.heapify(heap)
    while heap and len(value) < size:
        negative, k, at = heapq.heappop(heap)
        members = streams[k][1].members
        value.setdefault(members[at], -negative)
        if at + 1 < len(members):
            points, group = streams[k]
            heapq.heappush(heap, (-(points + group.statics[at + 1]), k, at + 1))

    # The worker's words and what they hold: exact points for the few records they touch.
    touched = set(heapq.nlargest(size, about, key=about.__getitem__)) if about else set()
    touched |= boosted
    for i in touched:
        f = facts[i]
        points = _first_points(f, _trade_points(f.trades, trade_ids), context)
        if points is None:
            continue
        extra = ABOUT * about.get(i, 0.0) + FOCUS * focus.get(i, 0.0) ** 2
        value[i] = f.static + points + extra
    best = heapq.nlargest(size, value, key=lambda i: (value[i], -i))
    return set(best) | boosted


def _pull_up_lower_rungs(
    scored: dict[int, tuple[int, float, list[Reason]]],
    score_one: Callable[[int], tuple[int, float, list[Reason]] | None],
    holds: set[str],
    catalog: Catalog,
) -> None:
    """Put the first rung of a ladder right after the higher rung that scored well.

    "NICET Level II" may fit a worker's goal best, but without "Level I" they cannot
    take it: Level I is then worth almost as much. A ladder is a family of ids
    ("nicet-wbsl-1" -> "nicet-wbsl-2") of one type where the lower level leads to the
    higher one.
    """
    records = catalog.records
    position = catalog.position
    for i in sorted(scored, key=lambda k: -scored[k][1]):
        # Current scores: a rung pulled up may pull up the rung below it in turn.
        tier, score, _ = scored[i]
        higher = records[i]
        for j in catalog.leading_to.get(higher.id, ()):
            lower = records[j]
            if lower.id in holds or not _same_ladder(lower, higher):
                continue
            if j not in scored:
                result = score_one(position[lower.id])
                if result is None:
                    continue
                scored[j] = result
            lower_tier, lower_score, reasons = scored[j]
            if lower_tier == tier and lower_score < score - 1.0:
                step = Reason("first_step_to", {"target": higher.id})
                scored[j] = (lower_tier, score - 1.0, [step, *reasons])


def _same_ladder(lower: Credential, higher: Credential) -> bool:
    return (
        lower.type == higher.type
        and LEVEL_ORDER[lower.level] < LEVEL_ORDER[higher.level]
        and lower.id.rsplit("-", 1)[0] == higher.id.rsplit("-", 1)[0]
    )


def _score(
    credential: Credential,
    context: _Context,
    *,
    where: str,
    about: float,
    focus: float,
    focus_via: str | None,
    next_after: str | None,
    prerequisite: str | None,
    builds_on: str | None,
    covered: bool,
) -> tuple[float, int, list[Reason]]:
    """Points, tier (0 fits every hard preference, 1 breaks one) and reasons."""
    profile, catalog = context.profile, context.catalog
    trade_ids, goals, region = context.trade_ids, context.goals, context.region
    score = 0.0
    tier = 0
    fit: list[Reason] = []  # why it fits the worker: shown first
    practical: list[Reason] = []  # how to take it: shown after

    fitting = [t for t in trade_ids if t in credential.trades]
    if fitting:
        primary = credential.trades[0] in trade_ids
        score += TRADE_PRIMARY if primary else TRADE_LISTED
        shown = credential.trades[0] if primary else fitting[0]
        fit.append(Reason("trade_fit", {"trade": shown}))
    on_trade = bool(fitting) or not trade_ids

    shared_goals = [g for g in GOALS if g in goals and g in credential.goals]
    if shared_goals:
        score += GOAL_FIRST + GOAL_MORE * (len(shared_goals) - 1)
        # Another trade's credential may be worth a look, but it does not serve the
        # worker's goal ("counts toward a license" for an electrician's licence would
        # mislead an HVAC apprentice).
        if on_trade:
            fit.extend(Reason(f"goal_{g}") for g in shared_goals)
    elif goals:
        score += GOAL_NONE
    if "license" in goals and credential.type == "License" and on_trade:
        score += LICENSE_TYPE
    own_state = region is not None and _is_own_state_licence(credential, context)
    if own_state and "license" in goals and region is not None:
        score += STATE_LICENCE
        code = "local_licence" if credential.local_licence else "state_licence"
        fit.insert(0, Reason(code, {"region": region}))

    if focus_via is not None:
        score += FOCUS * focus**2
        fit.insert(0, Reason("includes_match", {"part": focus_via}))
    elif focus:
        # What the worker asked for is the first reason given.
        score += FOCUS * focus**2
        fit.insert(0, Reason("about_match", {"terms": ""}))
    elif about >= 0.3:
        fit.append(Reason("about_match", {"terms": ""}))
    score += ABOUT * about
    if next_after:
        score += NEXT_STEP
        fit.insert(0, Reason("next_step_after", {"held": next_after}))
    if prerequisite:
        score += PREREQUISITE_HELD
        fit.insert(0, Reason("prerequisite_held", {"held": prerequisite}))
    if builds_on:
        score += BUILDS_ON
        fit.insert(0, Reason("builds_on", {"held": builds_on}))
    if covered:
        score += COVERED_BY_HELD

    if where == "local" and region:
        score += REGION_LOCAL
        if not (own_state and "license" in goals):  # the licence reason already says where
            fit.append(Reason("region_local", {"region": region}))
    elif where == "unknown":
        score += REGION_UNSURE
        practical.append(Reason("region_check", {"regions": ", ".join(credential.recognition)}))

    score += LEVEL_FIT.get(profile.experience, LEVEL_FIT[None]).get(credential.level, 0.0)
    score += _facts(catalog)[catalog.position[credential.id]].static

    delivery = set(credential.delivery)
    if profile.delivery == "online":
        if "online" in delivery:
            score += ONLINE
            practical.append(Reason("online"))
        elif delivery == {"in_person"}:
            tier = 1
            practical.append(Reason("in_person"))
        elif "blended" in delivery:
            score += BLENDED_FOR_ONLINE
    elif profile.delivery == "in_person" and delivery & {"in_person", "blended"}:
        score += IN_PERSON
    elif "online" in delivery and profile.delivery == "any":
        practical.append(Reason("online"))
    if delivery == {"exam_only"} or (delivery == {"exam_only", "online"}):
        practical.append(Reason("exam_only"))

    cost = credential.cost
    if cost is not None:
        currency = cost.currency
        low = cost.min if cost.min is not None else cost.max
        high = cost.max if cost.max is not None else cost.min
        budget = profile.budget_usd
        comparable = currency == "USD"
        if high == 0:
            practical.append(Reason("free"))
        elif budget is not None and comparable and cost.min is not None and cost.min > budget:
            score += OVER_BUDGET
            practical.append(Reason("over_budget", {"currency": currency, "min": _num(cost.min)}))
        elif budget is not None and comparable and high is not None and high <= budget:
            score += WITHIN_BUDGET
            practical.append(
                Reason(
                    "within_budget",
                    {"currency": currency, "min": _num(low), "max": _num(high)},
                )
            )
        elif high is not None and comparable and high <= CHEAP_USD:
            practical.append(Reason("cheap", {"currency": currency, "max": _num(high)}))

    hours = credential.hours
    if hours is not None and profile.weekly_hours:
        typical = hours.max if hours.max is not None else hours.min
        if typical:
            weeks = math.ceil(typical / profile.weekly_hours)
            if weeks <= SHORT_WEEKS:
                score += SHORT
                practical.append(Reason("hours_short", {"hours": _num(typical), "weeks": weeks}))
            elif weeks > LONG_WEEKS:
                score += LONG
                practical.append(Reason("hours_long", {"weeks": weeks}))

    renewal = credential.renewal
    if renewal is not None:
        if not renewal.expires:
            practical.append(Reason("never_expires"))  # its points are in the static ones
        elif renewal.months:
            practical.append(Reason("renews_months", {"months": renewal.months}))

    if trade_ids and not fitting and credential.trades:
        # Another trade's credential says whose it is ("used in wind turbine technician
        # work"), also when the worker's words brought it in.
        if credential.trades[0] in catalog.trades:
            fit.append(Reason("trade_near", {"trade": credential.trades[0]}))
    return score, tier, fit + practical


def _with_about_terms(
    reasons: list[Reason], credential: Credential, about: list[str], catalog: Catalog
) -> list[Reason]:
    """Fill ``about_match`` with the worker's own words that the credential mentions."""
    if not any(r.code == "about_match" for r in reasons):
        return reasons

    words: set[str] = set()
    for texts in credential_fields(credential, catalog.trades).values():
        for text in texts:
            words.update(_words_of(text))
    index = catalog.index
    matched = [
        q for q in about if q in words or any(w in words for w, _ in index.vocabulary.expand(q))
    ]
    # The telling words when there are many: the rarest three, in the worker's order; a
    # lone letter ("g" of "6g") only when nothing else matched.
    telling = [q for q in matched if len(q) > 1] or matched
    rarest = set(sorted(telling, key=lambda q: -index.idf.get(q, index.max_idf))[:3])
    terms = [q for q in telling if q in rarest]
    out: list[Reason] = []
    for reason in reasons:
        if reason.code == "about_match":
            if not terms:
                continue
            reason = Reason("about_match", {"terms": ", ".join(terms)})
        out.append(reason)
    return out


@lru_cache(maxsize=4096)
def _words_of(text: str) -> tuple[str, ...]:
    # Issuers, trade names and skills repeat across records: fold each text once.
    return tuple(tokens(text))


def _num(value: float | None) -> int | float:
    if value is None:
        return 0
    return int(value) if float(value).is_integer() else round(value, 2)
