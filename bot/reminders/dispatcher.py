"""The reminder dispatcher: a PTB JobQueue job that sends what the database says is due.

Every `reminder_tick_seconds` it claims batches of due reminders (`engine.claim`), has each
kind compose its message, sends them through `application.bot` (whose rate limiter keeps to
Telegram's limits and retries 429s, 5xx and timeouts), and records each final outcome
(`engine.record`). The demo's `/time +7d` and the tests call `dispatch_due` directly.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, fields
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.callbacks import pack
from bot.ratelimit import retry_after_seconds
from bot.reminders import engine
from bot.reminders.engine import Batch, Outcome, Result
from bot.reminders.kinds import KINDS, Due, Outgoing
from bot.runtime import Services

log = logging.getLogger(__name__)

# A claimed occurrence and its message (None: nothing to send; an error: compose failed).
Composed = tuple[Due, Outgoing | BaseException | None]

JOB_NAME = "reminder-dispatcher"
# A few sends in flight, so one slow round trip (or the next batch's database work on the
# same event loop) does not leave Telegram's budget idle. The bot's rate limiter is what
# keeps every one-second window at 30 or fewer, 429 pause or not (bot/ratelimit.py).
CONCURRENT_SENDS = 4


class EvenPace:
    """Spaces sends 1/rate apart on an absolute schedule, catching up after a short stall.

    Written here because aiolimiter's leaky bucket of one loses each timer's overshoot
    (29 a second becomes about 28). A stall (a busy event loop, a slow round trip) would
    otherwise cost its length in sends; up to `catch_up` slots are made up instead, as
    fast as the bot's rate limiter allows, and that limiter (not this pace) is what keeps
    Telegram's window at 30 (bot/ratelimit.py).
    """

    def __init__(self, rate: float, catch_up: int = 8) -> None:
        self.interval = 1 / rate
        self.catch_up = catch_up * self.interval
        self._next = float("-inf")

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(self._next, now - self.catch_up)
        self._next = slot + self.interval  # taken before sleeping: concurrent callers queue
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass
class TickReport:
    """What one `dispatch_due` did, by outcome (the demo prints it, tests assert it)."""

    sent: int = 0
    empty: int = 0
    rejected: int = 0
    blocked: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    paused: int = 0
    batches: int = 0

    def add(self, other: TickReport) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def classify(error: BaseException) -> tuple[Outcome, float | None]:
    """The engine's outcome for a failed send, after the rate limiter's own retries."""
    if isinstance(error, Forbidden):
        return Outcome.BLOCKED, None
    if isinstance(error, RetryAfter):
        return Outcome.TRANSIENT, retry_after_seconds(error)
    if isinstance(error, BadRequest):  # a NetworkError subclass in PTB: test it first
        return Outcome.REJECTED, None
    if isinstance(error, NetworkError):  # timeouts, 5xx, connection resets
        return Outcome.TRANSIENT, None
    return Outcome.FAILED, None


def keyboard(due: Due, outgoing: Outgoing) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(label, callback_data=pack(flow, action, due.user_id, arg))
            for label, flow, action, arg in row
        ]
        for row in outgoing.buttons
    ]
    rows += [[InlineKeyboardButton(label, url=url)] for label, url in outgoing.links]
    return InlineKeyboardMarkup(rows) if rows else None


class ReminderDispatcher:
    """Claims, composes, sends and records; one per application."""

    def __init__(self, services: Services, bot: Bot) -> None:
        self.services = services
        self.bot = bot
        settings = services.settings
        self.batch_size = settings.reminder_batch_size
        self.lease = timedelta(seconds=settings.reminder_lease_seconds)
        self.send_timeout = settings.reminder_send_timeout
        # A tick stops claiming after one interval, so a backlog never holds the job for
        # minutes on end; the next tick carries on where this one stopped.
        self.tick_budget = timedelta(seconds=settings.reminder_tick_seconds)
        # The job and the demo's /time may both call in; one tick at a time per process.
        self._lock = asyncio.Lock()
        self._sends = asyncio.Semaphore(CONCURRENT_SENDS)
        # Evenly spaced rather than 30 at once and then a wait: the limiter would allow the
        # burst, but spread out the round trips stay short and the limiter rarely waits.
        self._pace = EvenPace(settings.reminder_sends_per_second)

    async def dispatch_due(self) -> TickReport:
        """Send every reminder due now (up to the tick budget); return what happened.

        Batches overlap: while one batch is being sent, the one before is recorded and the
        next is claimed and composed, so the database work never leaves Telegram's budget
        idle. Leases keep the claimed rows out of other claims until they are recorded.
        """
        report = TickReport()
        async with self._lock:
            clock = self.services.clock
            started = clock.now()
            prepared = await self._prepare(report)
            sent: tuple[Batch, list[Result]] | None = None  # sent, not yet recorded
            try:
                while prepared is not None:
                    batch, composed = prepared
                    sending = asyncio.ensure_future(
                        asyncio.gather(*(self._send(due, what) for due, what in composed))
                    )
                    try:
                        if sent is not None:  # the last batch's record, while this one goes
                            recording, sent = sent, None
                            if recording[1]:
                                await self._record(*recording, report)
                        more = batch.scanned >= self.batch_size
                        within = clock.now() - started <= self.tick_budget
                        prepared = await self._prepare(report) if more and within else None
                    finally:
                        # Whatever happened meanwhile, what was sent gets recorded.
                        sent = (batch, list(await sending))
            finally:
                if sent is not None and sent[1]:
                    await self._record(*sent, report)
        return report

    async def _prepare(self, report: TickReport) -> tuple[Batch, list[Composed]] | None:
        """Claim a batch and compose its messages; None when nothing was due."""
        services = self.services
        async with services.sessions.begin() as session:
            batch = await engine.claim(
                session,
                services.clock.now(),
                default_tz=services.settings.default_timezone,
                limit=self.batch_size,
                lease=self.lease,
            )
        report.add(
            TickReport(
                deferred=batch.deferred, skipped=batch.skipped, paused=batch.paused, batches=1
            )
        )
        if not batch.scanned:
            return None
        now = services.clock.now()
        composed: list[Composed] = []
        async with services.sessions() as session:  # one read session for the batch
            for due in batch.due:
                try:
                    what = await KINDS[due.kind].compose(session, services.catalog, due, now)
                except Exception as error:
                    log.exception(
                        "Reminder %s (%s) could not be composed", due.reminder_id, due.kind
                    )
                    what = error
                composed.append((due, what))
        return batch, composed

    async def _record(self, batch: Batch, results: list[Result], report: TickReport) -> None:
        services = self.services
        async with services.sessions.begin() as session:
            await engine.record(session, services.clock.now(), batch, results)
        for result in results:
            _count(report, result.outcome)

    async def _send(self, due: Due, what: Outgoing | BaseException | None) -> Result:
        """Send one message and classify what Telegram (after the limiter's retries) said."""
        if isinstance(what, BaseException):
            return Result(due, Outcome.FAILED)
        if what is None:
            return Result(due, Outcome.EMPTY)
        try:
            async with self._sends:
                await self._pace.wait()
                await self.bot.send_message(
                    due.user_id,
                    what.text,
                    reply_markup=keyboard(due, what),
                    read_timeout=self.send_timeout,
                )
        except TelegramError as error:
            outcome, retry_after = classify(error)
            if outcome is Outcome.REJECTED:
                log.error(
                    "Reminder %s refused by Telegram, not retried: %s", due.reminder_id, error
                )
            elif outcome is not Outcome.BLOCKED:
                log.warning("Reminder %s not sent (%s); will retry", due.reminder_id, error)
            return Result(due, outcome, retry_after)
        except Exception:
            log.exception("Reminder %s failed to send", due.reminder_id)
            return Result(due, Outcome.FAILED)
        return Result(due, Outcome.SENT)


def _count(report: TickReport, outcome: Outcome) -> None:
    name = {
        Outcome.SENT: "sent",
        Outcome.EMPTY: "empty",
        Outcome.REJECTED: "rejected",
        Outcome.BLOCKED: "blocked",
        Outcome.TRANSIENT: "retrying",
        Outcome.FAILED: "failed",
    }[outcome]
    setattr(report, name, getattr(report, name) + 1)


def dispatcher_of(application: Application) -> ReminderDispatcher:  # type: ignore[type-arg]
    return application.reminder_dispatcher  # type: ignore[attr-defined, no-any-return]


async def dispatch_due(application: Application) -> TickReport:  # type: ignore[type-arg]
    """Run the dispatcher now (the demo's /time, tests) instead of waiting for the job."""
    return await dispatcher_of(application).dispatch_due()


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await dispatch_due(context.application)


def install(application: Application, services: Services) -> ReminderDispatcher:  # type: ignore[type-arg]
    """Create the dispatcher and schedule it on PTB's JobQueue (APScheduler)."""
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    dispatcher = ReminderDispatcher(services, application.bot)
    application.reminder_dispatcher = dispatcher  # type: ignore[attr-defined]
    interval = services.settings.reminder_tick_seconds
    application.job_queue.run_repeating(
        _tick,
        interval=interval,
        first=interval,
        name=JOB_NAME,
        # A tick may outlast its interval by the batch in flight; the next one then waits
        # on the dispatcher's lock instead of being skipped with a warning.
        job_kwargs={"max_instances": 2, "coalesce": True},
    )
    return dispatcher
