"""The badge card: a 1080×1080 PNG drawn with Pillow, one colour and emblem per trade family.

Fonts come from Debian packages the Makefile installs (`make fonts`): DejaVu Sans for
Latin, Greek, Cyrillic, Hebrew and Arabic, and Droid Sans Fallback for Chinese, Japanese
and Korean. Nothing is downloaded at run time. Each line is drawn with the first font
whose script covers it; with Pillow's raqm layout (bundled in Pillow's wheels) Arabic is
shaped and written right to left; without raqm it would come out as isolated letters.

Knows nothing of Telegram or the database: the caller passes the already-translated texts.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

SIDE = 1080
MARGIN = 90
# DejaVu Sans (Latin, Arabic, Cyrillic...) ships with the bot (bot/fonts, as the résumé
# PDF uses it); Chinese, Japanese and Korean come from Debian's Droid Sans Fallback.
FONT_DIRS = (
    Path(__file__).resolve().parent / "fonts",
    Path("/usr/share/fonts/truetype"),
    Path("/usr/share/fonts/opentype"),
)
LATIN_FONTS = ("DejaVuSans.ttf",)
LATIN_BOLD_FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")
CJK_FONTS = ("droid/DroidSansFallbackFull.ttf", "wqy/wqy-microhei.ttc")
CARDS_KEPT = 64  # drawn PNGs kept in memory by content hash (about 60 KB each)


@dataclass(frozen=True)
class Family:
    colour: tuple[int, int, int]
    emblem: str  # bolt, drop, flame, snowflake, shield, wheel, gear, sun, house


FAMILIES: dict[str, Family] = {
    "electrical": Family((232, 163, 23), "bolt"),
    "plumbing": Family((22, 128, 168), "drop"),
    "welding": Family((214, 84, 32), "flame"),
    "hvac": Family((44, 110, 200), "snowflake"),
    "safety": Family((196, 40, 52), "shield"),
    "transport": Family((46, 139, 87), "wheel"),
    "industrial": Family((90, 98, 112), "gear"),
    "energy": Family((80, 160, 60), "sun"),
    "building": Family((150, 96, 52), "house"),
}
# Catalog trade ids → family; anything else is a building trade.
TRADE_FAMILY = {
    "electrician": "electrical", "lineworker": "electrical", "telecom_technician": "electrical",
    "fire_alarm_technician": "electrical", "elevator_mechanic": "electrical",
    "plumber": "plumbing", "pipefitter": "plumbing", "fire_sprinkler_fitter": "plumbing",
    "welder": "welding", "boilermaker": "welding", "ironworker": "welding",
    "hvac": "hvac", "appliance_repair": "hvac", "energy_auditor": "energy",
    "solar_installer": "energy", "wind_turbine_technician": "energy",
    "hazmat_abatement": "safety", "construction_laborer": "safety",
    "truck_driver": "transport", "forklift_operator": "transport",
    "warehouse_worker": "transport", "auto_technician": "transport",
    "diesel_technician": "transport", "crane_operator": "transport", "rigger": "transport",
    "heavy_equipment_operator": "transport",
    "industrial_maintenance": "industrial", "millwright": "industrial",
    "machinist": "industrial", "stationary_engineer": "industrial",
    "facilities_maintenance": "industrial",
}  # fmt: skip


def family_of(trades: list[str] | tuple[str, ...], credential_type: str = "") -> str:
    if credential_type == "safety":
        return "safety"
    for trade in trades:
        if trade in TRADE_FAMILY:
            return TRADE_FAMILY[trade]
    return "building"


@dataclass(frozen=True)
class CardContent:
    """Everything printed on a card; its hash names the drawing."""

    credential: str
    issuer: str
    holder: str
    earned_line: str  # "Earned 2026-03-14"
    status: str  # "Self-reported" / "Evidence attached"
    verify_line: str  # "Verify: t.me/bot?start=verify-CODE"
    family: str

    def digest(self) -> str:
        payload = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def _is_cjk(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "IDEOGRAPHIC"))


@cache
def _font_path(candidates: tuple[str, ...]) -> Path | None:
    for relative in candidates:
        for folder in FONT_DIRS:
            if (folder / relative).is_file():
                return folder / relative
    return None


@lru_cache(maxsize=32)
def font_for(text: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The font whose script covers `text` (CJK or the rest), at `size` pixels."""
    wanted = CJK_FONTS if any(_is_cjk(c) for c in text) else ()
    wanted += LATIN_BOLD_FONTS if bold else LATIN_FONTS
    path = _font_path(wanted)
    if path is None:  # no font package: Pillow's own font (Latin only) rather than a crash
        return ImageFont.load_default(size)  # type: ignore[return-value]
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Greedy wrap at spaces (at any character for words wider than a line, and for CJK,
    which has no spaces); the last line ends in "…" when text is left over."""
    words = text.split()
    lines: list[str] = []
    line = ""
    pieces: list[str] = []
    for word in words:
        if font.getlength(word) <= width:
            pieces.append(word)
        else:  # a long word or a run of CJK: break between characters
            chunk = ""
            for char in word:
                if font.getlength(chunk + char) > width and chunk:
                    pieces.append(chunk)
                    chunk = ""
                chunk += char
            pieces.append(chunk)
    for piece in pieces:
        candidate = f"{line} {piece}" if line else piece
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        lines.append(line)
        line = piece
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines or [""]


def _emblem(draw: ImageDraw.ImageDraw, kind: str, centre: tuple[int, int], r: int) -> None:
    """A simple white emblem inside the family's coloured disc."""
    x, y = centre
    white = (255, 255, 255)
    if kind == "bolt":
        draw.polygon([(x + 10, y - r), (x - 35, y + 8), (x - 2, y + 8), (x - 12, y + r),
                      (x + 35, y - 10), (x + 2, y - 10)], fill=white)  # fmt: skip
    elif kind == "drop":
        draw.polygon([(x, y - r), (x - 38, y + 5), (x + 38, y + 5)], fill=white)
        draw.ellipse([x - 40, y - 15, x + 40, y + r - 5], fill=white)
    elif kind == "flame":
        draw.polygon([(x, y - r), (x - 40, y + 10), (x, y + r), (x + 40, y + 10)], fill=white)
    elif kind == "snowflake":
        for dx, dy in ((0, r), (r * 0.87, r * 0.5), (r * 0.87, -r * 0.5)):
            draw.line([(x - dx, y - dy), (x + dx, y + dy)], fill=white, width=12)
    elif kind == "shield":
        draw.polygon([(x - 40, y - r + 5), (x + 40, y - r + 5), (x + 40, y + 5), (x, y + r),
                      (x - 40, y + 5)], fill=white)  # fmt: skip
    elif kind == "wheel":
        draw.ellipse([x - r + 5, y - r + 5, x + r - 5, y + r - 5], outline=white, width=14)
        draw.ellipse([x - 14, y - 14, x + 14, y + 14], fill=white)
    elif kind == "gear":
        draw.regular_polygon((x, y, r), 8, fill=white)
        draw.ellipse([x - 18, y - 18, x + 18, y + 18], fill=(0, 0, 0, 0))
    elif kind == "sun":
        draw.ellipse([x - 30, y - 30, x + 30, y + 30], fill=white)
        draw.regular_polygon((x, y, r), 12, outline=white, width=6)
    else:  # house
        draw.polygon([(x, y - r), (x - r, y), (x + r, y)], fill=white)
        draw.rectangle([x - 35, y, x + 35, y + r - 5], fill=white)


