"""Callback data: the one home of flow and action names, built and parsed only here.

`1|<flow>|<action>|<arg>|<owner>`: the owner (base 36 user id) stops a crew mate from
pressing someone else's button in a group; the version lets us change the format later
and recognise buttons from old messages. Telegram allows 64 bytes.

Every flow that puts buttons on screen has a `Flow` member; a handler routes on
`for_flow(Flow.X)` or `for_action(Flow.X, ...)`, never on a string it spells itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

VERSION = "1"


class Flow(StrEnum):
    """Which handler module a button belongs to (two to eight lowercase letters)."""

    ONBOARDING = "ob"
    RECOMMEND = "rc"
    PLAN = "pl"
    LANGUAGE = "lg"
    STUDY = "st"  # a study reminder's Done / Snooze / Skip, and logging
    EARNED = "ea"
    REMINDERS = "rm"
    TOOLBOX = "tb"  # /toolbox buttons: the résumé
    BADGE = "bd"
    CREW = "cr"
    PRIVACY = "pv"  # /delete's confirmation


# One inline button as (label, flow, action, arg); a keyboard is a list of rows of these.
# Services and reminder kinds describe buttons this way without importing telegram.
Button = tuple[str, Flow, str, str | int]


MAX_BYTES = 64  # Telegram's limit for callback_data
_ARG = re.compile(r"^[A-Za-z0-9_.:\-]{0,40}$")
_TOKEN = re.compile(r"^[a-z]{1,8}$")


class BadCallback(ValueError):
    """Malformed, forged or from an old format: refuse without acting."""


class NotYours(BadCallback):
    """A real button, pressed by someone it was not meant for."""


@dataclass(frozen=True)
class Callback:
    flow: str
    action: str
    arg: str
    owner: int


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    sign, number = ("-", -number) if number < 0 else ("", number)
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return sign + out


def pack(flow: Flow, action: str, owner: int, arg: str | int = "") -> str:
    arg = str(arg)
    if not (_TOKEN.match(flow) and _TOKEN.match(action) and _ARG.match(arg)):
        raise ValueError(f"bad callback parts: {flow!r} {action!r} {arg!r}")
    data = f"{VERSION}|{flow}|{action}|{arg}|{_base36(owner)}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None, presser: int) -> Callback:
    """Validate shape and owner; raise `BadCallback` or `NotYours`."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback("empty or too long")
    parts = data.split("|")
    if len(parts) != 5 or parts[0] != VERSION:
        raise BadCallback("unknown format")
    _, flow, action, arg, owner_text = parts
    if not (_TOKEN.match(flow) and _TOKEN.match(action) and _ARG.match(arg)):
        raise BadCallback("bad parts")
    try:
        owner = int(owner_text, 36)
    except ValueError:
        raise BadCallback("bad owner") from None
    if owner != presser:
        raise NotYours("pressed by someone else")
    return Callback(flow=flow, action=action, arg=arg, owner=owner)


def for_flow(flow: Flow) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: route by flow; ownership is checked in `parse`."""
    prefix = f"{VERSION}|{flow}|"
    return lambda data: isinstance(data, str) and data.startswith(prefix)


def for_action(flow: Flow, *actions: str) -> Callable[[object], bool]:
    """A pattern for some actions of a flow (a conversation's entry buttons)."""
    prefixes = tuple(f"{VERSION}|{flow}|{action}|" for action in actions)
    return lambda data: isinstance(data, str) and data.startswith(prefixes)


def credential_code(credential_id: str) -> str:
    """Credential ids can be long; buttons carry a stable 8-character digest instead."""
    return hashlib.blake2s(credential_id.encode(), digest_size=5).hexdigest()[:8]


@cache
def _codes(ids: frozenset[str]) -> dict[str, str]:
    return {credential_code(i): i for i in ids}


def credential_from_code(code: str, ids: frozenset[str]) -> str | None:
    return _codes(ids).get(code)
