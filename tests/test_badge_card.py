"""Badge cards draw any name: 200 characters wrap, Arabic is shaped, Chinese has glyphs."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, features

from bot.badge_card import FAMILIES, CardContent, draw_card, family_of, font_for, wrap

LONG_NAME = ("Advanced Certificate in Commercial Refrigeration Systems Installation " * 3)[:200]
# The Debian package `make fonts` installs (fonts-droid-fallback); named here rather than
# asked of bot.badge_card, so a broken font lookup fails these tests instead of skipping them.
DROID_FALLBACK = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


def content(credential: str = "EPA Section 608 Universal", holder: str = "Ana") -> CardContent:
    return CardContent(
        credential=credential,
        issuer="U.S. Environmental Protection Agency",
        holder=holder,
        earned_line="Earned 2026-11-23",
        status="Self-reported",
        verify_line="Verify: t.me/toolbox_test_bot?start=verify-ABCD234567",
        family="hvac",
    )


@pytest.mark.parametrize(
    ("credential", "holder"),
    [(LONG_NAME, "Ana"), ("EPA 608", "مريم الحسن"), ("EPA 608", "王小明"), (LONG_NAME, "李" * 60)],
)
def test_any_name_renders_a_1080_square_png(credential: str, holder: str) -> None:
    image = Image.open(io.BytesIO(draw_card(content(credential, holder))))
    assert (image.format, image.size) == ("PNG", (1080, 1080))


def test_long_names_wrap_to_four_lines_ending_in_an_ellipsis() -> None:
    font = font_for(LONG_NAME, 64, bold=True)
    lines = wrap(LONG_NAME, font, 900, 4)
    assert lines == [
        "Advanced Certificate in",
        "Commercial",
        "Refrigeration Systems",
        "Installation Advanced…",
    ]
    assert all(font.getlength(line) <= 900 for line in lines)
    cjk = font_for("王", 56)
    chinese = wrap("王" * 80, cjk, 900, 2)  # no spaces: breaks between characters
    full = int(900 // cjk.getlength("王"))  # as many as fit a line (16 in Droid Sans Fallback)
    # The last line gives up a character so that the ellipsis fits too.
    assert chinese == ["王" * full, "王" * (full - 1) + "…"]
    assert all(cjk.getlength(line) <= 900 for line in chinese)


@pytest.mark.skipif(not DROID_FALLBACK.is_file(), reason="fonts-droid-fallback not installed")
def test_chinese_uses_the_cjk_font_and_draws_real_glyphs() -> None:
    assert font_for("王小明", 56).path == str(DROID_FALLBACK)
    # A missing glyph draws the same empty box for every character; real glyphs differ.
    font = font_for("王明", 56)
    first, second = (font.getmask(char) for char in "王明")
    assert bytes(first) != bytes(second)


def test_arabic_is_shaped_when_raqm_is_there() -> None:
    if not features.check("raqm"):
        pytest.skip("Pillow without raqm: Arabic letters are drawn unjoined")
    font = font_for("مريم", 56)
    # Shaped (joined) Arabic is narrower than its letters drawn one by one in isolation.
    joined = font.getlength("مريم")
    isolated = sum(font.getlength(letter) for letter in "مريم")
    assert joined < isolated


def test_a_card_is_drawn_once_per_content() -> None:
    draw_card.cache_clear()
    one, two = content(holder="Zed"), content(holder="Zed")
    assert one.digest() == two.digest() != content(holder="Zoe").digest()
    assert draw_card(one) is draw_card(two)
    assert draw_card.cache_info().hits == 1
    changed = Image.open(io.BytesIO(draw_card(content(holder="Zoe"))))
    assert ImageChops.difference(Image.open(io.BytesIO(draw_card(one))), changed).getbbox()


def card_of(family: str) -> Image.Image:
    return Image.open(io.BytesIO(draw_card(replace(content(), family=family))))


def emblem_of(card: Image.Image) -> bytes:
    """The emblem's shape: the white pixels inside the family's disc."""
    disc = card.crop((430, 140, 650, 360)).convert("L")
    return disc.point(lambda value: 255 if value == 255 else 0).tobytes()


def test_trade_families_pick_colour_and_emblem() -> None:
    assert family_of(["welder"]) == "welding"
    assert family_of(["forklift_operator"]) == "transport"
    assert family_of(["carpenter"], "safety") == "safety"
    assert family_of(["unknown_trade"]) == "building"
    # The header band is drawn in the family's colour; an unknown family is a building's.
    assert card_of("welding").getpixel((10, 10)) == (214, 84, 32)
    assert card_of("safety").getpixel((10, 10)) == (196, 40, 52)
    assert card_of("no_such_family").getpixel((10, 10)) == (150, 96, 52)
    # Nine families, nine different emblems.
    assert len({emblem_of(card_of(family)) for family in FAMILIES}) == len(FAMILIES) == 9
