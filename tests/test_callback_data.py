"""Callback data is short, owned and never trusted."""

from __future__ import annotations

import pytest

from bot.callbacks import (
    BadCallback,
    NotYours,
    credential_code,
    credential_from_code,
    pack,
    parse,
)


def test_round_trip_with_owner() -> None:
    data = pack("ob", "trade", 987654321012, "electrician")
    parsed = parse(data, 987654321012)
    assert (parsed.flow, parsed.action, parsed.arg) == ("ob", "trade", "electrician")
    assert len(data.encode()) <= 64


def test_someone_elses_button_is_refused() -> None:
    with pytest.raises(NotYours):
        parse(pack("rc", "no", 1, "abc"), 2)


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "x" * 65,
        "2|ob|trade|hvac|1",
        "1|ob|trade|hvac",
        "1|OB|trade|hvac|1",
        "1|ob|trade|<b>|1",
        "1|ob|trade|hvac|zz!",
        "💥",
        "1|ob|trade|hvac|1|extra",
    ],
)
def test_forged_data_is_refused(forged: str) -> None:
    with pytest.raises(BadCallback):
        parse(forged, 1)


def test_credential_codes_are_stable_and_reversible() -> None:
    ids = frozenset({"epa-608-universal", "osha-10-construction"})
    code = credential_code("epa-608-universal")
    assert code == credential_code("epa-608-universal") and len(code) == 8
    assert credential_from_code(code, ids) == "epa-608-universal"
    assert credential_from_code("deadbeef", ids) is None


def test_packing_refuses_what_telegram_would() -> None:
    with pytest.raises(ValueError):
        pack("ob", "trade", 1, "x" * 41)
