"""The Vietnam calendar day of a stored time, computed by the database (SQLite or PostgreSQL).

Times are stored as naive UTC; grouping them by Vietnam day in SQL keeps a year of turns
from being loaded into Python just to be counted. Vietnam has no daylight saving, so adding
the fixed offset is exact.
"""

import datetime as dt
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Date

from knowledge.platform.local_time import VIETNAM

OFFSET_HOURS = int(VIETNAM.utcoffset(None).total_seconds()) // 3600


class vietnam_date(FunctionElement[dt.date]):
    """`vietnam_date(column)`: the column's UTC time as a Vietnam day (a `date` in Python,
    whichever database: SQLite's 'YYYY-MM-DD' text is parsed by the Date type)."""

    type = Date()
    inherit_cache = True
    name = "vietnam_date"


@compiles(vietnam_date)
def _sqlite(element: vietnam_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+{OFFSET_HOURS} hours')"


@compiles(vietnam_date, "postgresql")
def _postgresql(element: vietnam_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '{OFFSET_HOURS} hours') AS DATE)"
