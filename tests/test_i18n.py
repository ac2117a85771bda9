"""Every text the bot shows exists in every language, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR, available_languages, pick_language, translator

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"t": None, "N_": None, "Np_": (1, 2)}
PLACEHOLDER = re.compile(r"\{\w+\}")


def source_messages() -> set[str]:
    found: set[str] = set()
    # The same places babel.cfg (and so `make messages`) extracts from.
    for package in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, tuple):  # a plural: (singular, plural)
                message = message[0]
            if message:
                found.add(message)
    return found


@pytest.mark.parametrize("language", [lang for lang in available_languages() if lang != "en"])
def test_catalog_is_complete(language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "toolbox.po").open("rb") as po:
        catalog = read_po(po)
    translated: dict[str, str] = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        msgids = m.id if isinstance(m.id, tuple) else (m.id,)
        if all(forms):
            translated[msgids[0]] = forms[-1]
            for form in forms:  # every plural form keeps the placeholders
                assert set(PLACEHOLDER.findall(msgids[-1])) == set(PLACEHOLDER.findall(form))
    missing = sorted(source_messages() - set(translated))
    assert not missing, f"run `make messages` and translate: {missing[:5]}"
    for msgid, msgstr in translated.items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid


def test_language_follows_telegram_then_falls_back_to_english() -> None:
    assert pick_language("es-MX") == "es"
    assert pick_language("pt-BR") == "en"
    assert pick_language(None) == "en"
    assert translator("es")("Where are you in your trade?") != "Where are you in your trade?"
