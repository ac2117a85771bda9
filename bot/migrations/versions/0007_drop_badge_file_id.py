"""earned_credentials.badge_file_id goes: a badge's uploaded card lives on its badge

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("earned_credentials") as batch:
        batch.drop_column("badge_file_id")


def downgrade() -> None:
    with op.batch_alter_table("earned_credentials") as batch:
        batch.add_column(sa.Column("badge_file_id", sa.String(length=200), nullable=True))
