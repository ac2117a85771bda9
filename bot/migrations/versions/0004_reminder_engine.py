"""reminder engine: one source of truth for time, leases and pauses

Reminders follow the user's current timezone (the copy on each reminder goes), the weekly
check-in lives only in its reminder's schedule (the profile's copy goes), the country is
the region's prefix; the dispatcher gets lease, attempt and pause columns.

Revision ID: 0004
Revises: 0001
Create Date: 2026-12-01 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A user whose only timezone was on a reminder keeps it, now on the user.
    op.execute(
        "UPDATE users SET timezone = (SELECT MIN(r.timezone) FROM reminders r "
        "WHERE r.user_id = users.id) WHERE timezone IS NULL"
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("timezone")
        batch_op.add_column(sa.Column("paused_by", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_column("country")
        batch_op.drop_column("checkin_weekday")
        batch_op.drop_column("checkin_time")


def downgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("checkin_weekday", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("country", sa.String(length=8), nullable=True))
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("paused_by")
        batch_op.add_column(
            sa.Column("timezone", sa.String(length=64), nullable=False, server_default="UTC")
        )
    op.execute(
        "UPDATE reminders SET timezone = COALESCE((SELECT u.timezone FROM users u "
        "WHERE u.id = reminders.user_id), 'UTC')"
    )
