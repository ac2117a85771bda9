"""Telegram text formatting: parse_mode HTML / MarkdownV2 / Markdown into plain text + entities.

The parsers follow tdlib's (``td/telegram/MessageEntity.cpp``), which is what the Bot API
server runs, so the emulator accepts and rejects the same texts and words its errors the same
way ("Unsupported start tag "foo" at byte offset 3"). Offsets in entities are UTF-16 code
units, offsets in error messages are UTF-8 bytes, both as Telegram does.

We write our own instead of using a library because no library reproduces Telegram's
acceptance rules and error wording, which is the whole point of the emulator.
"""

from __future__ import annotations

import re
import sys
from array import array
from dataclasses import dataclass
from typing import Any

from emulator.errors import ApiError, bad_request, cant_parse_entities

Entity = dict[str, Any]

_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_HTML_TAG_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "u": "underline", "ins": "underline", "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!"
# tdlib's names for entity types, used in "Can't find end of Bold entity" errors.
_TDLIB_TYPE_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "code": "Code", "pre": "Pre",
    "text_link": "TextUrl", "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote",
}  # fmt: skip
_WHITESPACE = " \t\r\n"
_BOT_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")

PARSE_MODES = ("html", "markdownv2", "markdown")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _is_space(char: str) -> bool:
    # tdlib's is_space also treats the terminating NUL as a space; _char_at returns "\0" past
    # the end, so loops stop there exactly like tdlib's.
    return char in " \t\r\n\0\v"


def _char_at(text: str, index: int) -> str:
    return text[index] if index < len(text) else "\0"


_LINK_SCHEMES = ("http", "https", "tg", "ton")
_HOST = re.compile(r"^[A-Za-z0-9\-.]+\.[A-Za-z0-9\-]{2,}(:\d{1,5})?$|^localhost(:\d{1,5})?$")


def checked_link(url: str) -> str | None:
    """Telegram's normalized form of a link (``telegram.org`` -> ``http://telegram.org/``),
    or None for what it refuses to link (like tdlib's ``get_checked_link``)."""
    if not url or any(c.isspace() for c in url):
        return None
    scheme, separator, rest = url.partition(":")
    if separator and scheme.lower() in ("tg", "ton"):
        return url
    if separator and rest.startswith("//"):
        if scheme.lower() not in _LINK_SCHEMES:
            return None
        scheme, rest = scheme.lower(), rest[2:]
    else:
        scheme, rest = "http", url
    cut = min((rest.find(c) for c in "/?#" if c in rest), default=len(rest))
    host, tail = rest[:cut], rest[cut:]
    if not _HOST.match(host.rpartition("@")[2]):
        return None
    if not tail.startswith("/"):
        tail = f"/{tail}"
    return f"{scheme}://{host}{tail}"


def _link_entity(url: str, offset: int, length: int) -> Entity | None:
    """A text_link entity for ``url``, or None when Telegram would drop an invalid link."""
    checked = checked_link(url)
    if checked is None:
        return None
    return {"type": "text_link", "offset": offset, "length": length, "url": checked}


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_start: int  # index into the output characters


