"""Numbers are read as a person means them: "-999999" is not a $999,999 budget, "1e309" is
not 1 hour, "0x7fffffff" is not 0; each gets a short "that doesn't look like an amount"."""

from __future__ import annotations

import pytest

from bot.db.models import Profile
from handlers.choices import NotAnAmount, parse_number
from tests.conftest import Harness
from tests.story import reply_to, taps_to_cards, texts


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("5", 5),
        ("5 hours", 5),
        ("about 10", 10),
        ("$250", 250),
        ("$1,500", 1500),
        ("2.5", 3),
        ("5-10 hours", 5),
        ("+7", 7),
        ("free", 0),
        ("nada", 0),
        ("lots", None),
        ("", None),
    ],
)
def test_numbers_people_type(typed: str, meant: int | None) -> None:
    assert parse_number(typed) == meant


@pytest.mark.parametrize(
    "typed",
    ["-999999", "-5", "$-20", "\u22125", "1e309", "1E3", "0x7fffffff", "1000000", "9" * 300],
)
def test_numbers_nobody_means_as_an_amount(typed: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_number(typed)


HOURS_TAPS = taps_to_cards("Electrician")[:6]  # up to the hours question


async def test_hostile_numbers_get_a_short_answer_and_change_nothing(harness: Harness) -> None:
    worker = harness.emulator.user(5_700_000_001, "Num", language_code="en")
    await reply_to(worker, worker.send("/start"))
    for label in HOURS_TAPS:
        replies = await reply_to(worker, worker.press(label))
    assert "How many hours a week can you study?" in texts(replies)
    for typed in ("1e309", "0x7fffffff", "-999999", "500"):
        replies = await reply_to(worker, worker.send(typed))
        assert texts(replies).startswith(
            "That doesn't look like an amount of hours. Try a number like 5."
        ), (typed, texts(replies))
        assert "How many hours a week can you study?" in texts(replies)
    replies = await reply_to(worker, worker.send("4"))
    assert texts(replies) == "✓ 4 h a week\n\nHow much can you spend on a credential?"
    for typed in ("-999999", "1e309", "0x7fffffff"):
        replies = await reply_to(worker, worker.send(typed))
        assert texts(replies).startswith(
            "That doesn't look like an amount. Try a number like 200."
        ), (typed, texts(replies))
    async with harness.services.sessions() as session:
        profile = await session.get(Profile, worker.id)
    assert profile is not None
    assert (profile.weekly_hours, profile.budget_usd) == (4, None)
