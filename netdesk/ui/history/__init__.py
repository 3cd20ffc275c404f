"""Timeline, history dialogs, the Events and Insights pages.

May import netdesk.ui.common, services and models.
"""
