"""Badges end to end: a worker earns a credential, gets a card, shares it with the crew
through inline mode, proves it with a certificate, and anyone can verify its code."""

from __future__ import annotations

import asyncio
import io
import json

import pytest
from PIL import Image
from sqlalchemy import select

from bot.db.models import Badge, EarnedCredential
from emulator import EmulatedUser
from emulator.media import UploadedFile
from tests.conftest import Harness
from tests.story import labels, reply_to, texts

OSHA30 = "OSHA 30-Hour Construction (Outreach Training Program)"


async def earn(worker: EmulatedUser, query: str = "OSHA 30") -> None:
    """/earned, the first match, earned today."""
    matches = await reply_to(worker, worker.send(f"/earned {query}"))
    await reply_to(worker, worker.press(labels(matches)[0]))
    await reply_to(worker, worker.press("Today"))


async def badge_row(harness: Harness, user_id: int) -> Badge:
    """The worker's newest badge row, straight from the database."""
    async with harness.services.sessions() as session:
        row = await session.scalar(
            select(Badge)
            .join(EarnedCredential, EarnedCredential.id == Badge.earned_id)
            .where(EarnedCredential.user_id == user_id)
            .order_by(Badge.id.desc())
        )
    assert row is not None, "no badge"
    return row


async def saved_card(harness: Harness, user_id: int) -> Badge:
    """The badge once its uploaded card's file_id is saved: the bot writes it just after
    Telegram answers sendPhoto, which can be a moment after the worker sees the card."""
    for _ in range(100):  # at most about 2 s
        row = await badge_row(harness, user_id)
        if row.card_file_id:
            return row
        await asyncio.sleep(0.02)
    raise AssertionError("the card's file_id was never saved")


def photo_sends(harness: Harness) -> list[object]:
    """What each successful sendPhoto carried: an upload, or a file_id string."""
    return [c.params["photo"] for c in harness.emulator.calls if c.method == "sendPhoto" and c.ok]


async def test_earning_makes_a_card_and_the_wall_uploads_it_once(harness: Harness) -> None:
    worker = harness.emulator.user(4101, "Ana", language_code="en")
    await earn(worker)
    badge = await badge_row(harness, 4101)
    assert len(badge.code) == 10 and badge.card_file_id is None  # private: nothing sent yet

    wall = await reply_to(worker, worker.send("/badges"))
    assert (
        wall[0].text == "🏅 Your badges, newest first (1). Only you see them until you share one."
    )
    card = wall[1]
    assert card.caption == f"🏅 Ana earned {OSHA30} · /verify {badge.code}"
    assert card.buttons == [["Share", "Details"]]
    share = card.reply_markup["inline_keyboard"][0][0]  # type: ignore[index]
    assert share["switch_inline_query_chosen_chat"] == {
        "query": f"badge {badge.code}",
        "allow_user_chats": True,
        "allow_bot_chats": False,
        "allow_group_chats": True,
        "allow_channel_chats": False,
    }
    (upload,) = photo_sends(harness)
    assert isinstance(upload, UploadedFile)
    image = Image.open(io.BytesIO(upload.content))
    assert (image.format, image.size) == ("PNG", (1080, 1080))

    await reply_to(worker, worker.send("/badges"))
    _, second = photo_sends(harness)
    file_id = card.photo[-1]["file_id"]  # type: ignore[index]
    assert second == file_id  # the second wall reuses the uploaded card
    assert (await saved_card(harness, 4101)).card_file_id == file_id


