"""Suggestions a career advisor would stand behind, with reasons the bot can translate."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.i18n import translator
from catalog import Profile, Reason, default_catalog, recommend
from catalog.regions import region_fit
from handlers.reasons import PLURAL_TEXTS, REASON_TEXTS, reason_line, why_line

CATALOG = default_catalog()

PERSONAS = Path(__file__).parent / "data" / "personas.yaml"


def profile_from(data: dict) -> Profile:
    data = dict(data)
    for key in ("goals", "holds", "dismissed"):
        if key in data:
            data[key] = set(data[key])
    return Profile(**data)


def test_every_persona_gets_the_credential_an_advisor_would_name_in_the_top_3() -> None:
    """Each persona's credential is in the top 3; first when ``first: true``; and the
    reason line quotes the worker's ``matched`` words (issue 11: own words steer)."""
    catalog = default_catalog()
    personas = yaml.safe_load(PERSONAS.read_text(encoding="utf-8"))
    assert len(personas) >= 65
    assert sum(bool("matched" in p or p.get("first")) for p in personas) >= 30
    misses = []
    for persona in personas:
        expected = persona["expect"]
        assert expected in catalog.credentials, expected
        recs = recommend(profile_from(persona["profile"]), 3, catalog=catalog)
        top = [r.id for r in recs]
        if expected not in top or (persona.get("first") and top[0] != expected):
            misses.append((persona["story"], expected, top))
            continue
        if "matched" in persona:
            reasons = recs[top.index(expected)].reasons
            terms = [r.params["terms"] for r in reasons if r.code == "about_match"]
            said = str(terms[0]).split(", ") if terms else []
            if not set(persona["matched"]) <= set(said):
                misses.append((persona["story"], persona["matched"], said))
    assert not misses


EN = translator("en")


def _why(recommendation) -> str:  # type: ignore[no-untyped-def]
    """The "why" line the bot shows, in English."""
    return why_line(EN, recommendation.reasons, CATALOG)


def test_new_hvac_worker_gets_epa_608_first_with_reasons() -> None:
    recs = recommend(Profile(trade="hvac", experience="new", goals={"first_job"}), catalog=CATALOG)
    assert recs[0].id == "epa-608-universal"
    codes = [r.code for r in recs[0].reasons]
    assert codes[:2] == ["trade_fit", "goal_first_job"]
    assert _why(recs[0]).startswith("Fits your trade (HVAC/R technician); helps land a first job")


def test_held_and_dismissed_credentials_never_appear() -> None:
    holds = {"epa-608-universal", "osha-10-construction"}
    dismissed = {"nate-air-conditioning", "epa-609-mvac"}
    profile = Profile(
        trade="hvac", goals={"promotion", "license"}, holds=holds, dismissed=dismissed
    )
    ids = [r.id for r in recommend(profile, limit=200, catalog=CATALOG)]
    assert ids
    assert not (set(ids) & (holds | dismissed))


def test_what_a_worker_holds_leads_to_the_next_step() -> None:
    catalog = default_catalog()
    held = catalog.credentials["nabcep-pv-associate"]
    recs = recommend(
        Profile(trade="solar_installer", goals={"promotion"}, holds={held.id}), 3, catalog=CATALOG
    )
    assert recs[0].id in held.leads_to
    assert any(r.code == "next_step_after" and r.params["held"] == held.id for r in recs[0].reasons)


def test_parts_of_a_held_credential_are_no_news() -> None:
    ids = [
        r.id
        for r in recommend(Profile(trade="hvac", holds={"epa-608-universal"}), 5, catalog=CATALOG)
    ]
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
    poor = recommend(
        Profile(trade=trade, budget_usd=credential.cost.min - 1), limit=100, catalog=CATALOG
    )
    poor_ids = [r.id for r in poor]
    assert poor_ids.index(credential.id) > rich.index(credential.id)
    reasons = next(r for r in poor if r.id == credential.id).reasons
    assert "over_budget" in [r.code for r in reasons]


def test_recommend_pages_without_repeats_and_is_deterministic() -> None:
    profile = Profile(trade="electrician", goals={"license"}, region="tx")
    first = [r.id for r in recommend(profile, 3, 0, catalog=CATALOG)]
    second = [r.id for r in recommend(profile, 3, 3, catalog=CATALOG)]
    assert len(first) == len(second) == 3
    assert not set(first) & set(second)
    assert first == [r.id for r in recommend(profile, 3, 0, catalog=CATALOG)]


