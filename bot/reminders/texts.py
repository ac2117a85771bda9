"""Texts shared by reminder kinds and the handlers that show the same figures."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import N_, Translator
from bot.services.progress import Progress, hours_text

WEEKDAY_LABELS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def when_text(t: Translator, moment: datetime, zone: str, today: date | None = None) -> str:
    """ "Wed 19:00" in the worker's zone; the date too when it is not within a week."""
    local = moment.astimezone(ZoneInfo(zone))
    label = f"{t(WEEKDAY_LABELS[local.weekday()])} {local:%H:%M}"
    if today is not None and not 0 <= (local.date() - today).days < 7:
        label = f"{local.date().isoformat()} {local:%H:%M}"
    return label


def days_text(t: Translator, days: list[int]) -> str:
    return " · ".join(t(WEEKDAY_LABELS[d]) for d in days if 0 <= d < 7)


def bar_line(t: Translator, progress: Progress) -> str:
    """ "▓▓▓▓░░░░ 52% · 9 of 17 h" (or sessions when the hours are not known)."""
    done, planned = hours_text(progress.done), hours_text(progress.planned)
    amount = (
        t("{done} of {planned} h", done=done, planned=planned)
        if progress.by_hours
        else t("{done} of {planned} sessions", done=done, planned=planned)
    )
    return f"{progress.bar} {progress.percent}% · {amount}"


def pace_line(t: Translator, progress: Progress, today: date) -> str:
    """Hours (or sessions) left and whether the pace reaches the target date."""
    left = hours_text(progress.left)
    left_text = (
        t("{left} h left", left=left) if progress.by_hours else t("{left} sessions left", left=left)
    )
    if progress.target_date is None:
        return left_text
    target = progress.target_date.isoformat()
    if progress.reached:
        return t("All planned study done. Target was {date}.", date=target)
    if progress.status == "paused":
        return left_text + " · " + t("paused (target {date})", date=target)
    if progress.on_track(today):
        return left_text + " · " + t("on track for {date}", date=target)
    return left_text + " · " + t("behind for {date}", date=target)
