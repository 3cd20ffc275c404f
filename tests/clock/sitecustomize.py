"""Moves the clock of a subprocess that a test starts, like the test's own (tests only).

tests/conftest.py puts this directory first on PYTHONPATH only when NETDESK_TEST_CLOCK is
set, so ``python -m netdesk`` run by a CLI test sees the same moved "now" as the test.
"""

from moved_clock import start_moved_clock

start_moved_clock()