def test_the_trade_may_be_free_text_and_the_about_text_counts() -> None:
    recs = recommend(
        Profile(trade="trucker", about="haul fuel tankers", holds={"cdl-class-a"}), catalog=CATALOG
    )
    assert any(r.id in {"cdl-endorsement-n", "cdl-endorsement-x"} for r in recs)
    assert any("about_match" in [x.code for x in r.reasons] for r in recs)


def test_every_reason_has_a_sentence_in_each_language() -> None:
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
                for language in ("en", "es"):
                    text = reason_line(translator(language), reason, catalog)
                    assert text and "{" not in text and "_" not in text, (reason, text)
    assert codes <= set(REASON_TEXTS) | set(PLURAL_TEXTS)


@pytest.mark.parametrize("code", sorted({*REASON_TEXTS, *PLURAL_TEXTS}))
def test_a_reason_without_its_data_still_reads(code: str) -> None:
    assert "{" not in reason_line(EN, Reason(code), CATALOG)


# ------------------------------------------------ issue 11: own words and trade rules


@pytest.mark.parametrize(
    ("profile", "first", "why"),
    [
        (
            Profile(
                trade="electrician",
                experience="journeyman",
                goals={"promotion"},
                about="I want to work on wind turbines",
            ),
            {"gwo-basic-safety-training", "gwo-basic-technical-training"},
            "Matches what you want: wind, turbines",
        ),
        (
            Profile(
                trade="plumber",
                experience="journeyman",
                goals={"promotion"},
                about="backflow testing",
            ),
            {"asse-5110-backflow-tester", "asse-5140-fire-protection-ccc-tester"},
            "Matches what you want: backflow, testing",
        ),
        (
            Profile(
                trade="welder", experience="journeyman", goals={"promotion"}, about="pipeline jobs"
            ),
            {"api-1104-pipeline-welder-qualification"},
            "Matches what you want: pipeline",
        ),
    ],
)
def test_the_workers_own_words_lead_the_top_three(
    profile: Profile, first: set[str], why: str
) -> None:
    recs = recommend(profile, 3, catalog=CATALOG)
    assert recs[0].id in first
    assert _why(recs[0]).startswith(why)
    # Without the words, the same worker gets the generic matches for trade and goal.
    plain = recommend(
        Profile(trade=profile.trade, experience=profile.experience, goals=profile.goals),
        3,
        catalog=CATALOG,
    )
    assert not {r.id for r in plain} & first


def _is_licence(credential) -> bool:  # type: ignore[no-untyped-def]
    from catalog.recommend import is_licence

    return is_licence(credential)


GOAL_SETS = ({"license"}, {"license", "first_job"}, {"promotion", "safety"}, {"switch_trade"})


def test_no_other_trades_licence_no_borrowed_goal_no_part_and_whole_no_firm() -> None:
    """Item 5 over every trade, goal set and region: the top three never hold another
    trade's licence, a credential for another trade never gives the worker's goal as its
    reason, a credential and one it contains never share it, and a firm's certification
    appears only for the own_business goal."""
    catalog = default_catalog()
    problems = []
    for trade in catalog.trades:
        for goals in GOAL_SETS:
            for region in (None, "Texas", "New York", "California", "Illinois", "Michigan"):
                profile = Profile(trade=trade, goals=set(goals), region=region)
                top = recommend(profile, 3, catalog=catalog)
                ids = {r.id for r in top}
                for rec in top:
                    c = rec.credential
                    on_trade = trade in c.trades
                    codes = {r.code for r in rec.reasons}
                    if not on_trade and _is_licence(c):
                        problems.append(("other trade's licence", trade, region, c.id))
                    if not on_trade and any(code.startswith("goal_") for code in codes):
                        problems.append(("borrowed goal", trade, region, c.id))
                    if set(c.part_of) & ids:
                        problems.append(("part and whole", trade, region, c.id))
                    if c.holder == "firm":
                        problems.append(("firm", trade, region, c.id))
    assert not problems


def test_a_firm_certification_goes_only_to_a_worker_with_a_business() -> None:
    catalog = default_catalog()
    firms = [c for c in catalog.records if c.holder == "firm"]
    assert firms
    for firm in firms:
        trade = firm.trades[0]
        region = next((r for r in firm.recognition if "-" in r), None)
        mine = Profile(trade=trade, goals={"own_business"}, region=region, about=firm.name)
        assert firm.id in [r.id for r in recommend(mine, 10, catalog=catalog)], firm.id
        employee = Profile(
            trade=trade, goals={"license", "promotion"}, region=region, about=firm.name
        )
        assert firm.id not in [r.id for r in recommend(employee, 500, catalog=catalog)], firm.id


