"""The worker's toolbox: "is this legit?" from sourced rules, Add to LinkedIn, /resume as
text and a one-page PDF, and /toolbox on one screen."""

from __future__ import annotations

import io
import json
from datetime import date, time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pypdf
import pytest

from bot.services import earned, plans
from bot.services.linkedin import MAX_URL, add_to_profile_url
from bot.services.plans import PlanChoice
from bot.services.toolbox import badge_for, next_steps
from catalog import default_catalog
from catalog.cli import main as catalog_cli
from emulator import ChatMessage
from tests.conftest import Harness
from tests.story import labels, reply_to, texts

OSHA_AD = "lifetime OSHA 30 certification, $25, instant card"
OSHA_ANSWER = "\n".join(
    [
        "OSHA 30-Hour Construction (Outreach Training Program)",
        "Issued by: U.S. Occupational Safety and Health Administration (OSHA), delivered by "
        "OSHA-authorized…",
        "• OSHA 10 and 30 cards come only from OSHA-authorized trainers.",
        "• The card comes only after the whole class and its hours.",
        "🚩 “Certified”: OSHA says its card is not a certification.",
        "🚩 Instant card: no card before the full 10 or 30 hours.",
        "Report a doubtful trainer: outreach@dol.gov, 847-725-7804.",
        "Check it yourself below.",
    ]
)


def link(message: ChatMessage, label: str) -> str:
    return str(message.button(label)["url"])


# ------------------------------------------------------------------------ is this legit?


async def test_forwarded_osha_ad_gets_the_authorised_trainer_answer_and_red_flags(
    harness: Harness,
) -> None:
    worker = harness.emulator.user(7001, "Ana", language_code="en")
    forwarded = worker.send_content(
        "a forwarded ad",
        text=OSHA_AD,
        forward_origin={"type": "hidden_user", "sender_user_name": "Deals", "date": 1764000000},
    )
    answer = await reply_to(worker, forwarded)
    assert texts(answer) == OSHA_ANSWER
    assert link(answer[-1], "OSHA: report fraud") == (
        "https://www.osha.gov/taxonomy/term/63567?page=168"
    )
    # A forwarded class notice with no red flag and no question is vetted all the same.
    notice = worker.send_content(
        "a forwarded notice",
        text="OSHA 10 class this Saturday at the union hall",
        forward_origin={"type": "hidden_user", "sender_user_name": "Crew", "date": 1764000000},
    )
    answer = await reply_to(worker, notice)
    assert texts(answer).splitlines()[-3:] == [
        "Nothing you sent goes against these sources.",
        "Report a doubtful trainer: outreach@dol.gov, 847-725-7804.",
        "Check it yourself below.",
    ]


async def test_pasted_epa_ad_gets_the_proctored_exam_answer(harness: Harness) -> None:
    worker = harness.emulator.user(7002, "Bo", language_code="en")
    answer = await reply_to(worker, worker.send("EPA 608 universal license online, no exam"))
    assert texts(answer) == "\n".join(
        [
            "EPA Section 608 Technician Certification - Universal",
            "Issued by: U.S. Environmental Protection Agency (via EPA-approved certifying "
            "organizations)",
            "• Only an EPA-approved certifying program can certify you.",
            "• Type II, Type III and Universal need a closed-book, proctored exam.",
            "🚩 No proctored exam: Type II, III or Universal need one.",
            "Check it yourself below.",
        ]
    )
    assert labels(answer) == ["EPA: approved programs"]


async def test_unknown_course_gets_i_dont_know_and_how_to_check(harness: Harness) -> None:
    worker = harness.emulator.user(7003, "Cy", language_code="en")
    answer = await reply_to(worker, worker.send("is the Quantum Ninja Diploma from Acme legit?"))
    assert texts(answer).startswith("I don't know this one, so I can't say if it's legit.")
    assert "ask who issues the credential (not who sells the course)" in texts(answer)
    assert "🚩" not in texts(answer)  # no verdict on what the catalog does not know


