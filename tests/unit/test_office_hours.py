"""Office hours in Vietnam's time and the abandoned-request sweep, at fixed moments."""

import datetime as dt
from pathlib import Path

from knowledge.config import Settings
from knowledge.desk import live_handoff
from knowledge.desk.office_hours import OfficeHours, opening_text
from knowledge.platform.database import Database
from knowledge.platform.models import Handoff

UTC = dt.UTC
OFFICE = OfficeHours(
    frozenset({0, 1, 2, 3, 4}),
    ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0))),
    frozenset({dt.date(2027, 1, 1)}),
)


def test_open_and_closed_moments_are_read_in_vietnam_time() -> None:
    # Wednesday 02/12/2026: 09:00 in Vietnam is 02:00 UTC; 12:00 (lunch) is 05:00 UTC.
    assert OFFICE.is_open(dt.datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    assert not OFFICE.is_open(dt.datetime(2026, 12, 2, 5, 0, tzinfo=UTC))
    assert not OFFICE.is_open(dt.datetime(2026, 12, 5, 2, 0, tzinfo=UTC))  # Saturday
    assert not OFFICE.is_open(
        dt.datetime(2027, 1, 1, 2, 0, tzinfo=UTC)
    )  # a public holiday (Friday)


def test_the_next_opening_skips_lunch_weekends_and_holidays() -> None:
    lunch = OFFICE.next_opening(dt.datetime(2026, 12, 2, 5, 0, tzinfo=UTC))
    assert opening_text(lunch) == "từ 13:30 thứ Tư, 02/12/2026"
    friday_evening = OFFICE.next_opening(
        dt.datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    )  # 19:00 Friday
    assert opening_text(friday_evening) == "từ 07:30 thứ Hai, 07/12/2026"
    new_year = OFFICE.next_opening(dt.datetime(2026, 12, 31, 12, 0, tzinfo=UTC))  # Thursday evening
    assert opening_text(new_year) == "từ 07:30 thứ Hai, 04/01/2027"  # Friday 1/1 is a holiday


def test_vietnams_holidays_lunar_ones_included_close_the_office_with_the_deployments_own() -> None:
    office = OfficeHours.from_settings(Settings(public_holidays=(dt.date(2027, 2, 11),)))
    assert not office.is_open(dt.datetime(2027, 2, 8, 2, 0, tzinfo=UTC))  # Monday, mùng ba Tết
    assert not office.is_open(
        dt.datetime(2027, 4, 16, 2, 0, tzinfo=UTC)
    )  # Friday, Giỗ Tổ Hùng Vương
    assert not office.is_open(
        dt.datetime(2027, 2, 11, 2, 0, tzinfo=UTC)
    )  # Thursday, the deployment's own
    assert office.is_open(dt.datetime(2027, 2, 12, 2, 0, tzinfo=UTC))  # Friday after Tết
    after_tet = office.next_opening(dt.datetime(2027, 2, 3, 12, 0, tzinfo=UTC))  # Wednesday evening
    assert opening_text(after_tet) == "từ 07:30 thứ Sáu, 12/02/2027"
    no_country = OfficeHours.from_settings(Settings(holiday_country=""))
    assert no_country.is_open(dt.datetime(2027, 2, 8, 2, 0, tzinfo=UTC))


def test_the_deployment_settings_describe_themselves() -> None:
    office = OfficeHours.from_settings(Settings())
    assert office.describe() == "thứ Hai đến thứ Sáu, 07:30–11:30 và 13:30–17:00, trừ ngày lễ"
    assert (
        OfficeHours(frozenset(), (), frozenset()).next_opening(dt.datetime(2026, 12, 2, tzinfo=UTC))
        is None
    )
    whole_day = OfficeHours.from_settings(
        Settings(office_days=(0, 1, 2, 3, 4, 5, 6), office_periods=(("00:00", "24:00"),))
    )
    assert whole_day.is_open(
        dt.datetime(2026, 12, 2, 16, 59, 59, 999999, tzinfo=UTC)
    )  # 23:59:59.999999 in Vietnam
    assert whole_day.describe().startswith("thứ Hai đến Chủ nhật, 00:00–24:00")


def test_a_request_whose_citizen_left_longer_than_the_timeout_is_abandoned(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    db = Database.open(settings)
    start = dt.datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    with db.write() as session:
        opened = live_handoff.open_request(session, OFFICE, 60, "c1", "requested", [], None, start)
        kept = live_handoff.open_request(session, OFFICE, 60, "c2", "requested", [], None, start)
        live_handoff.citizen_presence(session, "c1", False, start)
        live_handoff.citizen_presence(session, "c2", False, start + dt.timedelta(minutes=8))
        assert live_handoff.sweep_abandoned(session, start + dt.timedelta(minutes=9), 10) == []
        gone = live_handoff.sweep_abandoned(session, start + dt.timedelta(minutes=11), 10)
        assert [h.id for h in gone] == [opened.id]
        assert session.get(Handoff, kept.id).status == "waiting"
    db.dispose()
