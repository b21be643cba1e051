"""Turns are stored with their status in the response contract's one vocabulary
(shared/contract.py), no longer with the widget's payload type; the column widens for
"no_verified_content".

Stored turns are renamed by what their old type can tell: a "fallback" was any of
not_found, out_of_scope, rejected and unavailable, and becomes not_found (the most common);
a "smalltalk" may have been a stored rating and stays smalltalk; an "answer" that said "no
verified content" cannot be told apart and stays answered. The downgrade maps each status back
to its type.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen here, as the migration must stay what it was when the vocabulary changes again.
STATUS_OF_OLD_TYPE = {
    "answer": "answered",
    "clarify": "clarified",
    "fallback": "not_found",
    "handoff": "handed_over",
    "smalltalk": "smalltalk",
    "warning": "warning",
    "form": "form",
}
TYPE_OF_STATUS = {
    "answered": "answer",
    "no_verified_content": "answer",
    "clarified": "clarify",
    "not_found": "fallback",
    "out_of_scope": "fallback",
    "rejected": "fallback",
    "unavailable": "fallback",
    "handed_over": "handoff",
    "warning": "warning",
    "smalltalk": "smalltalk",
    "form": "form",
    "feedback_saved": "smalltalk",
}

turns = sa.table("turns", sa.column("status", sa.String))


def _rename(names: dict[str, str]) -> None:
    renamed = {old: new for old, new in names.items() if old != new}
    new_status = sa.case(renamed, value=turns.c.status)
    op.execute(turns.update().where(turns.c.status.in_(renamed)).values(status=new_status))


def upgrade() -> None:
    with op.batch_alter_table("turns") as table:
        table.alter_column(
            "status", type_=sa.String(32), existing_type=sa.String(16), existing_nullable=False
        )
    _rename(STATUS_OF_OLD_TYPE)


def downgrade() -> None:
    _rename(TYPE_OF_STATUS)
    with op.batch_alter_table("turns") as table:
        table.alter_column(
            "status", type_=sa.String(16), existing_type=sa.String(32), existing_nullable=False
        )
