"""Handoff requests remember whether their channel reports presence (REST does not, so its
requests are abandoned when the citizen stops writing) and a keyed hash of the citizen's
address (to cap the open requests of one address). The audit log no longer names a
handoff's conversation: the id is the citizen's session secret and staff read the log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HANDOFF_AUDIT_ACTIONS = ("handoff_claim", "handoff_close", "handoff_abandoned")


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as table:
        # Requests opened before this release keep the old rule (abandoned only when a widget left).
        table.add_column(
            sa.Column("has_presence", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        table.add_column(sa.Column("client_key", sa.String(64), nullable=True))
        table.create_index("ix_handoffs_client_key", ["client_key"])
    # Those entries' only detail was the conversation id; the target already names the handoff.
    audit = sa.table("audit_log", sa.column("action", sa.String), sa.column("detail", sa.Text))
    op.execute(audit.update().where(audit.c.action.in_(HANDOFF_AUDIT_ACTIONS)).values(detail=""))


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as table:
        table.drop_index("ix_handoffs_client_key")
        table.drop_column("client_key")
        table.drop_column("has_presence")
