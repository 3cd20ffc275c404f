"""Sync in the window: Settings › Calendars, Contacts sync (CardDAV) and their timers.

Owns the Qt side of ``netdesk.services.sync``: it calls those services on workers
(``netdesk.ui.common.workers.run_task``), shows their results and asks the user where
a sync needs a decision (the first sync's plan, conflicts); no sync logic lives here and
nothing here talks to a server itself. May import netdesk.ui.common, services and models.
"""
