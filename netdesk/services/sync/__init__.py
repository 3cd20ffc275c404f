"""Sync with servers the user configured: follow-ups to calendars, contacts with address books.

Owns the one calendar sync engine (``engine``) and its providers (``caldav_provider``,
``graph``, ``google``) with sign-in and keyring token caches (``tokens``), account settings
(``accounts``) and IANA -> Windows zone names (``windows_zones``); the DAV client layer on
the ``caldav`` package's DAVClient (``dav``: discovery, sync-collection, multiget,
conditional PUT and DELETE, errors a user can act on), shared by CalDAV and CardDAV; and
two-way CardDAV contact sync (``carddav``, with ``card_merge`` for hashes and the
three-way merge of one card). May import every other service package and netdesk.models,
never Qt; client libraries load only when their provider is used. Nothing here runs unless
the user configured a server.
"""
