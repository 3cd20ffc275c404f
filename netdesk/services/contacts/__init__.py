"""Contacts: creating, editing, searching, normalising and describing people.

Owns the contact record and its parts (methods, addresses, tags, photo), the editor's
whole-record saves with undo, type-ahead search and filters, normalised forms that
duplicates are matched on, and healthcare credentials read from names and titles.
May import: netdesk.models, netdesk.errors, the shared service helpers
(netdesk.services.progress, lookup, limits) and netdesk.services.data. Never Qt.
"""
