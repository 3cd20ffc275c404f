"""One-click "Add to Google Calendar" / "Add to Outlook" links for a single follow-up.

These web deep links carry the event in the URL, so the text goes through the
same patient-data guard as the .ics export, and the details are kept short
(browsers and servers truncate URLs beyond a few thousand characters).
"""

import html
from datetime import UTC, date, datetime
from urllib.parse import quote, urlencode

from netdesk.models import FollowUp, get_setting
from netdesk.services.calendar.ics import description_for, event_times, gather_contexts, summary_for

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_LIVE = "https://outlook.live.com/calendar/0/deeplink/compose"
OUTLOOK_OFFICE = "https://outlook.office.com/calendar/0/deeplink/compose"
MAX_DETAILS = 1500


def _texts(followup: FollowUp, allow_sensitive: bool) -> tuple[str, str]:
    ctx = gather_contexts([followup.contact_id])[followup.contact_id]
    summary = summary_for(followup, ctx, allow_sensitive)
    details = description_for(followup, ctx, get_setting("my_name", "") or "", allow_sensitive)
    if len(details) > MAX_DETAILS:
        details = details[: MAX_DETAILS - 1] + "…"
    return summary, details


def google_calendar_url(followup: FollowUp, *, allow_sensitive: bool = False) -> str:
    """Google's TEMPLATE link: dates=YYYYMMDD/YYYYMMDD (all-day, end exclusive) or UTC times."""
    start, end = event_times(followup)
    if isinstance(start, datetime):
        dates = f"{start.astimezone(UTC):%Y%m%dT%H%M%SZ}/{end.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    else:
        dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
    text, details = _texts(followup, allow_sensitive)
    params = {"action": "TEMPLATE", "text": text, "dates": dates, "details": details}
    if isinstance(start, datetime):
        params["ctz"] = followup.timezone or "UTC"
    return f"{GOOGLE}?{urlencode(params, quote_via=quote)}"


def outlook_calendar_url(
    followup: FollowUp, *, office365: bool = False, allow_sensitive: bool = False
) -> str:
    """Outlook on the web compose link (outlook.live.com, or outlook.office.com for work accounts).

    Times are sent in UTC (``…Z``, the documented form); all-day items pass dates and
    allday=true. The body is read as HTML, so the text is escaped and lines become <br>.
    """
    start, end = event_times(followup)
    subject, body = _texts(followup, allow_sensitive)
    params = {"path": "/calendar/action/compose", "rru": "addevent", "subject": subject}
    if isinstance(start, datetime):
        params["startdt"] = f"{start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
        params["enddt"] = f"{end.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    else:
        assert isinstance(start, date)
        params["startdt"] = start.isoformat()
        params["enddt"] = end.isoformat()
        params["allday"] = "true"
    params["body"] = html.escape(body).replace("\n", "<br>")
    return f"{OUTLOOK_OFFICE if office365 else OUTLOOK_LIVE}?{urlencode(params, quote_via=quote)}"
