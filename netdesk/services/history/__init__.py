"""History: what happened with a contact, where they were met, what the network looks like.

Owns interactions, milestones and shared resources (the timeline), relationships between
contacts, events and attendance, and the Insights numbers.
May import: netdesk.models, the shared service helpers, netdesk.services.data and
netdesk.services.contacts.records. Never Qt, never the calendar package (follow-ups build on history,
not the other way round).
"""
