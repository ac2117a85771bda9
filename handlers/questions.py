"""The worker's profile, one question at a time, in the order onboarding asks them.

Trade → experience → goals → (in their words) what they want to do → what they hold →
hours a week → budget → online or not → region. Each `Question` below is the whole of a
question: its wording, buttons, how typed answers are read, and the one service call
that stores the answer. `QUESTIONS` is the order; onboarding and /profile both read it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from zoneinfo import available_timezones

from bot.callbacks import credential_code, credential_from_code
from bot.i18n import N_
from bot.services import profiles
from bot.services.profiles import ProfileView
from bot.services.timezones import place_from_text
from catalog import normalize_region, normalize_trade, suggest_credentials
from catalog.schema import REGION
from handlers.chat import escape, shorten
from handlers.choices import (
    BUDGET,
    DELIVERY,
    EXPERIENCE,
    GOALS,
    HOURS,
    REGIONS,
    NotAnAmount,
    common_trades,
    fold,
    label_for,
    match_choice,
    match_goals,
    parse_number,
    place_name,
    trade_name,
)
from handlers.question import Answer, Asking, Choice, Offer, Question, Saved, Value

NONE = "_none"  # "None of these" under a "Did you mean…?"
REMOVE = "-"  # prefix of a held credential's code on its "✖" button
ABOUT_LIMIT = 300
MAX_HOURS = 80  # a week has 168; more than 80 of study is a typo
HELD_SHOWN = 6
DONE = "_done"  # the question's Done button: what "none" typed at the holds question means
# "I hold none", typed: the holds question is done.
HOLD_NONE = frozenset(
    {
        "none", "nothing", "no", "nope", "not yet", "none yet", "i have none",
        "i dont have any", "nada", "ninguna", "ninguno", "no tengo", "no tengo ninguna",
        "no tengo ninguno", "no tengo nada", "todavia no", "aun no", "ningun",
    }
)  # fmt: skip


def _in_pairs(choices: list[Choice]) -> list[list[Choice]]:
    return [choices[i : i + 2] for i in range(0, len(choices), 2)]


def _done(text: str) -> str:
    return "✓ " + text


async def _store(answer: Answer, **fields: object) -> None:
    await profiles.update_profile(answer.session, answer.clock, answer.user_id, **fields)


def _saves_choice(
    field: str, choices: Sequence[tuple[str, str, Iterable[str]]]
) -> Callable[[Answer], Awaitable[Saved | None]]:
    """The save of a one-of-these question: a known key is stored as `field`."""
    keys = {key for key, _, _ in choices}

    async def save(answer: Answer) -> Saved | None:
        if answer.value not in keys:
            return None
        await _store(answer, **{field: answer.value})
        return Saved(_done(label_for(choices, answer.value, answer.t)))

    return save


# ---------------------------------------------------------------- trade -------------


def _trade_choices(asking: Asking) -> list[list[Choice]]:
    return _in_pairs(
        [(trade_name(asking.catalog, tid, asking.t), tid) for tid in common_trades(asking.catalog)]
    )


def _read_trade(text: str, asking: Asking) -> Value | Offer | None:
    match = normalize_trade(text, catalog=asking.catalog)
    if match.trade is not None:
        return match.trade.id
    if not match.candidates:
        return None
    choices = [(trade_name(asking.catalog, c.id, asking.t), c.id) for c, _ in match.candidates[:4]]
    return Offer(asking.t("Did you mean…?"), [*choices, (asking.t("None of these"), NONE)])


async def _save_trade(answer: Answer) -> Saved | None:
    t, catalog = answer.t, answer.asking.catalog
    if answer.value == NONE:
        return Saved(t("No problem, type it another way."), stay=True)
    if answer.value not in catalog.trades:
        return None
    await _store(answer, trade=answer.value)
    return Saved(_done(escape(trade_name(catalog, str(answer.value), t))))


TRADE = Question(
    name="trade",
    field="trade",
    sentences=True,
    label=N_("Trade"),
    ask=lambda a: a.t(
        "What's your trade? Tap one, or type it in your own words "
        '("sparky", "plomero", "pipe fitter"...).'
    ),
    choices=_trade_choices,
    read=_read_trade,
    save=_save_trade,
    shows=lambda view, a: trade_name(a.catalog, view.trade, a.t),
)


# ---------------------------------------------------------------- experience --------


EXPERIENCE_Q = Question(
    name="exp",
    field="experience",
    sentences=True,
    label=N_("Experience"),
    ask=lambda a: a.t("Where are you in your trade?"),
    choices=lambda a: [[(a.t(label), key)] for key, label, _ in EXPERIENCE],
    read=lambda text, a: match_choice(text, EXPERIENCE, a.t),
    save=_saves_choice("experience", EXPERIENCE),
    shows=lambda view, a: label_for(EXPERIENCE, view.experience, a.t),
)


# ---------------------------------------------------------------- own words ---------


def _read_about(text: str, asking: Asking) -> Value | None:
    about = " ".join(text.split())[:ABOUT_LIMIT]
    return about or None


async def _save_about(answer: Answer) -> Saved | None:
    about = " ".join(str(answer.value).split())[:ABOUT_LIMIT]
    if not about:
        return None
    await _store(answer, about=about)
    return Saved(_done(escape(shorten(about, 80))))


ABOUT = Question(
    name="about",
    field="about",
    label=N_("In your words"),
    ask=lambda a: a.t(
        "In your own words, what do you want to be able to do? "
        'For example: "buy refrigerant", "work on solar", "run a crane". '
        "Or tap Skip."
    ),
    read=_read_about,
    save=_save_about,
    shows=lambda view, a: shorten(view.about or a.t("not set"), 60),
)


# ---------------------------------------------------------------- goals -------------


def _goal_labels(goals: tuple[str, ...] | list[str], asking: Asking) -> str:
    return ", ".join(label_for(GOALS, g, asking.t) for g in goals)


def _read_goals(text: str, asking: Asking) -> Value | None:
    goals = match_goals(text, asking.t)
    return tuple(goals) if goals else None


async def _save_goals(answer: Answer) -> Saved | None:
    keys = {key for key, _, _ in GOALS}
    if isinstance(answer.value, tuple):  # typed: the whole answer at once
        if not set(answer.value) <= keys:
            return None
        await _store(answer, goals=list(answer.value))
        return Saved(_done(_goal_labels(answer.value, answer.asking)))
    if answer.value not in keys:
        return None
    await profiles.toggle_goal(answer.session, answer.clock, answer.user_id, answer.value)
    return Saved(stay=True)


GOALS_Q = Question(
    name="goals",
    field="goals",
    label=N_("Goals"),
    ask=lambda a: a.t("What do you want next? Tap all that apply, then Done."),
    choices=lambda a: [
        [(("✅ " if key in a.view.goals else "") + a.t(label), key)] for key, label, _ in GOALS
    ],
    read=_read_goals,
    save=_save_goals,
    shows=lambda view, a: _goal_labels(view.goals, a) or a.t("not set"),
    many=True,
    otherwise=ABOUT,
    sentences=True,
)


# ---------------------------------------------------------------- holds -------------


def _held(asking: Asking) -> list[str]:
    return [c for c in asking.view.holds if c in asking.catalog.credentials][:HELD_SHOWN]


def _ask_holds(asking: Asking) -> str:
    t, credentials = asking.t, asking.catalog.credentials
    text = t(
        'Do you already hold any credentials? Type a name ("OSHA 10", "608") '
        "and tap the match, or tap Done."
    )
    held = _held(asking)
    if held:
        listing = "\n".join(f"{n}. {escape(credentials[c].name)}" for n, c in enumerate(held, 1))
        text += "\n" + t("You hold:") + "\n" + listing
    return text


def _holds_choices(asking: Asking) -> list[list[Choice]]:
    # One button per held credential to take it off again (a mistaken tap).
    credentials = asking.catalog.credentials
    return [
        [(f"✖ {n}. {credentials[c].name}", REMOVE + credential_code(c))]
        for n, c in enumerate(_held(asking), 1)
    ]


def _read_holds(text: str, asking: Asking) -> Value | Offer:
    t = asking.t
    if fold(text) in HOLD_NONE:
        return DONE
    hits = suggest_credentials(text[:200], limit=5, catalog=asking.catalog)
    if not hits:
        return Offer(t("I couldn't find that one. Try another name, or tap Done."))
    # Official names are long and alike ("EPA Section 608 ... - Type I"): the full names go
    # in the text, numbered, and each button starts with its number.
    names = [hit.credential.name for hit in hits]
    listing = "\n".join(f"{n}. {escape(name)}" for n, name in enumerate(names, 1))
    choices = [
        (f"{n}. {name}", credential_code(hit.credential.id))
        for n, (name, hit) in enumerate(zip(names, hits, strict=True), 1)
    ]
    return Offer(t("Which one do you hold? Tap its number.") + "\n" + listing, choices, True)


async def _save_holds(answer: Answer) -> Saved | None:
    catalog, value = answer.asking.catalog, str(answer.value)
    removing = value.startswith(REMOVE)
    credential_id = credential_from_code(value.removeprefix(REMOVE), frozenset(catalog.credentials))
    if credential_id is None:
        return None
    if removing:
        await profiles.remove_held(answer.session, answer.user_id, credential_id)
        return Saved(stay=True)
    await profiles.add_held(answer.session, answer.clock, answer.user_id, credential_id)
    name = escape(catalog.credentials[credential_id].name)
    return Saved(_done(name) + "\n" + answer.t("Type another, or tap Done."), stay=True)


def _holds_shown(view: ProfileView, asking: Asking) -> str:
    credentials = asking.catalog.credentials
    names = ", ".join(credentials[c].name for c in view.holds if c in credentials)
    return shorten(names, 80) if names else asking.t("not set")


HOLDS = Question(
    name="holds",
    field="holds",
    label=N_("You hold"),
    ask=_ask_holds,
    choices=_holds_choices,
    read=_read_holds,
    save=_save_holds,
    shows=_holds_shown,
    many=True,
)


# ---------------------------------------------------------------- hours -------------


def _read_hours(text: str, asking: Asking) -> Value | Offer | None:
    try:
        hours = parse_number(text)
    except NotAnAmount:
        hours = MAX_HOURS + 1
    if hours is not None and hours > MAX_HOURS:
        return Offer(asking.t("That doesn't look like an amount of hours. Try a number like 5."))
    return str(hours) if hours is not None else None


async def _save_hours(answer: Answer) -> Saved | None:
    value = str(answer.value)
    if not value.isdigit() or int(value) > MAX_HOURS:
        return None
    await _store(answer, weekly_hours=int(value))
    return Saved(_done(answer.t("{hours} h a week", hours=value)))


HOURS_Q = Question(
    name="hours",
    field="weekly_hours",
    label=N_("Hours a week"),
    ask=lambda a: a.t("How many hours a week can you study?"),
    choices=lambda a: [[(label, str(value)) for value, label in HOURS]],
    read=_read_hours,
    save=_save_hours,
    shows=lambda view, a: (
        str(view.weekly_hours) if view.weekly_hours is not None else a.t("not set")
    ),
)


# ---------------------------------------------------------------- budget ------------

NO_LIMIT = "-1"


def _read_budget(text: str, asking: Asking) -> Value | Offer | None:
    try:
        budget = parse_number(text)
    except NotAnAmount:
        return Offer(asking.t("That doesn't look like an amount. Try a number like 200."))
    if budget is not None:
        return str(budget)
    no_limit = [(NO_LIMIT, "No limit", ("no limit", "sin limite", "any"))]
    return match_choice(text, no_limit, asking.t)


async def _save_budget(answer: Answer) -> Saved | None:
    value, t = str(answer.value), answer.t
    if value != NO_LIMIT and not value.isdigit():
        return None
    budget = int(value)
    await _store(answer, budget_usd=profiles.NO_LIMIT if budget < 0 else budget)
    return Saved(_done(t("No limit") if budget < 0 else t("Up to ${amount}", amount=f"{budget:,}")))


def _budget_shown(view: ProfileView, asking: Asking) -> str:
    t = asking.t
    if view.budget_usd is None:
        return t("not set")
    if view.budget_usd == profiles.NO_LIMIT:
        return t("No limit")
    return t("Free only") if view.budget_usd == 0 else f"${view.budget_usd:,}"


BUDGET_Q = Question(
    name="budget",
    field="budget_usd",
    label=N_("Budget"),
    ask=lambda a: a.t("How much can you spend on a credential?"),
    choices=lambda a: [
        [(a.t(label), str(value)) for value, label in BUDGET[:2]],
        [(a.t(label), str(value)) for value, label in BUDGET[2:]],
    ],
    read=_read_budget,
    save=_save_budget,
    shows=_budget_shown,
)


# ---------------------------------------------------------------- delivery ----------


DELIVERY_Q = Question(
    name="deliv",
    field="delivery",
    label=N_("Online or in person"),
    ask=lambda a: a.t("Online, in person, or either?"),
    choices=lambda a: [[(a.t(label), key) for key, label, _ in DELIVERY]],
    read=lambda text, a: match_choice(text, DELIVERY, a.t),
    save=_saves_choice("delivery", DELIVERY),
    shows=lambda view, a: label_for(DELIVERY, view.delivery, a.t),
)


# ---------------------------------------------------------------- region ------------


def _read_region(text: str, asking: Asking) -> Value | None:
    """A state, province or country; or a town, which also gives the timezone."""
    region = normalize_region(text)
    if region is not None:
        return region
    place = place_from_text(text)
    return (place.region, place.timezone, place.name) if place else None


async def _save_region(answer: Answer) -> Saved | None:
    if isinstance(answer.value, tuple):  # a town, read from typed text
        region, zone, town = answer.value
    else:
        region, zone, town = answer.value, None, None
    if not REGION.match(region) or (zone is not None and zone not in available_timezones()):
        return None
    await profiles.set_region(
        answer.session, answer.clock, answer.user_id, region, zone, default_tz=answer.default_tz
    )
    name = place_name(region, answer.t)
    return Saved(_done(escape(f"{town}, {name}" if town else name)))


REGION_Q = Question(
    name="region",
    field="region",
    sentences=True,
    label=N_("Region"),
    ask=lambda a: a.t(
        "Where do you work? Tap a country, or type your state or province "
        '("Texas", "Ontario") for local licenses.'
    ),
    choices=lambda a: [[(a.t(label), code) for code, label in REGIONS]],
    read=_read_region,
    save=_save_region,
    shows=lambda view, a: place_name(view.region, a.t),
)


QUESTIONS: tuple[Question, ...] = (
    TRADE,
    EXPERIENCE_Q,
    GOALS_Q,
    ABOUT,
    HOLDS,
    HOURS_Q,
    BUDGET_Q,
    DELIVERY_Q,
    REGION_Q,
)


def named(name: object) -> Question | None:
    """The question called `name` (a conversation state, a button's action), if any."""
    return next((question for question in QUESTIONS if question.name == name), None)
