"""Calendar sync: follow-ups pushed to CalDAV, Microsoft Graph and Google Calendar.

This package owns the one sync engine (``engine``), the providers behind it
(``caldav_provider``, ``graph``, ``google``), sign-in and keyring token caches
(``tokens``), the account settings (``accounts``) and the IANA -> Windows zone
names Graph needs (``windows_zones``). It may import ``netdesk.models`` and other
``netdesk.services`` modules (follow-ups, ics, privacy, progress), never Qt; the
provider client libraries (caldav, msal, google-api-python-client) are imported
only when that provider is used, so start-up does not pay for them.
"""
