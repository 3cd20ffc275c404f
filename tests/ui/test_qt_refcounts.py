"""Guard against the PySide6 build that leaks references to None/True/False.

PySide6 6.12.0 on Python 3.11 takes one reference from None (and the booleans) on
every signal emission; a long session then aborts with "deallocating None". The
dependency pins in pyproject.toml keep us off that build; this test fails loudly
if one comes back.
"""

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    fired = Signal(int)

app = QCoreApplication([])
emitter = Emitter()
emitter.fired.connect(lambda value: None)
before = sys.getrefcount(None), sys.getrefcount(True)
for i in range(20000):
    emitter.fired.emit(i)
after = sys.getrefcount(None), sys.getrefcount(True)
print(after[0] - before[0], after[1] - before[1])
"""


def test_signal_emission_does_not_leak_singleton_references(cli_env):
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=cli_env, timeout=120
    )
    assert out.returncode == 0, out.stderr[-500:]
    none_delta, true_delta = map(int, out.stdout.split())
    assert abs(none_delta) < 100 and abs(true_delta) < 100
