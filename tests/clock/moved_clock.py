"""The moved clock of the date guard: NETDESK_TEST_CLOCK="2028-02-29T23:30:00+00:00".

Tests must pass at any date and time; the guard in .ci/run reruns the suite at awkward
instants (a leap day late in the evening, New Year's Eve, a DST change night). A value
without an offset is a wall-clock time in the local zone (TZ).
"""

import os
from datetime import datetime

VARIABLE = "NETDESK_TEST_CLOCK"

# Tests the guard leaves out: they neither read the clock nor compare dates (the import
# layering, pictures and OCR, hostile parser input, killed and concurrent processes), and
# they are the slowest part of the suite, so the guard stays within CI's time.
CLOCK_FREE = (
    "tests/architecture/",
    "tests/capture/",
    "tests/importing/test_hostile_files.py",
    "tests/importing/test_card_prescan.py",
    "tests/data/test_crash_safety.py",
    "tests/data/test_concurrency.py",
    "tests/models/test_db_location.py",
)


def moved_instant() -> datetime | None:
    """The instant NETDESK_TEST_CLOCK names, aware; None when the clock is not moved."""
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"{VARIABLE}={value!r} is not an ISO date-time") from None
    return instant if instant.tzinfo else instant.astimezone()


def start_moved_clock():
    """Travel to the moved instant (the clock keeps ticking); the traveller, or None."""
    instant = moved_instant()
    if instant is None:
        return None
    import time_machine

    traveller = time_machine.travel(instant, tick=True)
    traveller.start()
    return traveller
