"""Toolbox, the career-advisor bot."""

import os

# PTB 22 is moving time periods from int seconds to timedelta and warns on every read of
# the old form, including inside `RetryAfter.__init__` on each 429. The documented opt-in
# makes the public attributes timedeltas now; we read only `RetryAfter.retry_after` of
# them (bot/ratelimit.py: retry_after_seconds), which handles both forms.
os.environ.setdefault("PTB_TIMEDELTA", "true")