def test_a_credential_and_one_it_contains_never_share_the_top_three() -> None:
    # "608 Universal" contains Type II: before issue 11 both came back for this worker.
    catalog = default_catalog()
    universal = catalog.credentials["epa-608-universal"]
    parts = {c.id for c in catalog.records if universal.id in c.part_of}
    assert {"epa-608-type-1", "epa-608-type-2", "epa-608-type-3"} <= parts
    for goals in ({"license"}, {"first_job"}, {"license", "first_job"}):
        ids = [r.id for r in recommend(Profile(trade="hvac", goals=goals), 3, catalog=catalog)]
        assert universal.id in ids, ids
        assert not parts & set(ids), ids


def test_the_states_own_licence_for_the_trade_comes_first_for_a_licence_goal() -> None:
    """Every state and trade the catalog holds licences for, at every experience."""

    catalog = default_catalog()
    pairs = {
        (trade, region)
        for c in catalog.records
        if _is_licence(c) and c.holder == "person"  # a firm's licence needs own_business
        for region in c.recognition
        if "-" in region
        for trade in c.trades
    }
    assert len({region for _, region in pairs}) >= 2
    wrong = []
    for trade, region in sorted(pairs):
        for experience in (None, "apprentice", "journeyman"):
            profile = Profile(trade=trade, experience=experience, goals={"license"}, region=region)
            first = recommend(profile, 1, catalog=catalog)[0]
            c = first.credential
            if not (_is_licence(c) and region in c.recognition and trade in c.trades):
                wrong.append((trade, region, experience, first.id))
            elif first.reasons[0].code not in {"state_licence", "local_licence"}:
                wrong.append((trade, region, experience, first.reasons[0]))
            elif first.reasons[0].params["region"] != region:
                wrong.append((trade, region, experience, first.reasons[0]))
    assert not wrong


def test_texas_hvac_apprentice_who_wants_a_licence() -> None:
    """Issue 11, item 5, tried as a new user would: the Texas ACR registration first, then
    EPA 608 Universal and the next Texas rung; no electrician or plumber licence, no firm
    certification, no 608 part next to Universal, and no goal reason off the trade."""
    recs = recommend(
        Profile(trade="hvac", experience="apprentice", goals={"license"}, region="Texas"),
        3,
        catalog=CATALOG,
    )
    assert [r.id for r in recs] == [
        "tx-acr-registered-technician",
        "epa-608-universal",
        "tx-acr-certified-technician",
    ]
    assert _why(recs[0]).startswith(
        "The Texas license for your trade; fits your trade (HVAC/R technician)"
    )
    assert all("goal_license" in [x.code for x in r.reasons] for r in recs)
    more = [
        r.id
        for r in recommend(
            Profile(trade="hvac", experience="apprentice", goals={"license"}, region="Texas"),
            20,
            catalog=CATALOG,
        )
    ]
    assert not {
        "tdlr-journeyman-electrician",
        "tx-journeyman-plumber",
        "tx-electrical-contractor-license",
    } & set(more)
    assert "epa-rrp-firm" not in more


@pytest.mark.parametrize(
    ("region", "expected", "why"),
    [
        (
            "New York",
            [
                "ny-local-hvac-licence",
                "epa-608-universal",
                "fdny-q01-refrigerating-system-operating-engineer",
            ],
            "In New York cities or counties license this trade: how to find yours; ",
        ),
        (
            "Illinois",
            ["il-local-hvac-licence", "epa-608-universal", "epa-rrp-renovator"],
            "In Illinois cities or counties license this trade: how to find yours; ",
        ),
    ],
)
def test_an_hvac_apprentice_where_cities_license_hvac_is_sent_to_the_local_licence(
    region: str, expected: list[str], why: str
) -> None:
    """Issue 11, item 3: neither New York nor Illinois licenses HVAC statewide, so a
    "get licensed" goal is answered with the record that says so and points to the local
    office, not with silence; and never with the state's electrician or plumber licence."""
    profile = Profile(trade="hvac", experience="apprentice", goals={"license"}, region=region)
    recs = recommend(profile, 3, catalog=CATALOG)
    assert [r.id for r in recs] == expected
    assert recs[0].reasons[0].code == "local_licence"
    assert _why(recs[0]).startswith(why)
    more = recommend(profile, 30, catalog=CATALOG)
    assert not [
        r.id for r in more if _is_licence(r.credential) and "hvac" not in r.credential.trades
    ]


