"""Import (choose, map columns, review, commit), the Imports page and vCard export.

May import netdesk.ui.common, services and models.
"""
