"""Suggestions a career advisor would stand behind, with reasons the bot can translate."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from catalog import Profile, Reason, default_catalog, reason_text, recommend
from catalog.recommend import REASON_TEXTS
from catalog.regions import region_fit

PERSONAS = Path(__file__).parent / "data" / "personas.yaml"


def profile_from(data: dict) -> Profile:
    data = dict(data)
    for key in ("goals", "holds", "dismissed"):
        if key in data:
            data[key] = set(data[key])
    return Profile(**data)


def test_every_persona_gets_the_credential_an_advisor_would_name_in_the_top_3() -> None:
    catalog = default_catalog()
    personas = yaml.safe_load(PERSONAS.read_text(encoding="utf-8"))
    assert len(personas) >= 20
    misses = []
    for persona in personas:
        assert persona["expect"] in catalog.credentials, persona["expect"]
        top = [r.id for r in recommend(profile_from(persona["profile"]), 3, catalog=catalog)]
        if persona["expect"] not in top:
            misses.append((persona["story"], persona["expect"], top))
    assert not misses


def test_new_hvac_worker_gets_epa_608_first_with_reasons() -> None:
    recs = recommend(Profile(trade="hvac", experience="new", goals={"first_job"}))
    assert recs[0].id == "epa-608-universal"
    codes = [r.code for r in recs[0].reasons]
    assert codes[:2] == ["trade_fit", "goal_first_job"]
    assert recs[0].why.startswith("Fits your trade (HVAC/R technician); helps land a first job")


def test_held_and_dismissed_credentials_never_appear() -> None:
    holds = {"epa-608-universal", "osha-10-construction"}
    dismissed = {"nate-air-conditioning", "epa-609-mvac"}
    profile = Profile(
        trade="hvac", goals={"promotion", "license"}, holds=holds, dismissed=dismissed
    )
    ids = [r.id for r in recommend(profile, limit=200)]
    assert ids
    assert not (set(ids) & (holds | dismissed))


def test_what_a_worker_holds_leads_to_the_next_step() -> None:
    catalog = default_catalog()
    held = catalog.credentials["nabcep-pv-associate"]
    recs = recommend(Profile(trade="solar_installer", goals={"promotion"}, holds={held.id}), 3)
    assert recs[0].id in held.leads_to
    assert any(
        r.code == "next_step_after" and r.params["held"] == held.name for r in recs[0].reasons
    )


def test_parts_of_a_held_credential_are_no_news() -> None:
    ids = [r.id for r in recommend(Profile(trade="hvac", holds={"epa-608-universal"}), 5)]
    assert "epa-608-type-1" not in ids


def test_a_us_state_license_is_never_offered_in_ontario_and_vice_versa() -> None:
    catalog = default_catalog()
    for region, foreign in (("Ontario", "US-"), ("Texas", "CA-"), ("UK", "US")):
        for trade in ("electrician", "plumber", "construction_laborer"):
            profile = Profile(trade=trade, goals={"license", "first_job"}, region=region)
            for rec in recommend(profile, limit=100, catalog=catalog):
                assert region_fit(rec.credential.recognition, _code(region)) != "no"
                assert not all(r.startswith(foreign) for r in rec.credential.recognition), (
                    region,
                    rec.id,
                )


def _code(region: str) -> str:
    return {"Ontario": "CA-ON", "Texas": "US-TX", "UK": "UK"}[region]


def test_a_national_credential_fits_any_state() -> None:
    assert region_fit(["US"], "US-TX") == "national"
    assert region_fit(["US-TX"], "US-TX") == "local"
    assert region_fit(["US-TX"], "CA-ON") == "no"
    assert region_fit(["US-TX"], "US-CA") == "no"
    assert region_fit(["INTL"], "UK") == "national"
    assert region_fit(["US-TX"], "US") == "unknown"


def test_an_online_only_worker_never_sees_in_person_only_first() -> None:
    catalog = default_catalog()
    for trade in ("welder", "crane_operator", "electrician", "hvac", "roofer"):
        recs = recommend(Profile(trade=trade, delivery="online"), limit=50, catalog=catalog)
        seen_in_person_only = False
        for rec in recs:
            in_person_only = set(rec.credential.delivery) == {"in_person"}
            if seen_in_person_only:
                assert in_person_only, (trade, rec.id)
            seen_in_person_only = seen_in_person_only or in_person_only


def test_over_budget_is_ranked_down() -> None:
    catalog = default_catalog()
    priced = [
        c
        for c in catalog.records
        if c.cost is not None and c.cost.min and c.cost.min > 50 and c.holder == "person"
    ]
    assert priced, "the catalog has no credential with a known price"
    credential = priced[0]
    trade = credential.trades[0]
    rich = [r.id for r in recommend(Profile(trade=trade), limit=100, catalog=catalog)]
    poor = recommend(Profile(trade=trade, budget_usd=credential.cost.min - 1), limit=100)
    poor_ids = [r.id for r in poor]
    assert poor_ids.index(credential.id) > rich.index(credential.id)
    reasons = next(r for r in poor if r.id == credential.id).reasons
    assert "over_budget" in [r.code for r in reasons]


def test_recommend_pages_without_repeats_and_is_deterministic() -> None:
    profile = Profile(trade="electrician", goals={"license"}, region="tx")
    first = [r.id for r in recommend(profile, 3, 0)]
    second = [r.id for r in recommend(profile, 3, 3)]
    assert len(first) == len(second) == 3
    assert not set(first) & set(second)
    assert first == [r.id for r in recommend(profile, 3, 0)]


def test_the_trade_may_be_free_text_and_the_about_text_counts() -> None:
    recs = recommend(Profile(trade="trucker", about="haul fuel tankers", holds={"cdl-class-a"}))
    assert any(r.id in {"cdl-endorsement-n", "cdl-endorsement-x"} for r in recs)
    assert any("about_match" in [x.code for x in r.reasons] for r in recs)


def test_every_reason_has_an_english_sentence() -> None:
    catalog = default_catalog()
    codes: set[str] = set()
    for trade in catalog.trades:
        for rec in recommend(
            Profile(trade=trade, goals={"license", "first_job"}, weekly_hours=5, budget_usd=200),
            limit=5,
            catalog=catalog,
        ):
            for reason in rec.reasons:
                codes.add(reason.code)
                text = reason_text(reason)
                assert text and "{" not in text, (reason, text)
            assert rec.why
    assert codes <= set(REASON_TEXTS)


@pytest.mark.parametrize("code", sorted(REASON_TEXTS))
def test_reason_text_survives_missing_params(code: str) -> None:
    assert "{" not in reason_text(Reason(code))
