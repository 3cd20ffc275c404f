"""VTIMEZONE blocks: RRULE form for regular zones (Outlook ignores RDATE), checked against zoneinfo."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from netdesk.services.calendar.vtimezone import timezone_component, transitions

ZONES = ("America/New_York", "Europe/Berlin", "Australia/Sydney", "Europe/London",
         "America/Santiago", "Asia/Tokyo", "Africa/Casablanca")  # fmt: skip


@pytest.mark.parametrize("tzid", ZONES)
def test_component_agrees_with_zoneinfo_every_six_hours(tzid):
    """Parse our VTIMEZONE back into a tzinfo and compare it with the IANA zone."""
    text = timezone_component(tzid, 2026, 2027).to_ical().decode()
    # renamed, so icalendar must build the zone from our blocks, not look the name up
    renamed = text.replace(f"TZID:{tzid}", f"TZID:netdesk-test/{tzid}")
    ours, real = Timezone.from_ical(renamed).to_tz(), ZoneInfo(tzid)
    moment = datetime(2026, 1, 1, 0, 0)
    while moment.year < 2028:
        utc = moment.replace(tzinfo=real).astimezone(ZoneInfo("UTC"))
        expected = utc.astimezone(real).utcoffset()
        got = utc.astimezone(ours).utcoffset()
        assert got == expected, (tzid, moment)
        moment += timedelta(hours=6)


def test_regular_zones_use_rrule_not_rdate():
    ny = timezone_component("America/New_York", 2026, 2026).to_ical().decode()
    assert "RDATE" not in ny
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in ny
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in ny
    berlin = timezone_component("Europe/Berlin", 2026, 2026).to_ical().decode()
    assert "BYDAY=-1SU;BYMONTH=3" in berlin and "BYDAY=-1SU;BYMONTH=10" in berlin
    assert "TZOFFSETTO:+0200" in berlin and "TZNAME:CEST" in berlin


def test_zone_without_dst_has_one_standard_block():
    tokyo = timezone_component("Asia/Tokyo", 2026, 2026)
    assert [s.name for s in tokyo.subcomponents] == ["STANDARD"]
    assert tokyo.subcomponents[0]["tzoffsetto"].td == timedelta(hours=9)


def test_transitions_found_to_the_minute():
    spring, autumn = transitions(ZoneInfo("America/New_York"), 2026)
    assert spring.wall == datetime(2026, 3, 8, 2, 0)
    assert autumn.wall == datetime(2026, 11, 1, 2, 0)
    assert (spring.offset_from, spring.offset_to) == (timedelta(hours=-5), timedelta(hours=-4))