async def test_spanish_question_and_pasted_link_are_vetted_in_spanish(harness: Harness) -> None:
    worker = harness.emulator.user(7004, "Dora", language_code="es")
    answer = await reply_to(
        worker, worker.send("¿es legítimo? https://example.com/osha-30 tarjeta al instante")
    )
    assert texts(answer).splitlines()[2:6] == [
        "• Las tarjetas OSHA 10 y 30 solo las dan instructores autorizados por OSHA.",
        "• La tarjeta llega solo después de la clase completa y sus horas.",
        "🚩 Tarjeta al instante: no hay tarjeta antes de las 10 o 30 horas completas.",
        "Denuncia a un instructor dudoso: outreach@dol.gov, 847-725-7804.",
    ]


def test_vet_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert catalog_cli(["vet", OSHA_AD, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert (answer["status"], answer["family_id"], answer["credential_id"]) == (
        "known",
        "osha-outreach",
        "osha-30-construction",
    )
    assert [f["code"] for f in answer["red_flags"]] == [
        "osha_not_a_certification",
        "osha_instant_card",
    ]
    assert answer["red_flags"][0]["source"] == "https://www.osha.gov/node/55206"
    assert catalog_cli(["vet", "Quantum Ninja Diploma", "--json"]) == 0
    unknown = json.loads(capsys.readouterr().out)
    assert (unknown["status"], unknown["facts"], unknown["check"]) == ("unknown", [], [])


# ------------------------------------------------------------------------ Add to LinkedIn


async def test_earned_credential_has_an_add_to_linkedin_link_with_every_field(
    harness: Harness,
) -> None:
    worker = harness.emulator.user(7005, "Eve", language_code="en")
    await reply_to(worker, worker.send("/earned"))
    matches = await reply_to(worker, worker.send("HAZWOPER 40"))
    await reply_to(worker, worker.press(labels(matches)[0]))
    saved = await reply_to(worker, worker.send("2026-03-14"))
    code = await badge_code(harness, 7005, "hazwoper-40")  # the badge recording made
    url = link(saved[-1], "Add to LinkedIn: HAZWOPER 40-Hour (OSHA…")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert parse_qs(parts.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["HAZWOPER 40-Hour (OSHA 29 CFR 1910.120)"],
        "organizationName": [default_catalog().credentials["hazwoper-40"].issuer],
        "issueYear": ["2026"],
        "issueMonth": ["3"],
        "expirationYear": ["2027"],
        "expirationMonth": ["3"],
        "certId": [code],
        "certUrl": [f"https://t.me/toolbox_test_bot?start=verify-{code}"],
    }
    listed = await reply_to(worker, worker.send("/earned"))
    assert link(listed[-1], "Add to LinkedIn: HAZWOPER 40-Hour (OSHA…") == url


def test_linkedin_link_carries_badge_fields_and_stays_within_button_limits() -> None:
    url = add_to_profile_url(
        "Señalero " * 60,
        "Comisión Nacional",
        date(2025, 3, 14),
        date(2030, 3, 14),
        cert_url="https://t.me/toolbox_bot?start=verify-AB12CD",
        cert_id="AB12CD",
    )
    fields = parse_qs(urlsplit(url).query)
    assert fields["certUrl"] == ["https://t.me/toolbox_bot?start=verify-AB12CD"]
    assert fields["certId"] == ["AB12CD"]
    assert fields["name"][0].startswith("Señalero Señalero")
    assert (fields["expirationYear"], fields["expirationMonth"]) == (["2030"], ["3"])
    assert len(url) <= MAX_URL and url.isascii()


# ------------------------------------------------------------------------ /resume


async def hold(harness: Harness, user_id: int, credential_id: str, on: date, **kw: object) -> None:
    services = harness.services
    credential = services.catalog.credentials[credential_id]
    async with services.sessions.begin() as session:
        await earned.record_earned(
            session, services.clock, user_id, credential, on, "America/New_York", **kw
        )


async def badge_code(harness: Harness, user_id: int, credential_id: str) -> str:
    """The verification code of the badge that recording the credential made."""
    async with harness.services.sessions() as session:
        held = [h for h in await earned.list_earned(session, user_id)]
        row = next(h for h in held if h.credential_id == credential_id)
        badge = await badge_for(session, row.earned_id)
    assert badge is not None
    return badge.code


def pdf_text(harness: Harness, message: ChatMessage) -> tuple[int, str]:
    stored = harness.emulator.state.files.get(message.data["document"]["file_id"])
    assert stored is not None
    reader = pypdf.PdfReader(io.BytesIO(stored.content))
    return len(reader.pages), " ".join(reader.pages[0].extract_text().split())


@pytest.mark.parametrize(
    ("language", "want"),
    [
        (
            "en",
            [
                "Licences and certifications",
                "OSHA 30-Hour Construction (Outreach Training Program) — U.S. Occupational "
                "Safety and Health Administration (OSHA), delivered by OSHA-authorized Outreach "
                "trainers · March 2025 · no expiry · verification code {osha} · self-reported",
                "HAZWOPER 40-Hour (OSHA 29 CFR 1910.120) — {issuer} · January 2026 · expires "
                "January 2027 · verification code {hazwoper} · self-reported",
                "Copy these lines, or use the PDF below.",
            ],
        ),
        (
            "es",
            [
                "Licencias y certificaciones",
                "OSHA 30-Hour Construction (Outreach Training Program) — U.S. Occupational "
                "Safety and Health Administration (OSHA), delivered by OSHA-authorized Outreach "
                "trainers · marzo de 2025 · sin vencimiento · código de verificación {osha} · "
                "declarada por el titular",
                "HAZWOPER 40-Hour (OSHA 29 CFR 1910.120) — {issuer} · enero de 2026 · vence en "
                "enero de 2027 · código de verificación {hazwoper} · declarada por el titular",
                "Copia estas líneas o usa el PDF de abajo.",
            ],
        ),
    ],
)
async def test_resume_sends_lines_and_a_one_page_pdf(
    harness: Harness, language: str, want: list[str]
) -> None:
    user_id = 7010 if language == "en" else 7011
    worker = harness.emulator.user(user_id, "Flo", language_code=language)
    await reply_to(worker, worker.send("/resume"))  # nothing held yet: says how to add
    await hold(harness, user_id, "osha-30-construction", date(2025, 3, 14))
    await hold(harness, user_id, "hazwoper-40", date(2026, 1, 5))
    issuer = harness.services.catalog.credentials["hazwoper-40"].issuer
    codes = {
        "{osha}": await badge_code(harness, user_id, "osha-30-construction"),
        "{hazwoper}": await badge_code(harness, user_id, "hazwoper-40"),
        "{issuer}": issuer,
    }
    for placeholder, value in codes.items():
        want = [line.replace(placeholder, value) for line in want]
    sent = await reply_to(worker, worker.send("/resume"))
    if language == "en":
        assert sent[0].text.splitlines() == want
    else:  # longer in Spanish: past one phone screen the rest is only in the PDF
        assert sent[0].text.splitlines() == [*want[:2], "…y 1 más en el PDF."]
    pages, text = pdf_text(harness, sent[-1])
    assert pages == 1
    for line in want[1:3]:
        assert line in text
    assert sent[-1].data["document"]["file_name"] == (
        "licences-and-certifications.pdf" if language == "en" else "licencias-y-certificaciones.pdf"
    )


# ------------------------------------------------------------------------ /toolbox


async def test_toolbox_shows_expiring_credential_plan_and_next_step(harness: Harness) -> None:
    worker = harness.emulator.user(7020, "Gus", language_code="en")
    await reply_to(worker, worker.send("/toolbox"))
    # Today is 2026-11-23: HAZWOPER expires in 53 days, OSHA 10 never does.
    await hold(harness, 7020, "hazwoper-40", date(2026, 1, 15), expires_on=date(2027, 1, 15))
    await hold(harness, 7020, "osha-10-construction", date(2025, 6, 1))
    services = harness.services
    async with services.sessions.begin() as session:
        await plans.start_plan(
            session,
            services.clock,
            7020,
            "epa-608-universal",
            PlanChoice(planned_hours=20, weeks=4, days=(0, 2), at=time(18)),
            "America/New_York",
        )
    await reply_to(worker, worker.send("/log 5h"))
    for language, name in (("en", "Gus"), ("es", "Gus")):
        worker = harness.emulator.user(7020, name, language_code=language)
        if language == "es":
            await reply_to(worker, worker.send("/language"))
            await reply_to(worker, worker.press("Español"))
        screen = await reply_to(worker, worker.send("/toolbox"))
        assert len(screen[-1].text) < 600
        if language == "en":
            assert screen[-1].text.splitlines() == [
                "Your toolbox",
                "",
                "Held",
                "⚠️ HAZWOPER 40-Hour (OSHA 29 CFR… · renew by 2027-01-15",
                "✅ OSHA 10-Hour Construction… · no expiry",
                "",
                "Working on",
                "📘 EPA Section 608 Technician…",
                "   ▓▓░░░░░░ 25% · 5 of 20 h",
                "",
                "Next step",
                "➡️ HAZWOPER 8-Hour Annual Refresher (OSHA 29…",
                "➡️ OSHA 30-Hour Construction (Outreach…",
            ]
            assert labels(screen) == ["📄 Résumé", "View plan", "Start a plan", "Start a plan"]
        else:
            assert "⚠️ HAZWOPER 40-Hour (OSHA 29 CFR… · renueva antes del 2027-01-15" in (
                screen[-1].text
            )
            assert labels(screen) == [
                "📄 Currículum",
                "Ver plan",
                "Empezar un plan",
                "Empezar un plan",
            ]
    resume = await reply_to(worker, worker.press("📄 Currículum"))
    assert resume[0].text.splitlines()[0] == "Licencias y certificaciones"


# ------------------------------------------------------------------------ the rules' sources


def test_every_vetting_rule_has_a_source_in_the_validators_eyes(tmp_path: Path) -> None:
    from catalog.loader import check_catalog
    from catalog.vetting import VETTING_PATH, check_rules, load_rules

    known = set(default_catalog().credentials)
    assert check_rules(VETTING_PATH, known) == []
    rules = load_rules()
    points = [p for f in rules.families for p in (*f.facts, *f.accreditation, *f.red_flags)]
    points += [c for f in rules.families for c in f.check] + list(rules.general_red_flags)
    assert len(points) >= 15 and all(p.source.quote for p in points)
    # A red flag without its page, and a fact without the words from it: both reported.
    text = VETTING_PATH.read_text(encoding="utf-8")
    no_source = text.replace(
        '        source: {url: "https://www.osha.gov/node/55206", quote: "An OSHA card is not '
        'considered a certification or license and is not required by OSHA."}\n',
        "",
    )
    assert no_source != text
    broken = tmp_path / "vetting.yaml"
    broken.write_text(no_source, encoding="utf-8")
    problems = check_rules(broken, known)
    assert [(m.split(":")[0], blocking) for _, m, blocking in problems] == [
        ("families[0] (osha-outreach) red_flags[0].source", True)
    ]
    no_quote = text.replace(', quote: "To obtain an OSHA card', ', unquoted: "To obtain', 1)
    broken.write_text(no_quote.replace(", unquoted: ", ", note: "), encoding="utf-8")
    assert check_rules(broken, known)  # an unknown field is refused too
    unquoted = text.replace(
        ', quote: "To obtain an OSHA card, an individual must attend and successfully complete '
        "the entire class, including all requisite topics and the minimum number of contact "
        'hours."',
        "",
    )
    assert unquoted != text
    broken.write_text(unquoted, encoding="utf-8")
    assert [m for _, m, _ in check_rules(broken, known)] == [
        "osha-outreach: facts osha_whole_class_required has no quote from its page"
    ]
    # `validate` runs the same check on the shipped file.
    _, found = check_catalog(vetting_path=broken)
    assert [p.message for p in found if p.path == broken] == [
        "osha-outreach: facts osha_whole_class_required has no quote from its page"
    ]


def test_next_step_needs_every_prerequisite_held() -> None:
    catalog = default_catalog()
    series = {f"ase-a{n}" for n in range(1, 9)}
    assert "ase-master-automobile" not in [c.id for c in next_steps(catalog, {"ase-a1"}, set())]
    steps = next_steps(catalog, series, set(), limit=20)
    assert "ase-master-automobile" in [c.id for c in steps]
    assert next_steps(catalog, series, {"ase-master-automobile"}, limit=20) == [
        s for s in steps if s.id != "ase-master-automobile"
    ]
