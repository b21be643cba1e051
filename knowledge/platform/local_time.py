"""Vietnam's time, in which staff read every time: UTC+7 all year (no daylight saving), so a
fixed offset is exact and needs no time-zone database on the machine."""

import datetime as dt

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def in_vietnam(moment: dt.datetime) -> dt.datetime:
    """An aware time (naive ones are UTC, as the database stores them) in Vietnam's time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(VIETNAM)


def vietnam_text(moment: dt.datetime | None, seconds: bool = False) -> str:
    """ "02/12/2026 09:05" in Vietnam's time; empty for no time."""
    if moment is None:
        return ""
    return in_vietnam(moment).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")
