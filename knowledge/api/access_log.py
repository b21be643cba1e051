"""The service's access log names the path only, never the query string.

Query strings carry what people typed (a search, a filter, once a citizen's question with an
ID number in it), and an access log is kept longer and read more widely than the records
those texts are masked in. uvicorn writes the path with its query string; this filter cuts
it from every access line (and from uvicorn's WebSocket lines) before any handler sees it.
"""

import logging

UVICORN_LOGGERS = ("uvicorn.access", "uvicorn.error")


def path_only(value: object) -> object:
    """A path without its query ('/admin/try?q=…' → '/admin/try'); anything else as it is."""
    if isinstance(value, str) and value.startswith("/"):
        return value.split("?", 1)[0]
    return value


class PathOnlyFilter(logging.Filter):
    """Rewrites the record's arguments (uvicorn logs the path as one of them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(path_only(arg) for arg in record.args)
        return True


def strip_query_strings(names: tuple[str, ...] = UVICORN_LOGGERS) -> None:
    """Install the filter on uvicorn's loggers (once per process)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PathOnlyFilter) for f in logger.filters):
            logger.addFilter(PathOnlyFilter())
