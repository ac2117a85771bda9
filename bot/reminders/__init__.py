"""Reminders: the kinds (what each says and when it recurs), the engine (claiming due rows
from the database with a lease) and the dispatcher (the JobQueue job that sends them).

The database is the only source of truth; nothing is scheduled in memory per reminder.
"""
