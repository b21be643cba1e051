"""Live handoff (where a request stands, its messages, who of the staff is online) and the
status of every bot turn for the dashboard.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime()


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as table:
        # Requests recorded before this release were never on a desk: they count as closed.
        table.add_column(
            sa.Column("status", sa.String(16), nullable=False, server_default="closed")
        )
        table.add_column(sa.Column("live", sa.Boolean(), nullable=False, server_default=sa.false()))
        table.add_column(sa.Column("last_document_id", sa.String(80), nullable=True))
        table.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
        table.add_column(sa.Column("staff_name", sa.String(64), nullable=True))
        table.add_column(sa.Column("claimed_at", UTC_DATETIME, nullable=True))
        table.add_column(sa.Column("closed_at", UTC_DATETIME, nullable=True))
        table.add_column(sa.Column("citizen_seen_at", UTC_DATETIME, nullable=True))
        table.add_column(
            sa.Column("citizen_present", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        table.add_column(sa.Column("helpful", sa.Boolean(), nullable=True))
        table.create_index("ix_handoffs_status", ["status"])
        table.create_index("ix_handoffs_conversation_id", ["conversation_id"])
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "handoff_id",
            sa.Integer(),
            sa.ForeignKey("handoffs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("staff_name", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_handoff_messages_handoff_id", "handoff_messages", ["handoff_id"])
    op.create_table(
        "staff_presence",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("seen_at", UTC_DATETIME, nullable=False),
        sa.Column("display_name", sa.String(64), nullable=True),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document_id", sa.String(80), nullable=True),
    )
    op.create_index("ix_turns_created_at", "turns", ["created_at"])
    op.create_index("ix_turns_conversation_id", "turns", ["conversation_id"])


def downgrade() -> None:
    op.drop_table("turns")
    op.drop_table("staff_presence")
    op.drop_table("handoff_messages")
    with op.batch_alter_table("handoffs") as table:
        table.drop_index("ix_handoffs_conversation_id")
        table.drop_index("ix_handoffs_status")
        for column in (
            "helpful",
            "citizen_present",
            "citizen_seen_at",
            "closed_at",
            "claimed_at",
            "staff_name",
            "claimed_by",
            "last_document_id",
            "live",
            "status",
        ):
            table.drop_column(column)
