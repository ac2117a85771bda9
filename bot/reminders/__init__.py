"""Reminders: one module per kind under `kinds/`; the database says what is due."""