def test_michigan_ladders_put_each_worker_on_their_own_rung() -> None:
    """Issue 11, item 3, Michigan: apprentice, journey, master and contractor rungs for
    electricians and plumbers, each next step offered to the holder of the rung below."""

    def top(
        trade: str, experience: str, goals: set[str], holds: frozenset[str] = frozenset()
    ) -> list[str]:
        profile = Profile(
            trade=trade, experience=experience, goals=goals, region="Michigan", holds=set(holds)
        )
        return [r.id for r in recommend(profile, 3, catalog=CATALOG)]

    assert top("plumber", "apprentice", {"license"}) == [
        "mi-apprentice-plumber-registration",
        "mi-journey-plumber-license",
        "mi-master-plumber-license",
    ]
    assert top("electrician", "master", {"license"})[:2] == [
        "mi-master-electrician-license",
        "mi-journeyman-electrician-license",
    ]
    # Holding a rung brings the next one first, and the lower rungs are no news.
    journeyman = top(
        "electrician", "journeyman", {"license"}, {"mi-journeyman-electrician-license"}
    )
    assert journeyman[0] == "mi-master-electrician-license"
    assert not {"mi-apprentice-electrician-registration"} & set(journeyman)
    master = top("plumber", "master", {"license"}, {"mi-master-plumber-license"})
    assert "mi-master-plumber-license" not in master
    assert not {"mi-apprentice-plumber-registration", "mi-journey-plumber-license"} & set(master)
    # The contractor licences are a business's: offered for an own business only.
    assert top("electrician", "master", {"own_business"})[0] == "mi-electrical-contractor-license"
    assert top("plumber", "master", {"own_business"})[0] == "mi-plumbing-contractor-license"
    assert "mi-plumbing-contractor-license" not in top("plumber", "master", {"license"})
    # Michigan licenses HVAC contractors only: that is the HVAC apprentice's state rung.
    assert top("hvac", "apprentice", {"license"})[0] == "mi-mechanical-contractor-license"


def test_one_word_of_several_does_not_bring_in_another_trades_credential() -> None:
    # "tower" names tower cranes, but the worker wrote about chillers in an office tower.
    profile = Profile(
        trade="facilities_maintenance",
        experience="journeyman",
        goals={"license"},
        about="chillers in an office tower",
    )
    top = recommend(profile, 3, catalog=CATALOG)
    assert top[0].id == "epa-608-universal"
    assert not [r.id for r in top if "crane" in r.id]


def test_a_pipeline_welder_gets_the_weld_test_not_the_inspectors_exam() -> None:
    """A welder's "pipeline jobs" asks to weld pipelines: the API 1104 weld test leads and the API
    1169 inspector's exam stays out of the top three; words that ask to inspect bring it."""
    welder = Profile(trade="welder", experience="journeyman", goals={"promotion"})
    for about in ("pipeline jobs", "trabajos de oleoducto", "pipline work"):
        welder.about = about
        top = [r.id for r in recommend(welder, 3, catalog=CATALOG)]
        assert top[0] == "api-1104-pipeline-welder-qualification", (about, top)
        assert "api-1169-pipeline-construction-inspector" not in top, (about, top)
    for about in ("become a pipeline inspector", "inspector de ductos"):
        welder.about = about
        top = recommend(welder, 3, catalog=CATALOG)
        assert top[0].id == "api-1169-pipeline-construction-inspector", (about, top)
    welder.about = "pipeline inspection"
    assert _why(recommend(welder, 1, catalog=CATALOG)[0]).startswith(
        "Matches what you want: pipeline, inspection;"
    )


def test_naming_the_trade_in_the_own_words_does_not_blur_them() -> None:
    profile = Profile(
        trade="electrician",
        experience="journeyman",
        goals={"promotion"},
        about="I'm an electrician and I want to work on wind turbines",
    )
    top = recommend(profile, 3, catalog=CATALOG)
    assert [r.id for r in top[:2]] == ["gwo-basic-safety-training", "gwo-basic-technical-training"]
    assert _why(top[0]).startswith("Matches what you want: wind, turbines;")
    # Another trade's credential says whose it is, and claims none of the worker's goals.
    assert "used in Wind turbine technician work" in _why(top[0])
    assert not [r for r in top[0].reasons if r.code.startswith("goal_")]
    # The electrician's own credentials do not quote "electrician" back as a match.
    assert all(
        "electrician" not in str(r.params)
        for rec in top
        for r in rec.reasons
        if r.code == "about_match"
    )


