"""Small helpers that keep end-to-end tests reading like a worker's story."""

from __future__ import annotations

from collections.abc import Awaitable

from emulator import ChatMessage, EmulatedUser

TAP_BUDGET = 10  # issue: three recommendations within ten taps


async def reply_to(user: EmulatedUser, action: Awaitable[object]) -> list[ChatMessage]:
    """Do something as the user and return what the bot sent or edited in answer."""
    await action
    return await user.wait_for_reply(timeout=10)


def texts(messages: list[ChatMessage]) -> str:
    return "\n---\n".join(m.text for m in messages)


def labels(messages: list[ChatMessage]) -> list[str]:
    return [label for m in messages for row in m.buttons for label in row]


def cards(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Recommendation cards: the messages that carry a "Not for me" button."""
    return [
        m
        for m in messages
        if any("Not for me" in row or "No es para mí" in row for row in m.buttons)
    ]


def taps_to_cards(
    trade: str,
    goal: str = "First job",
    hours: str = "3–5 h",
    budget: str = "No limit",
    delivery: str = "Either",
) -> tuple[str, ...]:
    """The ten taps of a worker who only taps: apprentice, no own words, holds nothing, USA."""
    return (
        trade,
        "Apprentice",
        goal,
        "✔ Done",
        "Skip ▶",
        "✔ Done",
        hours,
        budget,
        delivery,
        "🇺🇸 USA",
    )


async def onboard_by_taps(user: EmulatedUser, *taps: str) -> tuple[list[ChatMessage], int]:
    """/start, then press each label in turn; return the last reply and the taps used."""
    replies = await reply_to(user, user.send("/start"))
    for label in taps:
        replies = await reply_to(user, user.press(label))
    return replies, len(taps)


async def open_details(user: EmulatedUser, query: str) -> list[ChatMessage]:
    """/find a credential and open the first result's details (with its plan button)."""
    await reply_to(user, user.send(f"/find {query}"))
    return await reply_to(user, user.press("Details 1"))


async def start_plan(user: EmulatedUser, query: str, *answers: str) -> list[ChatMessage]:
    """From /find to a started plan: open the details, tap "Start a plan", then answer
    each question in turn (a label to press, or "type:" followed by text to send)."""
    await open_details(user, query)
    replies = await reply_to(user, user.press("Start a plan"))
    for answer in answers:
        action = user.send(answer[5:]) if answer.startswith("type:") else user.press(answer)
        replies = await reply_to(user, action)
    return replies
