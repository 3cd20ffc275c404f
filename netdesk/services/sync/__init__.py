"""Calendar and contact sync: the DAV client layer, CardDAV address books and the
calendar providers.

This package owns everything that keeps netdesk's data in step with a server:
``dav`` (WebDAV/CardDAV requests on the ``caldav`` package's DAVClient: discovery,
sync-collection, multiget, conditional PUT and DELETE, errors a user can act on),
``carddav`` (two-way contact sync with per-contact state) and ``card_merge``
(content hashes and the three-way merge of one card). It imports models and
services, never Qt; the GUI and the CLI call it.
"""