def test_the_fast_first_pass_keeps_what_full_scoring_would_rank_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 100k records only a shortlist is fully scored (docs/PERFORMANCE.md). Forcing that
    path on the real catalog with a shortlist of 12 must not change any persona's top 3."""
    import sys

    ranking = sys.modules["catalog.recommend"]
    catalog = default_catalog()
    personas = yaml.safe_load(PERSONAS.read_text(encoding="utf-8"))
    exact = [
        [r.id for r in recommend(profile_from(p["profile"]), 3, catalog=catalog)] for p in personas
    ]
    monkeypatch.setattr(ranking, "SHORTLIST", 12)
    fast = [
        [r.id for r in recommend(profile_from(p["profile"]), 3, catalog=catalog)] for p in personas
    ]
    assert fast == exact


def test_a_refresher_is_offered_only_to_a_holder_of_the_course() -> None:
    catalog = default_catalog()
    refresher = catalog.credentials["epa-rrp-renovator-refresher"]
    assert "renew" in refresher.goals
    for trade in refresher.trades:
        for goals in (*GOAL_SETS, {"renew"}):
            ids = [
                r.id for r in recommend(Profile(trade=trade, goals=set(goals)), 50, catalog=CATALOG)
            ]
            assert refresher.id not in ids, (trade, goals)
    holder = Profile(trade="painter", goals={"renew"}, holds={"epa-rrp-renovator"})
    assert recommend(holder, 1, catalog=CATALOG)[0].id == refresher.id
    # "hazwoper-40 or hazwoper-24": either course will do.
    for held in ("hazwoper-40", "hazwoper-24"):
        worker = Profile(trade="hazmat_abatement", goals={"renew"}, holds={held})
        assert "hazwoper-8-hour-refresher" in [
            r.id for r in recommend(worker, 3, catalog=CATALOG)
        ], held


def test_goals_alone_never_pick_the_reading_of_an_ambiguous_trade() -> None:
    from catalog.trades import read_trade

    # Only HVAC has an "own business" credential among the mechanics' trades: that says
    # nothing about which mechanic this is, so the advice covers the readings.
    reading = read_trade("mechanic", "", catalog=CATALOG)
    assert reading.how == "all_candidates"
    assert {"auto_technician", "diesel_technician", "hvac"} <= set(reading.trades)
    top = recommend(Profile(trade="mechanic", goals={"own_business"}), 3, catalog=CATALOG)
    assert len({r.credential.trades[0] for r in top}) == 3
    # Words do pick it.
    words = read_trade("mechanic", "brakes and transmissions on cars", catalog=CATALOG)
    assert (words.how, words.trades) == ("own_words", ("auto_technician",))


def test_no_lower_rung_of_a_held_licence_and_no_apprentice_registration_for_a_master() -> None:
    master = Profile(
        trade="electrician",
        experience="master",
        goals={"license"},
        region="Texas",
        holds={"tdlr-master-electrician"},
    )
    ids = [r.id for r in recommend(master, 10, catalog=CATALOG)]
    lower = {
        "tdlr-apprentice-electrician",
        "tdlr-residential-wireman",
        "tdlr-journeyman-electrician",
    }
    assert not lower & set(ids[:3]), ids
    # Without saying what they hold, experienced workers get their own rung first; someone
    # starting out gets the registration the ladder starts with.
    firsts = {
        experience: recommend(
            Profile(trade="electrician", experience=experience, goals={"license"}, region="US-TX"),
            1,
            catalog=CATALOG,
        )[0].id
        for experience in ("new", "apprentice", "journeyman", "master")
    }
    assert firsts == {
        "new": "tdlr-apprentice-electrician",
        "apprentice": "tdlr-apprentice-electrician",
        "journeyman": "tdlr-journeyman-electrician",
        "master": "tdlr-master-electrician",
    }


def test_the_fast_first_pass_holds_up_among_thousands_of_near_duplicates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """bench/catalog.py's synthetic catalog (real records plus mutated copies) at 3,000
    records: shortlisting gives every persona the top 3 that scoring all candidates gives."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "bench_catalog", Path(__file__).resolve().parents[1] / "bench" / "catalog.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    catalog = bench.synthetic_catalog(default_catalog(), 3000)
    people = bench.profiles()
    fast = [[r.id for r in recommend(p, 3, catalog=catalog)] for p in people]
    monkeypatch.setattr(sys.modules["catalog.recommend"], "SHORTLIST", 10**9)
    exact = [[r.id for r in recommend(p, 3, catalog=catalog)] for p in people]
    assert fast == exact
