"""The one translation function: gettext catalogs per language.

Catalogs are the editable `.po` files under `bot/locale/<lang>/LC_MESSAGES/toolbox.po`;
they are compiled in memory at start-up so nobody has to remember a compile step.
A second language is a new `.po` file, nothing else.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "toolbox"
DEFAULT_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark a string for extraction where it is declared; translate it where it is shown."""
    return message


def Np_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a sentence whose wording changes with a number; shown with `t.plural`."""
    return singular, plural


@cache
def available_languages() -> tuple[str, ...]:
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {DEFAULT_LANGUAGE}))


def pick_language(code: str | None) -> str:
    """Telegram's language_code ("es-MX", "pt-br") → a language we have, else English."""
    if code:
        base = code.replace("_", "-").split("-")[0].lower()
        if base in available_languages():
            return base
    return DEFAULT_LANGUAGE


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """`t("Hello, {name}", name=...)`: translate, then fill named placeholders."""

    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self._translations = _catalog(self.language)

    def __call__(self, message: str, /, **params: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**params) if params else text

    def plural(self, singular: str, plural: str, n: int, /) -> str:
        """The form for `n` ("1 week", "3 weeks"), `{n}` filled, other placeholders left."""
        return self._translations.ngettext(singular, plural, n).replace("{n}", str(n))


@cache
def translator(language: str | None) -> Translator:
    return Translator(pick_language(language))