def _decode_html_entity(text: str, pos: int) -> tuple[str | None, int]:
    """Decode ``&name;`` / ``&#N;`` at ``pos``; (None, pos) when it is not an entity.

    Like tdlib, an ``&`` that does not start a known entity is kept as a literal character.
    """
    end = pos + 1
    if _char_at(text, end) == "#":
        end += 1
        hexadecimal = _char_at(text, end) == "x"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < len(text) and text[end] in digits:
            end += 1
        if end == start or end - pos >= 10:
            return None, pos
        code = int(text[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF:
            return None, pos
        decoded = chr(code)
    else:
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        decoded = _NAMED_HTML_ENTITIES.get(text[pos + 1 : end])
        if decoded is None:
            return None, pos
    if _char_at(text, end) == ";":
        end += 1
    return decoded, end


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML into (plain text, entities); raise ApiError like Telegram does."""
    out: list[str] = []
    entities: list[Entity] = []
    nested: list[_OpenTag] = []
    utf16 = 0
    i = 0
    n = len(text)

    def fail(detail: str) -> ApiError:
        return cant_parse_entities(detail)

    while i < n:
        char = text[i]
        if char == "&":
            decoded, after = _decode_html_entity(text, i)
            if decoded is not None:
                out.append(decoded)
                utf16 += _units(decoded)
                i = after
                continue
        if char != "<":
            out.append(char)
            utf16 += _units(char)
            i += 1
            continue

        begin = i
        i += 1
        if _char_at(text, i) != "/":
            while not _is_space(_char_at(text, i)) and _char_at(text, i) != ">":
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            tag = text[begin + 1 : i].lower()
            if tag not in _HTML_TAGS:
                raise fail(
                    f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
                )
            argument = ""
            while _char_at(text, i) != ">":
                while i < n and _is_space(text[i]):
                    i += 1
                if _char_at(text, i) == ">":
                    break
                attribute_start = i
                while not _is_space(_char_at(text, i)) and _char_at(text, i) not in "=>/\"'":
                    i += 1
                attribute = text[attribute_start:i]
                if not attribute:
                    raise fail(
                        f'Empty attribute name in the tag "{tag}" at byte offset '
                        f"{_byte_offset(text, begin)}"
                    )
                while i < n and _is_space(text[i]):
                    i += 1
                if _char_at(text, i) != "=":
                    # A valueless attribute, like <blockquote expandable>.
                    if i >= n:
                        raise fail(
                            f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
                        )
                    if tag == "blockquote" and attribute == "expandable":
                        argument = "1"
                    continue
                i += 1
                while i < n and _is_space(text[i]):
                    i += 1
                if i >= n:
                    raise fail(
                        f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
                    )
                if text[i] not in "'\"":
                    # An unquoted value is an HTML 2.0 name token: letters, digits, '.', '-'.
                    token_start = i
                    while (_char_at(text, i).isascii() and _char_at(text, i).isalnum()) or _char_at(
                        text, i
                    ) in ".-":
                        i += 1
                    value = text[token_start:i].lower()
                    if not _is_space(_char_at(text, i)) and _char_at(text, i) != ">":
                        raise fail(
                            "Unexpected end of name token at byte offset "
                            f"{_byte_offset(text, token_start)}"
                        )
                else:
                    quote = text[i]
                    i += 1
                    chars: list[str] = []
                    while i < n and text[i] != quote:
                        if text[i] == "&":
                            decoded, after = _decode_html_entity(text, i)
                            if decoded is not None:
                                chars.append(decoded)
                                i = after
                                continue
                        chars.append(text[i])
                        i += 1
                    if _char_at(text, i) == quote:
                        i += 1
                    value = "".join(chars)
                if i >= n:
                    raise fail(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
                if tag == "a" and attribute == "href":
                    argument = value
                elif tag == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value.removeprefix("language-")
                elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value.removeprefix("tg-")
                elif tag == "tg-emoji" and attribute == "emoji-id":
                    argument = value
                elif tag == "blockquote" and attribute == "expandable":
                    argument = "1"
            if tag == "span" and argument != "spoiler":
                raise fail(
                    'Tag "span" must have class "tg-spoiler" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            nested.append(_OpenTag(tag, argument, utf16, len(out)))
            i += 1  # skip '>'
            continue

        # An end tag.
        if not nested:
            raise fail(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
        while not _is_space(_char_at(text, i)) and _char_at(text, i) != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        while i < n and _is_space(text[i]):
            i += 1
        if _char_at(text, i) != ">":
            raise fail(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
        i += 1
        open_tag = nested.pop()
        if end_name and end_name != open_tag.name:
            raise fail(
                f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, expected "
                f'"</{open_tag.name}>", found "</{end_name}>"'
            )
        length = utf16 - open_tag.utf16_offset
        if length == 0:
            continue
        entity = _html_entity(open_tag, length, "".join(out[open_tag.text_start :]), entities)
        if entity is not None:
            entities.append(entity)

    if nested:
        raise fail(f'Can\'t find end tag corresponding to start tag "{nested[-1].name}"')
    plain = "".join(out)
    if any(0xD800 <= ord(char) <= 0xDFFF for char in plain):
        raise fail(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        )
    return plain, entities


def _html_entity(
    tag: _OpenTag, length: int, inner_text: str, entities: list[Entity]
) -> Entity | None:
    offset = tag.utf16_offset
    if tag.name in _HTML_TAG_TYPES:
        return {"type": _HTML_TAG_TYPES[tag.name], "offset": offset, "length": length}
    if tag.name == "a":
        return _link_entity(tag.argument or inner_text, offset, length)
    if tag.name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise cant_parse_entities("Invalid custom emoji identifier specified")
        return {
            "type": "custom_emoji",
            "offset": offset,
            "length": length,
            "custom_emoji_id": tag.argument,
        }
    if tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    same_span = (
        bool(entities) and entities[-1]["offset"] == offset and entities[-1]["length"] == length
    )
    if tag.name == "pre":
        if same_span and entities[-1]["type"] == "code":
            # <pre><code class="language-x">: one pre entity carrying the language.
            language = entities.pop().get("language", "")
            entity = {"type": "pre", "offset": offset, "length": length}
            if language:
                entity["language"] = language
            return entity
        return {"type": "pre", "offset": offset, "length": length}
    # code
    if same_span and entities[-1]["type"] == "pre":
        if tag.argument:
            entities[-1]["language"] = tag.argument
        return None
    entity = {"type": "code", "offset": offset, "length": length}
    if tag.argument:
        entity["language"] = tag.argument
    return entity


def _reserved_error(char: str) -> ApiError:
    return cant_parse_entities(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


@dataclass
class _OpenMarkdown:
    type: str
    utf16_offset: int
    byte_offset: int
    text_start: int
    argument: str = ""


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Parse Telegram MarkdownV2 into (plain text, entities); raise ApiError like Telegram."""
    out: list[str] = []
    entities: list[Entity] = []
    nested: list[_OpenMarkdown] = []
    utf16 = 0
    i = 0
    n = len(text)

    def at(k: int) -> str:
        return _char_at(text, k)

    def at_line_start(k: int) -> bool:
        return k == 0 or text[k - 1] == "\n"

    while i < n:
        char = text[i]
        if char == "\\" and 0 < ord(at(i + 1)) <= 126:
            out.append(text[i + 1])
            utf16 += 1
            i += 2
            continue

        in_code = bool(nested) and nested[-1].type in ("code", "pre")
        quote_open = bool(nested) and nested[-1].type == "blockquote"
        if char == "\n" and quote_open:
            if at(i + 1) == ">":
                # The quotation continues on the next line.
                out.append("\n")
                utf16 += 1
                i += 2
                continue
            _close_markdown(nested.pop(), utf16, entities)
        reserved = "`" if in_code else _MARKDOWN_V2_RESERVED
        if char not in reserved:
            out.append(char)
            utf16 += _units(char)
            i += 1
            continue

        if char == ">" and at_line_start(i) and not in_code:
            nested.append(_OpenMarkdown("blockquote", utf16, _byte_offset(text, i), len(out)))
            i += 1
            continue

        top = nested[-1].type if nested else None
        closes = (
            (top == "bold" and char == "*")
            or (top == "italic" and char == "_" and at(i + 1) != "_")
            or (top == "code" and char == "`")
            or (top == "pre" and text.startswith("```", i))
            or (top in ("text_link", "custom_emoji") and char == "]")
            or (top == "underline" and text.startswith("__", i))
            or (top == "strikethrough" and char == "~")
            or (top == "spoiler" and text.startswith("||", i))
        )
        if not closes:
            byte_offset = _byte_offset(text, i)
            argument = ""
            if char == "_":
                kind = "underline" if at(i + 1) == "_" else "italic"
                i += 2 if kind == "underline" else 1
            elif char == "*":
                kind, i = "bold", i + 1
            elif char == "~":
                kind, i = "strikethrough", i + 1
            elif char == "|" and at(i + 1) == "|":
                kind, i = "spoiler", i + 2
            elif char == "[":
                kind, i = "text_link", i + 1
            elif char == "!" and at(i + 1) == "[":
                kind, i = "custom_emoji", i + 2
            elif char == "`" and text.startswith("```", i):
                kind = "pre"
                i += 3
                language_end = i
                while not _is_space(at(language_end)) and at(language_end) != "`":
                    language_end += 1
                if i != language_end and language_end < n and text[language_end] != "`":
                    argument = text[i:language_end]
                    i = language_end
                if at(i) in "\r\n" and i < n:
                    i += 2 if at(i + 1) in "\r\n" and at(i + 1) != at(i) else 1
            elif char == "`":
                kind, i = "code", i + 1
            else:
                raise _reserved_error(char)
            nested.append(_OpenMarkdown(kind, utf16, byte_offset, len(out), argument))
            continue

        opened = nested.pop()
        skip = utf16 == opened.utf16_offset
        if opened.type in ("underline", "spoiler"):
            i += 2
        elif opened.type == "pre":
            i += 3
        elif opened.type in ("text_link", "custom_emoji"):
            i += 1
            if at(i) == "(":
                i += 1
                url_start = i
                url: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and 0 < ord(at(i + 1)) <= 126:
                        url.append(text[i + 1])
                        i += 2
                        continue
                    url.append(text[i])
                    i += 1
                if at(i) != ")":
                    raise cant_parse_entities(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, url_start)}"
                    )
                i += 1
                opened.argument = "".join(url)
            elif opened.type == "text_link":
                opened.argument = "".join(out[opened.text_start :])
            else:
                raise cant_parse_entities("Custom emoji entity must contain a tg://emoji URL")
        else:
            i += 1
        if not skip:
            _close_markdown(opened, utf16, entities)

    if nested and nested[-1].type == "blockquote":
        _close_markdown(nested.pop(), utf16, entities)
    if nested:
        opened = nested[-1]
        name = _TDLIB_TYPE_NAMES[opened.type]
        if opened.type == "pre" and opened.argument:
            name = "PreCode"
        raise cant_parse_entities(
            f"Can't find end of {name} entity at byte offset {opened.byte_offset}"
        )
    return "".join(out), entities


