"""IANA time zone names as the Windows names Microsoft Graph expects.

Graph accepts Windows zone names ("Eastern Standard Time") everywhere and IANA
names only in some places, so events are sent with the Windows name. The table is
CLDR's windowsZones mapping as shipped by tzlocal (``tzlocal.windows_tz``).
"""

from netdesk.errors import InputError


def windows_zone(iana: str) -> str:
    """ "America/New_York" -> "Eastern Standard Time" (CLDR also lists the old links)."""
    from tzlocal.windows_tz import tz_win

    if iana in ("", "UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return "UTC"
    name = tz_win.get(iana)
    if not name:
        raise InputError(
            f"Time zone {iana!r} has no Windows equivalent that Outlook knows; "
            "reschedule the follow-up in a zone like America/New_York."
        )
    return name
