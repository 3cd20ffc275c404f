"""Calendar sync in the window: Settings › Calendars and the automatic sync.

Owns the Qt side of ``netdesk.services.sync``: it calls those services on workers
(``netdesk.ui.common.workers.run_task``) and shows their results; no sync logic lives here.
"""