async def test_share_goes_to_a_group_as_a_personal_inline_photo(harness: Harness) -> None:
    worker = harness.emulator.user(4102, "Ana", language_code="en")
    other = harness.emulator.user(4103, "Ben", language_code="en")
    crew = harness.emulator.group(-4104, "Crew chat")
    await crew.add_member(worker)
    await earn(worker)
    await reply_to(worker, worker.send("/badges"))
    badge = await saved_card(harness, 4102)

    results = await worker.share_to("Share", crew)
    assert [(r["type"], r["id"], r["photo_file_id"]) for r in results] == [
        ("photo", f"badge{badge.id}", badge.card_file_id)
    ]
    answers = [c.params for c in harness.emulator.calls if c.method == "answerInlineQuery"]
    assert answers[-1]["is_personal"] is True
    posted = await worker.choose_inline_result(f"badge{badge.id}", chat=crew)
    assert posted is not None and posted["caption"] == (
        f"🏅 Ana earned {OSHA30} · /verify {badge.code}"
    )
    cheer = await crew.wait_for_reply()
    assert texts(cheer) == f"🎉 Congratulations, Ana, on {OSHA30}!"
    # Shared again: no second congratulation.
    await worker.share_to("Share", crew)
    await worker.choose_inline_result(f"badge{badge.id}", chat=crew)
    await crew.assert_no_reply()

    # Someone else asking inline for badges gets none of Ana's, only a way to their own.
    assert await other.inline_query(f"badge {badge.code}") == []
    answer = [c.params for c in harness.emulator.calls if c.method == "answerInlineQuery"][-1]
    assert (answer["is_personal"], answer["button"]) == (
        True,
        {"text": "Open my badges", "start_parameter": "badges"},
    )
    # Anything else typed inline is still a catalog search.
    found = await other.inline_query("forklift")
    assert found and all(r["type"] == "article" for r in found)


async def test_verify_valid_deep_link_random_then_revoked(harness: Harness) -> None:
    worker = harness.emulator.user(4105, "Ana", language_code="en")
    stranger = harness.emulator.user(4106, "Sam", language_code="en")
    await earn(worker)
    code = (await badge_row(harness, 4105)).code
    valid = (
        f"✅ Badge {code}: Ana earned {OSHA30} (U.S. Occupational Safety and Health "
        "Administration (OSHA)…) on 2026-11-23. Self-reported.\n"
        "Toolbox records what the worker reported; the issuer has not signed it."
    )
    assert texts(await reply_to(stranger, stranger.send(f"/verify {code.lower()}"))) == valid
    assert texts(await reply_to(stranger, stranger.start(f"verify-{code}"))) == valid
    random = await reply_to(stranger, stranger.send("/verify ZZZZ2222ZZ"))
    assert texts(random) == (
        "❌ No such badge. The code ZZZZ2222ZZ does not match any badge: it may be mistyped, "
        "or the badge was removed."
    )

    # The card's Details: attach a certificate (a PDF), then remove the badge.
    await reply_to(worker, worker.send("/badges"))
    details = await reply_to(worker, worker.press("Details"))
    assert labels(details) == ["Attach certificate", "Open Badges file", "Remove badge"]
    asked = await reply_to(worker, worker.press("Attach certificate"))
    assert texts(asked) == (
        "Send a photo or a PDF of your certificate. I keep only Telegram's reference to it, "
        "never a copy. /cancel to stop."
    )
    nudged = await reply_to(worker, worker.send("here it is"))
    assert texts(nudged) == "I need a photo or a PDF of the certificate. /cancel to stop."
    pdf = await worker.send_document(b"%PDF-1.4 test", "cert.pdf", mime_type="application/pdf")
    done = await worker.wait_for_reply(timeout=10)
    assert texts(done) == "✓ Evidence attached. Your card now says so: /badges"
    row = await badge_row(harness, 4105)
    assert (row.evidence_kind, row.evidence_file_id) == (
        "pdf",
        pdf["message"]["document"]["file_id"],
    )
    proved = await reply_to(stranger, stranger.send(f"/verify {code}"))
    assert texts(proved) == valid.replace("Self-reported.", "Evidence attached.")
    # The card's content changed: drawn and uploaded anew, once.
    await reply_to(worker, worker.send("/badges"))
    assert [isinstance(p, UploadedFile) for p in photo_sends(harness)] == [True, True]

    await reply_to(worker, worker.press("Details"))
    await reply_to(worker, worker.press("Remove badge"))
    removed = await reply_to(worker, worker.press("Yes, remove it"))
    assert texts(removed) == (
        "Removed. It is gone from your wall, crew boards and verification. Your /earned "
        "record stays."
    )
    gone = (
        f"❌ No such badge. The code {code} does not match any badge: it may be mistyped, "
        "or the badge was removed."
    )
    assert texts(await reply_to(stranger, stranger.send(f"/verify {code}"))) == gone
    assert texts(await reply_to(stranger, stranger.start(f"verify-{code}"))) == gone
    assert texts(await reply_to(worker, worker.send("/badges"))) == (
        "No badges yet. Record a credential you hold with /earned, or finish a plan: each one "
        "becomes a badge card you can share with your crew."
    )


