"""The admin database: SQLite in WAL mode by default, PostgreSQL when a URL is configured.

Writes on SQLite start with BEGIN IMMEDIATE: a write transaction takes the lock before it
reads, so two editors never deadlock on a read-then-write upgrade; readers are not blocked
(WAL). Migrations run with Alembic, at service start and from `kb migrate`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import CursorResult, Engine, Executable, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from knowledge.config import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_MS = 10_000  # how long a staff transaction waits for a lock held by another writer
# A citizen's record is written while the bot waits for the answer (ACTIONS_KNOWLEDGE_TIMEOUT
# _SECONDS, 5 s): give up well before, so that the bot never says "not saved" about a
# record that is saved a moment later.
QUICK_BUSY_MS = 2_000


def database_url(settings: Settings) -> str:
    if settings.admin_database_url:
        return settings.admin_database_url
    assert settings.admin_db is not None  # filled in by Settings
    return f"sqlite:///{settings.admin_db}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged write survives power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        connection.exec_driver_sql(
            f"PRAGMA busy_timeout={int(options.get('sqlite_busy_ms', BUSY_MS))}"
        )
        connection.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")


def create_database_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """Engine plus short read and write transactions; one per process."""

    def __init__(self, url: str) -> None:
        self.engine = create_database_engine(url)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._writes = sessionmaker(writer, expire_on_commit=False)
        quick = self.engine.execution_options(
            sqlite_begin="IMMEDIATE", sqlite_busy_ms=QUICK_BUSY_MS
        )
        self._quick_writes = sessionmaker(quick, expire_on_commit=False)

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> "Database":
        database = cls(database_url(settings))
        if migrate:
            upgrade(database.engine)
        return database

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reads() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Commits when the block ends, rolls everything back if it raises."""
        with self._writes() as session, session.begin():
            yield session

    @contextmanager
    def quick_write(self) -> Iterator[Session]:
        """A write for a caller who is waiting (a citizen's record): fails fast when locked."""
        with self._quick_writes() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def rows_changed(session: Session, statement: Executable) -> int:
    """How many rows an UPDATE or DELETE changed (its result is a cursor result)."""
    result = session.execute(statement)
    return cast(CursorResult[Any], result).rowcount
