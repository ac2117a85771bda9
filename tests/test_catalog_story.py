"""Issue 11, item 5, tried as a new user would: a Texas HVAC apprentice who wants a licence
taps through onboarding and gets the Texas air-conditioning ladder, never another trade's
licence, and no credential that repeats another."""

from __future__ import annotations

from tests.conftest import Harness
from tests.story import cards, onboard_by_taps, reply_to, texts


async def test_texas_hvac_apprentice_who_wants_a_licence(harness: Harness) -> None:
    worker = harness.emulator.user(1101, "Tomás", language_code="en")
    taps = (
        "HVAC/R technician",
        "Apprentice",
        "Get licensed",
        "✔ Done",
        "Skip ▶",
        "✔ Done",
        "3–5 h",
        "No limit",
        "Either",
    )
    await onboard_by_taps(worker, *taps)
    replies = await reply_to(worker, worker.send("Texas"))
    shown = cards(replies)
    assert len(shown) == 3, texts(replies)
    first, second, third = (card.text for card in shown)
    assert "Texas Air Conditioning and Refrigeration Registered Technician" in first
    assert "The Texas license for your trade" in first
    assert "EPA Section 608 Technician Certification - Universal" in second
    assert "Texas Air Conditioning and Refrigeration Certified Technician" in third
    everything = texts(shown)
    for other_trade in ("Electrician", "Plumber", "Lead-Safe Certified Firm", "Type II"):
        assert other_trade not in everything, everything
    assert everything.lower().count("counts toward a license") == 3, everything
