"""Building blocks every page and dialog uses: workers, undo, pages, messages, buttons.

Includes the patient-data prompt editors show before saving. May import netdesk.services
and netdesk.models, and nothing else from netdesk.ui.
"""
