"""The user's own name, used to sign the suggested messages that leave netdesk.

"Your name" in Settings wins; while it is empty, the operating system account's
full name is used (the GECOS field on Linux and macOS, the display name on
Windows), so a calendar event never says "Best regards, {my_name}". Nothing here
touches the network.
"""

import getpass
import os
import sys

from netdesk.models import get_setting

SETTING = "my_name"


def name_from_gecos(gecos: str, login: str) -> str:
    """The full name in a passwd GECOS field ("Ana Silva,Room 4,,"), or "" if there is none.

    System accounts often carry their login name there ("root"): that is not a name.
    """
    name = gecos.split(",", 1)[0].strip()
    if "&" in name:  # BSD shorthand for the capitalised login name
        name = name.replace("&", login.capitalize())
    return "" if name.casefold() == login.casefold() else name


def _windows_display_name() -> str:
    import ctypes

    name_display = 3  # EXTENDED_NAME_FORMAT.NameDisplay
    size = ctypes.c_ulong(0)
    secur32 = ctypes.windll.secur32  # type: ignore[attr-defined]
    secur32.GetUserNameExW(name_display, None, ctypes.byref(size))
    if not size.value:
        return ""
    buffer = ctypes.create_unicode_buffer(size.value)
    if not secur32.GetUserNameExW(name_display, buffer, ctypes.byref(size)):
        return ""
    return buffer.value.strip()


def os_full_name() -> str:
    """The account's full name from the operating system, or "" when it has none."""
    try:
        if sys.platform == "win32":
            return _windows_display_name()
        import pwd

        entry = pwd.getpwuid(os.getuid())
        return name_from_gecos(entry.pw_gecos or "", entry.pw_name or getpass.getuser())
    except Exception:  # no passwd entry (containers), no secur32: simply no name
        return ""


def my_name() -> str:
    """The name that signs outgoing text: the setting, else the OS account's full name."""
    return str(get_setting(SETTING, "") or "").strip() or os_full_name()
