"""Edit > Settings…: the settings dialog and its pages.

May import netdesk.ui.common, services and models.
"""
