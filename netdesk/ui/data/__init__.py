"""File > Backup now… and Restore from backup…: looking after the database file.

May import netdesk.ui.common, services and models.
"""