def _text_block(
    draw: ImageDraw.ImageDraw,
    text: str,
    top: int,
    size: int,
    fill: tuple[int, int, int],
    *,
    bold: bool = False,
    max_lines: int = 1,
) -> int:
    """Centred, wrapped lines from `top`; returns the y below them."""
    font = font_for(text, size, bold)
    for line in wrap(text, font, SIDE - 2 * MARGIN, max_lines):
        # direction is left to raqm: it finds right-to-left runs (Arabic) on its own.
        draw.text((SIDE // 2, top), line, font=font, fill=fill, anchor="ma")
        top += int(size * 1.25)
    return top


@lru_cache(maxsize=CARDS_KEPT)
def draw_card(content: CardContent) -> bytes:
    """The card as PNG bytes; kept in memory by content, so a card is drawn once."""
    family = FAMILIES.get(content.family, FAMILIES["building"])
    image = Image.new("RGB", (SIDE, SIDE), (248, 246, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, SIDE, 250], fill=family.colour)
    draw.rectangle([0, SIDE - 24, SIDE, SIDE], fill=family.colour)
    draw.ellipse([SIDE // 2 - 110, 140, SIDE // 2 + 110, 360], fill=family.colour,
                 outline=(248, 246, 240), width=10)  # fmt: skip
    _emblem(draw, family.emblem, (SIDE // 2, 250), 70)
    dark, grey = (30, 32, 38), (95, 98, 108)
    y = _text_block(draw, content.credential, 400, 64, dark, bold=True, max_lines=4)
    y = _text_block(draw, content.issuer, y + 10, 36, grey, max_lines=2)
    y = _text_block(draw, content.holder, max(y + 30, 700), 56, dark, bold=True)
    y = _text_block(draw, content.earned_line, y + 5, 36, grey)
    badge_colour = family.colour
    _text_block(draw, content.status, y + 20, 34, badge_colour, bold=True)
    _text_block(draw, content.verify_line, SIDE - 68, 28, grey)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
