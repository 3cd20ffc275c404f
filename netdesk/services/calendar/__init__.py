"""Calendar: follow-ups, the rules that plan them, Today, and iCalendar output.

Owns follow-ups (due dates, statuses, stable UIDs and sequences), the after-event,
stay-in-touch and congratulate rules, the Today overview, email templates, .ics files
(with VTIMEZONEs Outlook reads) and "Add to Google Calendar / Outlook" links.
May import: netdesk.models, the shared service helpers, netdesk.services.data, contacts and
history. Never Qt.
"""
