"""Database: typed models, the async engine and Alembic migrations."""
