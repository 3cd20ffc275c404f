"""The Contacts page: the lazily fetched list, the editor and its undoable commands.

May import netdesk.ui.common and netdesk.ui.history (the timeline tab), services and models.
"""
