"""When a person can answer: the deployment's working hours and public holidays, in Vietnam's
time, and how to tell a citizen honestly when someone will read the message.

Vietnam's public holidays, the lunar ones (Tết, the Hùng Kings' day) and the announced
substitute days included, come from the `holidays` library; a deployment adds its own days
off (a province's extra day, a substitute day announced after the library's release).
"""

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass, field

import holidays

from knowledge.config import Settings
from knowledge.platform.local_time import VIETNAM, in_vietnam

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
LOOKAHEAD_DAYS = 60  # a long holiday list still ends somewhere


def _clock(text: str) -> dt.time:
    """ "HH:MM"; "24:00" is the end of the day."""
    hours, minutes = text.split(":")
    return dt.time.max if (hours, minutes) == ("24", "00") else dt.time(int(hours), int(minutes))


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[int]
    periods: tuple[tuple[dt.time, dt.time], ...]
    holidays: frozenset[dt.date]  # the deployment's own days off
    # A country's public holidays (any year, computed when asked), or none.
    national: Container[dt.date] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, settings: Settings) -> "OfficeHours":
        periods = tuple(
            sorted((_clock(start), _clock(end)) for start, end in settings.office_periods)
        )
        if any(start >= end for start, end in periods):
            raise ValueError(
                f"office_periods must each start before they end: {settings.office_periods}"
            )
        national = (
            holidays.country_holidays(settings.holiday_country)
            if settings.holiday_country
            else frozenset()
        )
        return cls(
            frozenset(settings.office_days), periods, frozenset(settings.public_holidays), national
        )

    def _working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.days and day not in self.holidays and day not in self.national

    def is_open(self, moment: dt.datetime) -> bool:
        local = in_vietnam(moment)
        return self._working_day(local.date()) and any(
            s <= local.time() < e or local.time() == e == dt.time.max for s, e in self.periods
        )

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """The next start of a working period after `moment` (Vietnam time); None if none is
        configured within LOOKAHEAD_DAYS."""
        local = in_vietnam(moment)
        for offset in range(LOOKAHEAD_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            if not self._working_day(day):
                continue
            for start, _ in self.periods:
                opening = dt.datetime.combine(day, start, VIETNAM)
                if opening > local:
                    return opening
        return None

    def describe(self) -> str:
        """ "thứ Hai đến thứ Sáu, 07:30–11:30 và 13:30–17:00, trừ ngày lễ"."""
        days = sorted(self.days)
        if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            day_text = f"{WEEKDAYS[days[0]]} đến {WEEKDAYS[days[-1]]}"
        else:
            day_text = ", ".join(WEEKDAYS[d] for d in days)
        hours = " và ".join(
            f"{s:%H:%M}–{'24:00' if e == dt.time.max else f'{e:%H:%M}'}" for s, e in self.periods
        )
        return f"{day_text}, {hours}, trừ ngày lễ"


def opening_text(opening: dt.datetime | None) -> str:
    """When someone will read a question, as the citizen is told: "từ 07:30 thứ Năm, 03/12/2026",
    or, in office hours with nobody online (or nothing configured), "ngay khi có cán bộ trực"."""
    if opening is None:
        return "ngay khi có cán bộ trực"
    local = in_vietnam(opening)
    return f"từ {local:%H:%M} {WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}"
