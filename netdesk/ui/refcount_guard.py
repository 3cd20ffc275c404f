"""Work around PySide6 6.12 on Python 3.11 dropping references to None, True and False.

PySide6 6.12 returns these singletons without taking a reference, as if they were
immortal (they are from Python 3.12 on). On 3.11 every such return, e.g. each call of
a C++ method returning void, ``Signal.emit()``, or a Python slot run by Qt, takes one
reference away. After a few thousand the interpreter aborts with "deallocating None".
Giving the three singletons a huge reference count makes them immortal in practice, as
3.12 does. Nothing changes on Python 3.12+.
"""

import ctypes
import sys

_HEADROOM = 1 << 40


def make_singletons_immortal() -> None:
    if sys.version_info >= (3, 12):
        return
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
