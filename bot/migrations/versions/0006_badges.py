"""badges: one per earned credential, with a verification code and the card's file_id

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "badges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("earned_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("evidence_file_id", sa.String(length=200), nullable=True),
        sa.Column("evidence_kind", sa.String(length=16), nullable=True),
        sa.Column("card_hash", sa.String(length=64), nullable=True),
        sa.Column("card_file_id", sa.String(length=200), nullable=True),
        sa.Column("congratulated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["earned_id"],
            ["earned_credentials.id"],
            name=op.f("fk_badges_earned_id_earned_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badges")),
        sa.UniqueConstraint("code", name=op.f("uq_badges_code")),
        sa.UniqueConstraint("earned_id", name=op.f("uq_badges_earned_id")),
    )


def downgrade() -> None:
    op.drop_table("badges")
