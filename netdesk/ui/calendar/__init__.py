"""Today, the Follow-ups page, the follow-up dialog and .ics export.

May import netdesk.ui.common and netdesk.ui.history (its dialogs), services and models.
"""
