"""The SQLite tracker store in write-ahead-log mode with normal syncing.

Rasa opens its SQLite tracker file with SQLite's defaults: a rollback journal and a full
sync on every commit, one per turn, which was an eighth of the Rasa process's CPU in a
turn under load (py-spy, docs/adr/0007-fair-admission-of-turns.md). With WAL and
synchronous=NORMAL a commit survives the process crashing (not a power cut in its last
instant), readers never block the writer, and the knowledge service's retention job can
read the file while Rasa writes. PostgreSQL trackers (the cluster) are untouched.
"""

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def _tune(dbapi_connection: Any, _: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def install() -> None:
    if not event.contains(Engine, "connect", _tune):
        event.listen(Engine, "connect", _tune)
