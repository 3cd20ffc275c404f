"""Careers that move: a new title or organization for a known contact.

Owns telling a move from a correction or a second appointment, and recording it: the
old position kept as a past affiliation (ended on the user's day), a career milestone
on the timeline and a "Congratulate" follow-up, and the way back (undo of an import).
May import: netdesk.models, the shared service helpers, contacts, history and calendar.
Never Qt.
"""
