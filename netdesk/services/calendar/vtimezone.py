"""VTIMEZONE components that Outlook reads correctly.

icalendar's ``Timezone.from_tzid`` lists each transition as an RDATE. Outlook
desktop ignores RDATEs in a VTIMEZONE and then shifts summer-time events by an
hour (see docs/calendar.md). So for zones with a regular yearly rule (the US,
the EU and nearly every zone with DST) we write the rule itself as an RRULE
("second Sunday of March"), checked against zoneinfo for every year the export
covers; zones without DST get one STANDARD block; irregular zones (Morocco)
get one observance per change.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    wall: datetime  # local wall-clock time of the change, in the offset before it (naive)
    offset_from: timedelta
    offset_to: timedelta
    name: str  # TZNAME after the change


def transitions(zone: ZoneInfo, year: int) -> list[Transition]:
    """Every offset change in ``year``, to the minute."""
    found = []
    start = datetime(year, 1, 1, tzinfo=UTC)
    before = start.astimezone(zone).utcoffset()
    for day in range(1, 367):
        probe = start + timedelta(days=day)
        after = probe.astimezone(zone).utcoffset()
        if after != before:
            lo, hi = probe - timedelta(days=1), probe
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == before:
                    lo = mid
                else:
                    hi = mid
            wall = (hi + before).replace(tzinfo=None, second=0, microsecond=0)
            if wall.year == year:
                found.append(Transition(wall, before, after, hi.astimezone(zone).tzname() or ""))
            before = after
    return found


def _byday(day: date) -> str:
    """ "2SU" (second Sunday) or "-1SU" (last Sunday) for ``day``."""
    last = day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    nth = -1 if last else (day.day - 1) // 7 + 1
    return f"{nth}{_DAYS[day.weekday()]}"


def _rule_date(year: int, month: int, byday: str) -> date:
    nth, weekday = int(byday[:-2]), _DAYS.index(byday[-2:])
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month]
    matching = [d for d in days if d.weekday() == weekday]
    return matching[nth - 1] if nth > 0 else matching[nth]


def _observance(t: Transition, byday: str | None):
    sub = TimezoneDaylight() if t.offset_to > t.offset_from else TimezoneStandard()
    sub.add("tzname", t.name)
    sub.add("dtstart", t.wall)
    if byday:
        sub.add("rrule", {"freq": "yearly", "bymonth": t.wall.month, "byday": byday})
    sub.add("tzoffsetfrom", t.offset_from)
    sub.add("tzoffsetto", t.offset_to)
    return sub


@lru_cache(maxsize=64)
def timezone_component(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` valid for events from ``first_year`` to ``last_year``."""
    zone = ZoneInfo(tzid)
    years = range(first_year - 1, last_year + 2)
    per_year = {y: transitions(zone, y) for y in years}
    tz = Timezone()
    tz.add("tzid", tzid)
    tz.add("x-lic-location", tzid)
    if not any(per_year.values()):
        moment = datetime(first_year, 1, 1, tzinfo=UTC).astimezone(zone)
        offset = moment.utcoffset()
        tz.add_component(
            _observance(Transition(datetime(1970, 1, 1), offset, offset, moment.tzname()), None)
        )
        return tz
    anchor = per_year[years[0]]
    if len(anchor) == 2 and all(len(per_year[y]) == 2 for y in years):
        rules = [_byday(t.wall.date()) for t in anchor]
        regular = all(
            (t.wall.date(), t.wall.time(), t.offset_from, t.offset_to)
            == (_rule_date(y, a.wall.month, rule), a.wall.time(), a.offset_from, a.offset_to)
            for y in years
            for t, a, rule in zip(per_year[y], anchor, rules, strict=True)
        )
        if regular:
            for t, rule in zip(anchor, rules, strict=True):
                tz.add_component(_observance(t, rule))
            return tz
    # Irregular (e.g. Ramadan-dependent) zones: the offset at the start, then one
    # observance per change. (icalendar's from_tzid drops some of these changes.)
    start = datetime(years[0], 1, 1, tzinfo=UTC).astimezone(zone)
    initial = Transition(
        datetime(years[0], 1, 1), start.utcoffset(), start.utcoffset(), start.tzname()
    )
    tz.add_component(_observance(initial, None))
    for y in years:
        for t in per_year[y]:
            tz.add_component(_observance(t, None))
    return tz
