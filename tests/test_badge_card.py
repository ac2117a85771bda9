"""Badge cards draw any name: 200 characters wrap, Arabic is shaped, Chinese has glyphs."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from bot.badge_card import (
    CJK_FONTS,
    CardContent,
    _font_path,
    draw_card,
    family_of,
    font_for,
    shaping,
    wrap,
)

LONG_NAME = ("Advanced Certificate in Commercial Refrigeration Systems Installation " * 3)[:200]


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
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 900 for line in lines)
    chinese = wrap("王" * 80, font_for("王", 56), 900, 2)  # no spaces: breaks between characters
    assert len(chinese) == 2 and chinese[1].endswith("…")


@pytest.mark.skipif(_font_path(CJK_FONTS) is None, reason="fonts-droid-fallback not installed")
def test_chinese_uses_the_cjk_font_and_draws_real_glyphs() -> None:
    assert font_for("王小明", 56).path == str(_font_path(CJK_FONTS))
    # A missing glyph draws the same empty box for every character; real glyphs differ.
    font = font_for("王明", 56)
    first, second = (font.getmask(char) for char in "王明")
    assert bytes(first) != bytes(second)


def test_arabic_is_shaped_when_raqm_is_there() -> None:
    if shaping() != "raqm":
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


def test_trade_families_pick_colour_and_emblem() -> None:
    assert family_of(["welder"]) == "welding"
    assert family_of(["forklift_operator"]) == "transport"
    assert family_of(["carpenter"], "safety") == "safety"
    assert family_of(["unknown_trade"]) == "building"