def _close_markdown(opened: _OpenMarkdown, utf16: int, entities: list[Entity]) -> None:
    length = utf16 - opened.utf16_offset
    if length == 0:
        return
    if opened.type == "text_link":
        entity = _link_entity(opened.argument, opened.utf16_offset, length)
    elif opened.type == "custom_emoji":
        emoji_id = opened.argument.removeprefix("tg://emoji?id=")
        entity = {
            "type": "custom_emoji",
            "offset": opened.utf16_offset,
            "length": length,
            "custom_emoji_id": emoji_id,
        }
    else:
        entity = {"type": opened.type, "offset": opened.utf16_offset, "length": length}
        if opened.type == "pre" and opened.argument:
            entity["language"] = opened.argument
    if entity is not None:
        entities.append(entity)


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Parse legacy Markdown (parse_mode="Markdown") the way tdlib does."""
    out: list[str] = []
    entities: list[Entity] = []
    utf16 = 0
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\" and _char_at(text, i + 1) in "_*`[":
            out.append(text[i + 1])
            utf16 += 1
            i += 2
            continue
        if char not in "_*`[":
            out.append(char)
            utf16 += _units(char)
            i += 1
            continue
        begin = i
        end_char = "]" if char == "[" else char
        is_pre = False
        language = ""
        i += 1
        if char == "`" and text.startswith("``", i):
            i += 2
            is_pre = True
            language_end = i
            while (
                not _is_space(_char_at(text, language_end)) and _char_at(text, language_end) != "`"
            ):
                language_end += 1
            if i != language_end and language_end < n and text[language_end] != "`":
                language = text[i:language_end]
                i = language_end
            if i < n and text[i] in "\r\n":
                i += 2 if _char_at(text, i + 1) in "\r\n" and text[i + 1] != text[i] else 1
        start_utf16 = utf16
        start_out = len(out)
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            out.append(text[i])
            utf16 += _units(text[i])
            i += 1
        if i == n:
            raise cant_parse_entities(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        length = utf16 - start_utf16
        i += 3 if is_pre else 1
        if char == "[":
            if _char_at(text, i) == "(":
                close = text.find(")", i + 1)
                close = n if close == -1 else close
                url = text[i + 1 : close]
                i = close + 1
            else:
                url = "".join(out[start_out:])
            entity = _link_entity(url, start_utf16, length) if length else None
        elif not length:
            entity = None
        elif char == "`":
            entity = {"type": "pre" if is_pre else "code", "offset": start_utf16, "length": length}
            if language:
                entity["language"] = language
        else:
            kind = "italic" if char == "_" else "bold"
            entity = {"type": kind, "offset": start_utf16, "length": length}
        if entity is not None:
            entities.append(entity)
    return "".join(out), entities


def _utf16_units(text: str) -> array:
    units = array("H", text.encode("utf-16-le"))
    if sys.byteorder == "big":
        units.byteswap()
    return units


def _from_utf16_units(units: list[int]) -> str:
    packed = array("H", units)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes().decode("utf-16-le", errors="surrogatepass")


_SPACE_UNITS = (0x20, 0x0A)  # tdlib trims spaces and newlines only
_HIDDEN_DATA_ENTITIES = frozenset({"text_link", "text_mention", "custom_emoji"})


def _fix_formatted_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """tdlib's fix_formatted_text: clean the text, drop blank entities, trim the ends.

    '\r' is removed and other control characters become spaces; an entity's leading spaces
    and newlines are moved out of it; then spaces and newlines are trimmed off both ends.
    Works on UTF-16 code units, the unit of entity offsets.
    """
    old = _utf16_units(text)
    units: list[int] = []
    new_index = []
    for unit in old:
        new_index.append(len(units))
        if unit == 0x0D:
            continue
        units.append(0x20 if unit < 0x20 and unit != 0x0A else unit)
    new_index.append(len(units))

    fixed: list[Entity] = []
    for entity in entities:
        start = new_index[entity["offset"]]
        end = new_index[entity["offset"] + entity["length"]]
        if entity["type"] not in _HIDDEN_DATA_ENTITIES:
            while start < end and units[start] in _SPACE_UNITS:
                start += 1
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})

    last = len(units) - 1
    while last >= 0 and units[last] in _SPACE_UNITS:
        last -= 1
    units = units[: last + 1]
    clipped = []
    for entity in fixed:
        end = min(entity["offset"] + entity["length"], len(units))
        if end > entity["offset"]:
            clipped.append({**entity, "length": end - entity["offset"]})

    first = 0
    first_entity = min((e["offset"] for e in clipped), default=len(units))
    while first < first_entity and units[first] in _SPACE_UNITS:
        first += 1
    shifted = [{**e, "offset": e["offset"] - first} for e in clipped]
    return _from_utf16_units(units[first:]), shifted


def _normalize_entities(text: str, entities: Any) -> list[Entity]:
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    kept = []
    for entity in entities:
        if not isinstance(entity, dict) or "type" not in entity:
            raise bad_request("can't parse MessageEntity JSON object")
        offset, length = int(entity.get("offset", 0)), int(entity.get("length", 0))
        if offset < 0 or length <= 0 or offset + length > total:
            continue
        kept.append(dict(entity))
    return kept


def format_text(
    text: Any,
    parse_mode: Any = None,
    entities: Any = None,
    *,
    limit: int = 4096,
    empty_error: str | None = "message text is empty",
    too_long_error: str = "message is too long",
) -> tuple[str, list[Entity]]:
    """Turn a text parameter into what Telegram stores: trimmed text and sorted entities.

    Raises the Bad Request errors Telegram returns for empty, too long or unparsable text.
    ``entities`` wins over ``parse_mode`` like in the Bot API. The length limit applies to
    the text after entity parsing. With ``empty_error=None`` an empty text is allowed
    (captions).
    """
    raw = "" if text is None else str(text)
    if entities not in (None, ""):
        plain, found = raw, _normalize_entities(raw, entities)
    else:
        mode = str(parse_mode or "").lower()
        if mode == "html":
            plain, found = parse_html(raw)
        elif mode == "markdownv2":
            plain, found = parse_markdown_v2(raw)
        elif mode == "markdown":
            plain, found = parse_markdown(raw)
        elif mode:
            raise bad_request("unsupported parse_mode")
        else:
            plain, found = raw, []
    plain, found = _fix_formatted_text(plain, found)
    if not plain and empty_error is not None:
        raise bad_request(empty_error)
    if len(plain) > limit:
        raise bad_request(too_long_error)
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return plain, found


def command_entities(text: str) -> list[Entity]:
    """bot_command entities Telegram attaches to a user's message (e.g. "/start@bot")."""
    found = []
    for match in _BOT_COMMAND.finditer(text):
        found.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    return found
