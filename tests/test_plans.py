"""A worker follows through: starts a plan in three taps, logs study, sees the bar move,
pauses and resumes, and passes the exam."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.models import EarnedCredential, Plan, ProgressLog, Reminder
from tests.conftest import Harness
from tests.story import labels, open_details, reply_to, start_plan, texts

CHICAGO = ZoneInfo("America/Chicago")


async def plan_of(harness: Harness, user_id: int) -> Plan:
    async with harness.services.sessions() as session:
        plan = await session.scalar(select(Plan).where(Plan.user_id == user_id))
    assert plan is not None
    return plan


async def reminders_of(harness: Harness, user_id: int) -> dict[str, Reminder]:
    async with harness.services.sessions() as session:
        rows = await session.scalars(select(Reminder).where(Reminder.user_id == user_id))
        return {r.kind: r for r in rows}


async def test_plan_with_catalog_hours_in_three_taps(harness: Harness) -> None:
    worker = harness.emulator.user(3001, "Lena", language_code="en")
    await open_details(worker, "HAZWOPER 40")
    asked = await reply_to(worker, worker.press("Start a plan"))
    assert "what time is it where you are" in texts(asked)  # timezone unknown: asked first
    dates = await reply_to(worker, worker.send("Chicago"))
    # 40 h at the default 3 h a week is 14 weeks from Monday 2026-11-23.
    assert "It takes about 40 h. At 3 h a week that is 14 weeks." in texts(dates)
    assert labels(dates) == [
        "2027-03-01 · 3 h/week",
        "2027-04-19 · 2 h/week",
        "2027-06-07 · 2 h/week",
    ]
    taps = ["2027-03-01 · 3 h/week", "Mon · Wed · Fri", "19:00"]
    for label in taps:
        done = await reply_to(worker, worker.press(label))
    assert len(taps) <= 3
    assert "✓ Plan for HAZWOPER 40-Hour (OSHA 29 CFR 1910.120): 40 h by 2027-03-01." in done[0].text
    assert "I'll remind you Mon · Wed · Fri at 19:00." in done[0].text
    assert "Weekly check-in: Sun 18:00." in done[0].text
    plan = await plan_of(harness, 3001)
    assert (plan.planned_hours, plan.planned_sessions, plan.weekly_hours) == (40.0, None, 3)
    assert plan.target_date == date(2027, 3, 1)
    reminders = await reminders_of(harness, 3001)
    assert reminders["study"].schedule == {"days": [0, 2, 4], "time": "19:00"}
    # Monday 19:00 in Chicago (CST, UTC-6) is 01:00 UTC on Tuesday.
    assert reminders["study"].next_fire_at == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert reminders["weekly_checkin"].next_fire_at == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)

    # The card now says "View plan", and it shows the plan.
    details = await open_details(worker, "HAZWOPER 40")
    assert "View plan" in labels(details) and "Start a plan" not in labels(details)
    shown = await reply_to(worker, worker.press("View plan"))
    assert "░░░░░░░░ 0% · 0 of 40 h" in texts(shown)


async def test_unknown_hours_asks_a_guess_or_plans_sessions(harness: Harness) -> None:
    worker = harness.emulator.user(3002, "Omar", language_code="en")
    replies = await start_plan(worker, "NFPA 70E Electrical Safety", "type:New York")
    assert "About how many hours do you think it takes?" in texts(replies)
    assert labels(replies) == ["5 h", "10 h", "20 h", "40 h", "Not sure"]
    for label in ("10 h", "Tue · Thu", "07:00"):
        done = await reply_to(worker, worker.press(label))
    assert ": 10 h by 2026-12-21." in texts(done)  # 10 h at 3 h a week: four weeks
    plan = await plan_of(harness, 3002)
    assert (plan.planned_hours, plan.weekly_hours) == (10.0, 3)

    other = harness.emulator.user(3003, "Ivy", language_code="en")
    await start_plan(other, "NFPA 70E Electrical Safety", "type:New York")
    for label in ("Not sure", "Mon · Wed · Fri", "20:00"):
        done = await reply_to(other, other.press(label))
    assert ": 12 sessions by 2026-12-21." in texts(done)
    plan = await plan_of(harness, 3003)
    assert (plan.planned_hours, plan.planned_sessions, plan.weekly_hours) == (None, 12, None)
    listed = await reply_to(other, other.send("/plans"))
    assert "░░░░░░░░ 0% · 0 of 12 sessions" in texts(listed)
    logged = await reply_to(other, other.send("/log 30m"))
    assert "░░░░░░░░ 8% · 1 of 12 sessions" in texts(logged)


async def start_guessed_plan(harness: Harness, user_id: int, hours: str) -> object:
    worker = harness.emulator.user(user_id, "Sam", language_code="en")
    await start_plan(
        worker,
        "NFPA 70E Electrical Safety",
        "type:Chicago",
        f"type:{hours}",
        "Mon · Wed · Fri",
        "19:00",
    )
    return worker


async def test_plans_bar_figures_and_pace(harness: Harness) -> None:
    worker = await start_guessed_plan(harness, 3004, "17")  # typed guess: 17 h, 6 weeks
    logged = await reply_to(worker, worker.send("/log 9h"))  # type: ignore[attr-defined]
    assert "✓ Logged 9 h on NFPA 70E" in texts(logged)
    listed = await reply_to(worker, worker.send("/plans"))  # type: ignore[attr-defined]
    assert "▓▓▓▓░░░░ 52% · 9 of 17 h" in texts(listed)
    assert "8 h left · on track for 2027-01-04" in texts(listed)
    assert labels(listed) == ["Log study", "Pause", "Edit", "Abandon"]
    # Five weeks later with nothing more logged: a week's grace on the steady pace still
    # expects 17 h × 28/42 days ≈ 11.3 h.
    harness.clock.advance(timedelta(weeks=5))
    listed = await reply_to(worker, worker.send("/plans"))  # type: ignore[attr-defined]
    assert "8 h left · behind for 2027-01-04" in texts(listed)


async def test_log_typed_and_command_in_english_and_spanish(harness: Harness) -> None:
    worker = await start_guessed_plan(harness, 3005, "10")
    for typed, expected in (
        ("/log 45m", "✓ Logged 45 min"),
        ("/log 1.5h", "✓ Logged 1 h 30 min"),
        ("studied 2 hours", "✓ Logged 2 h"),
        ("Estudié 1,5 horas", "✓ Logged 1 h 30 min"),
        ("estudie media hora hoy", "✓ Logged 30 min"),
    ):
        replies = await reply_to(worker, worker.send(typed))  # type: ignore[attr-defined]
        assert expected in texts(replies), (typed, texts(replies))
    assert "▓▓▓▓░░░░ 62% · 6.2 of 10 h" in texts(replies)
    for bad in ("/log -2h", "/log 1e309", "/log 0x10", "/log 40h", "/log nan"):
        replies = await reply_to(worker, worker.send(bad))  # type: ignore[attr-defined]
        assert "I couldn't read that as study time" in texts(replies), bad
    async with harness.services.sessions() as session:
        count = await session.scalar(select(func.count(ProgressLog.id)))
    assert count == 5


async def test_spanish_worker_logs_in_spanish(harness: Harness) -> None:
    worker = harness.emulator.user(3006, "Ana", language_code="es")
    nothing = await reply_to(worker, worker.send("estudié 2 horas"))
    assert "No hay ningún plan activo" in texts(nothing)
    await reply_to(worker, worker.send("/find NFPA 70E Electrical Safety"))
    await reply_to(worker, worker.press("Detalles 1"))
    await reply_to(worker, worker.press("Empezar un plan"))
    for answer in ("Chicago", "20 h", "Lun · Mié · Vie", "19:00"):
        action = worker.send(answer) if answer == "Chicago" else worker.press(answer)
        await reply_to(worker, action)
    replies = await reply_to(worker, worker.send("estudié 2 horas"))
    assert "✓ Registré 2 h en NFPA 70E" in texts(replies)
    assert "░░░░░░░░ 10% · 2 de 20 h\nfaltan 18 h · al día para el 2027-01-11" in texts(replies)


async def test_pause_resume_edit_and_abandon(harness: Harness) -> None:
    worker = await start_guessed_plan(harness, 3007, "20")
    listed = await reply_to(worker, worker.send("/plans"))  # type: ignore[attr-defined]
    paused = await reply_to(worker, worker.press("Pause", message=listed[0]))  # type: ignore[attr-defined]
    assert "⏸ Paused. No study reminders until you resume." in texts(paused)
    assert "Resume" in labels(paused)
    study = (await reminders_of(harness, 3007))["study"]
    assert (await plan_of(harness, 3007)).status == "paused" and not study.active

    harness.clock.advance(timedelta(days=3))  # Thursday 2026-11-26, 14:00 UTC
    resumed = await reply_to(worker, worker.press("Resume"))  # type: ignore[attr-defined]
    assert "▶ Resumed. Reminders are back on." in texts(resumed)
    study = (await reminders_of(harness, 3007))["study"]
    assert study.active
    assert study.next_fire_at == datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Fri 19:00 CST

    # Edit: the same three questions, the same plan.
    await reply_to(worker, worker.press("Edit"))  # type: ignore[attr-defined]
    for label in ("40 h", "Sat · Sun", "12:00"):
        edited = await reply_to(worker, worker.press(label))  # type: ignore[attr-defined]
    assert ": 40 h by " in texts(edited)
    plan = await plan_of(harness, 3007)
    assert plan.planned_hours == 40.0
    assert (await reminders_of(harness, 3007))["study"].schedule == {
        "days": [5, 6],
        "time": "12:00",
    }

    listed = await reply_to(worker, worker.send("/plans"))  # type: ignore[attr-defined]
    asked = await reply_to(worker, worker.press("Abandon", message=listed[0]))  # type: ignore[attr-defined]
    assert "Abandon the plan for NFPA 70E" in texts(asked)
    gone = await reply_to(worker, worker.press("Yes, abandon"))  # type: ignore[attr-defined]
    assert "Plan abandoned." in texts(gone)
    assert (await plan_of(harness, 3007)).status == "abandoned"
    assert not (await reminders_of(harness, 3007))["study"].active
    empty = await reply_to(worker, worker.send("/plans"))  # type: ignore[attr-defined]
    assert "No study plans yet." in texts(empty)


async def test_reaching_the_planned_hours_records_the_credential(harness: Harness) -> None:
    worker = harness.emulator.user(3008, "Bo", language_code="en")
    await start_plan(worker, "HAZWOPER 8-Hour Annual Refresher", "type:Chicago")
    for label in ("2026-12-14 · 3 h/week", "Sat · Sun", "12:00"):
        await reply_to(worker, worker.press(label))
    replies = await reply_to(worker, worker.send("/log 5h"))
    assert "Did you pass the exam?" not in texts(replies)
    replies = await reply_to(worker, worker.send("studied 3 hours"))
    assert "▓▓▓▓▓▓▓▓ 100% · 8 of 8 h" in texts(replies)
    assert "Did you pass the exam?" in texts(replies)
    passed = await reply_to(worker, worker.press("Yes, I passed"))
    assert "is now in your credentials." in texts(passed)
    assert (
        "It expires on 2027-11-23. I'll remind you 90, 30 and 7 days before, and on the day."
        in texts(passed)
    )
    assert (await plan_of(harness, 3008)).status == "done"
    async with harness.services.sessions() as session:
        held = await session.scalar(
            select(EarnedCredential).where(EarnedCredential.user_id == 3008)
        )
    assert held is not None and held.earned_on == date(2026, 11, 23)
    reminders = await reminders_of(harness, 3008)
    assert not reminders["study"].active
    # 90 days before 2027-11-23 is 2027-08-25, 09:00 in Chicago (CDT, UTC-5).
    assert reminders["renewal"].next_fire_at == datetime(2027, 8, 25, 14, 0, tzinfo=UTC)


async def test_log_asks_which_plan_when_there_are_two(harness: Harness) -> None:
    worker = await start_guessed_plan(harness, 3009, "10")
    await reply_to(worker, worker.send("/find OSHA 30"))  # type: ignore[attr-defined]
    await reply_to(worker, worker.press("Details 1"))  # type: ignore[attr-defined]
    await reply_to(worker, worker.press("Start a plan"))  # type: ignore[attr-defined]
    for label in ("2027-02-01 · 3 h/week", "Sat · Sun", "12:00"):
        await reply_to(worker, worker.press(label))  # type: ignore[attr-defined]
    asked = await reply_to(worker, worker.send("studied 1h30"))  # type: ignore[attr-defined]
    assert "Which plan was the 1 h 30 min for?" in texts(asked)
    assert labels(asked) == [
        "NFPA 70E Electrical Safety in the…",
        "OSHA 30-Hour Construction (Outreach…",
    ]
    logged = await reply_to(worker, worker.press(labels(asked)[1]))  # type: ignore[attr-defined]
    assert "✓ Logged 1 h 30 min on OSHA 30-Hour Construction" in texts(logged)
    assert "░░░░░░░░ 5% · 1.5 of 30 h" in texts(logged)
