"""Importing and exporting contacts: files in, drafts, duplicates, one undoable batch, vCards out.

Owns opening user files safely (size, encoding), vCard 2.1/3.0/4.0 and CSV parsing into
ContactDraft objects, duplicate matching, the import plan and its all-or-nothing commit and
undo, and vCard export.
May import: netdesk.models, the shared service helpers, netdesk.services.data, contacts,
history and calendar. Never Qt.
"""
