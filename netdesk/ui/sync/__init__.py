"""Sync windows: Settings › Contacts sync (CardDAV) and the timer that syncs in the
background. They call netdesk.services.sync on workers and never talk to a server
themselves."""