async def test_open_badges_export_has_every_field(harness: Harness) -> None:
    worker = harness.emulator.user(4107, "Ana", language_code="en")
    await earn(worker)
    await reply_to(worker, worker.send("/badges"))
    await reply_to(worker, worker.press("Details"))
    sent = await reply_to(worker, worker.press("Open Badges file"))
    assert sent[-1].caption == (
        "Open Badges 3.0 file. It is unsigned and self-asserted: it records what you told me, "
        "not a credential signed by the issuer."
    )
    code = (await badge_row(harness, 4107)).code
    document = sent[-1].data["document"]
    assert document["file_name"] == f"badge-{code}.json"
    stored = harness.emulator.state.files.get(document["file_id"])
    assert stored is not None, "the document was not uploaded"
    osha = next(c for c in harness.services.catalog.credentials.values() if c.name == OSHA30)
    # Unsigned: no "proof"; self-asserted, and the issuer named as the source, not the signer.
    assert json.loads(stored.content) == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": f"https://t.me/toolbox_test_bot?start=verify-{code}",
        "name": OSHA30,
        "issuer": {
            "id": "https://t.me/toolbox_test_bot",
            "type": ["Profile"],
            "name": f"Toolbox (self-asserted by the holder, not by {osha.issuer})",
        },
        "validFrom": "2026-11-23T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Ana",
            "achievement": {
                "id": "https://www.osha.gov/training/outreach",
                "type": ["Achievement"],
                "name": OSHA30,
                "description": osha.description,
                "criteria": {"narrative": f"Earned from {osha.issuer}; reported by the holder."},
            },
        },
        "evidence": [],
        "selfAsserted": True,
        "note": (
            "Unsigned and self-asserted: the holder reported this credential to Toolbox. "
            "It is not signed by the issuer; check with the issuer to confirm it."
        ),
    }


async def test_a_credential_held_from_onboarding_gets_a_badge_too(harness: Harness) -> None:
    from bot.services.profiles import add_held

    worker = harness.emulator.user(4108, "Ana", language_code="en")
    await reply_to(worker, worker.send("/help"))  # the worker's row exists
    credential = next(c for c in harness.services.catalog.credentials.values() if c.name == OSHA30)
    async with harness.services.sessions.begin() as session:
        assert await add_held(session, harness.clock, 4108, credential.id)
    wall = await reply_to(worker, worker.send("/badges"))
    code = (await badge_row(harness, 4108)).code
    assert [m.caption for m in wall] == [None, f"🏅 Ana earned {OSHA30} · /verify {code}"]


@pytest.mark.parametrize(("user_id", "first_name"), [(4109, "مريم"), (4110, "王小明")])
async def test_arabic_and_chinese_holders_get_their_card(
    harness: Harness, user_id: int, first_name: str
) -> None:
    worker = harness.emulator.user(user_id, first_name, language_code="en")
    await earn(worker)
    wall = await reply_to(worker, worker.send("/badges"))
    code = (await badge_row(harness, user_id)).code
    assert [m.caption for m in wall] == [None, f"🏅 {first_name} earned {OSHA30} · /verify {code}"]
    (upload,) = photo_sends(harness)
    assert isinstance(upload, UploadedFile)
    assert Image.open(io.BytesIO(upload.content)).size == (1080, 1080)
