"""Citizens' feedback and handoff records move into the admin database (they lived in a
separate SQLite file, records.sqlite3, migrated once at start by citizen_records.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("document_id", sa.String(80), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])
    op.create_index("ix_feedback_document_id", "feedback", ["document_id"])
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=False),
    )
    op.create_index("ix_handoffs_created_at", "handoffs", ["created_at"])


def downgrade() -> None:
    op.drop_table("handoffs")
    op.drop_table("feedback")
