"""Alembic environment: uses the caller's connection (service start, `kb migrate`) or the URL."""

from alembic import context
from sqlalchemy import create_engine

from knowledge.platform.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url") or "").connect() as fresh:
        _run(fresh)
