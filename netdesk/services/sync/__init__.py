"""Sync with servers the user configured: follow-ups to calendars, contacts with address books.

Owns the network side: pushing follow-ups to CalDAV calendars (and, behind the same engine,
other calendar providers) and keeping contacts in step with CardDAV address books.
May import: every other service package and netdesk.models. Never Qt. Nothing here runs
unless the user configured a server.
"""
