"""netdesk: a desktop contact and follow-up assistant for healthcare networking."""

__version__ = "0.1.0"
