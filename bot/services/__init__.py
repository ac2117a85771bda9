"""Plain async services: a session, a clock and plain values in, plain values out.

Nothing here imports `telegram`; handlers translate Telegram updates into these calls.
"""
