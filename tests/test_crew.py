"""A crew's group chat: only members who opted in show on the board, with their badges and
study streak and nothing from their profile; /share posts a badge and is cheered once."""

from __future__ import annotations

from emulator import EmulatedGroup
from tests.conftest import Harness
from tests.story import labels, onboard_by_taps, reply_to, start_plan, taps_to_cards, texts
from tests.test_badges import OSHA30, badge_row, earn

PROFILE_WORDS = ("Welder", "Apprentice", "First job", "No limit", "USA", "3–5", "NFPA")


def group_transcript(crew: EmulatedGroup) -> str:
    return "\n".join(m.text or m.caption or "" for m in crew.history)


async def test_crew_board_shows_only_members_who_joined(harness: Harness) -> None:
    ana = harness.emulator.user(4201, "Ana", language_code="en")
    ben = harness.emulator.user(4202, "Ben", language_code="en")
    cy = harness.emulator.user(4203, "Cy", language_code="en")
    crew = harness.emulator.group(-4204, "Crew chat")
    for member in (ana, ben, cy):
        await crew.add_member(member)
    await onboard_by_taps(ana, *taps_to_cards("Welder"))  # a profile that must stay private
    await earn(ana)
    await earn(cy, "Forklift")  # Cy has a badge but never joins: Cy must not appear
    await start_plan(ben, "NFPA 70E Electrical Safety", "type:New York")
    for label in ("10 h", "Tue · Thu", "07:00"):
        await reply_to(ben, ben.press(label))
    await reply_to(ben, ben.send("/log 45m"))

    elsewhere = harness.emulator.group(-4209, "Another crew")
    await elsewhere.add_member(cy)
    await elsewhere.send(cy, "/crew join")  # opting in there says nothing about this group
    assert "Cy joined the crew board." in texts(await elsewhere.wait_for_reply())

    await crew.send(cy, "/crew")
    empty = await crew.wait_for_reply()
    assert texts(empty).startswith("Nobody has joined this crew board yet.")
    assert labels(empty) == ["Join", "Leave"]

    await crew.press(ana, "Join")  # anyone may press the board's button, for themselves
    board = await crew.wait_for_reply()
    assert texts(board) == (
        "Crew board · only members who joined\n"
        "• Ana — no study logged this week — OSHA 30-Hour Construction (Outreach…\n"
        "/crew join or /crew leave"
    )
    await crew.send(ben, "/crew join")
    board = await crew.wait_for_reply()
    assert texts(board).startswith("Ben joined the crew board.\n\nCrew board")
    assert "• Ben — 🔥 1-week study streak — no badges yet" in texts(board)
    assert "• Ana —" in texts(board) and "Cy" not in texts(board)

    await crew.send(ana, "/share")
    shared = await crew.wait_for_reply()
    code = (await badge_row(harness, 4201)).code
    assert [m.caption for m in shared if m.photo] == [f"🏅 Ana earned {OSHA30} · /verify {code}"]
    assert f"🎉 Congratulations, Ana, on {OSHA30}!" in texts(shared)
    await crew.send(ana, "/share")
    again = await crew.wait_for_reply()
    assert "Congratulations" not in texts(again)  # once per badge

    await crew.send(ben, "/crew leave")
    board = await crew.wait_for_reply()
    assert texts(board).startswith("Ben left the crew board.")
    assert "• Ana —" in texts(board) and "• Ben" not in texts(board)

    await crew.send(cy, "/share")
    nothing = await crew.wait_for_reply()
    assert "no badges yet" not in texts(nothing)  # Cy has one: posting it is Cy's choice
    transcript = group_transcript(crew)
    assert not [word for word in PROFILE_WORDS if word in transcript], transcript


async def test_share_pick_sends_the_list_in_private(harness: Harness) -> None:
    ana = harness.emulator.user(4205, "Ana", language_code="en")
    crew = harness.emulator.group(-4206, "Site 12")
    await crew.add_member(ana)
    await earn(ana)
    await earn(ana, "Forklift")
    await crew.send(ana, "/share pick")
    assert texts(await crew.wait_for_reply()) == "I sent you your badges in a private message."
    offer = await ana.wait_for_reply()
    assert texts(offer) == "Which badge should I post in Site 12?"
    assert len(labels(offer)) == 2
    await ana.press(labels(offer)[1])  # the older one: OSHA 30
    assert texts(await ana.wait_for_reply()) == "✓ Posted in the group."
    posted = await crew.wait_for_reply()
    assert posted[0].caption is not None and OSHA30 in posted[0].caption


async def test_the_board_speaks_the_members_language(harness: Harness) -> None:
    lola = harness.emulator.user(4207, "Lola", language_code="es")
    crew = harness.emulator.group(-4208, "Cuadrilla")
    await crew.add_member(lola)
    await crew.send(lola, "/crew")
    empty = await crew.wait_for_reply()
    assert texts(empty).startswith("Nadie se ha unido todavía al tablero de este equipo.")
    assert labels(empty) == ["Unirme", "Salir"]


async def test_a_big_crew_fits_one_phone_screen(harness: Harness) -> None:
    crew = harness.emulator.group(-4210, "Big crew")
    for n in range(12):
        member = harness.emulator.user(4300 + n, f"Member{n:02d}", language_code="en")
        await crew.add_member(member)
        await crew.send(member, "/crew join")
        board = await crew.wait_for_reply()
    # Every message is checked against the phone screen by the harness; this one is cut.
    assert texts(board).startswith("Member11 joined the crew board.")
    assert "• Member00 —" in texts(board) and "more." in texts(board)
    assert "• Member11 —" not in texts(board)
