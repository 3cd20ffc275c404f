"""The Google Calendar provider: follow-ups as events through the Calendar API v3.

Google's own client (google-api-python-client, with the Calendar discovery document
it ships, so nothing is fetched to build it) and google-auth credentials from the
keyring, refreshed silently when expired. Events are inserted with netdesk's UID as
``iCalUID`` and found again with ``events.list(iCalUID=…)`` after a crash; updates
are ``events.patch`` with ``If-Match`` on the stored etag. An incremental
``events.list(syncToken=…)`` tells which of our events the user deleted in Google,
so they are left deleted (or recreated, if so configured). Google has no
categories: the rule becomes the event colour and the categories stay in a
private extended property. Done and cancelled follow-ups keep their event, marked
"Done:"/"Cancelled:", transparent, without reminders (``status: cancelled`` would
delete it in Google).
"""

from netdesk.errors import UserError
from netdesk.models import get_setting, set_setting
from netdesk.services.sync import tokens
from netdesk.services.sync.engine import (
    CalendarInfo,
    CalendarProvider,
    EventData,
    EventGone,
    ProviderTerms,
    RemoteRef,
    SignInAgain,
    StaleEtag,
    http_problem,
    retry_after,
)

MAX_REMINDER_MINUTES = 40320  # the Calendar API's limit (4 weeks)
# The rule as a Google event colour (colorId from the API's event palette).
ORIGIN_COLOURS = {"event": "7", "cadence": "2", "milestone": "5"}

TERMS = ProviderTerms(
    service="Google Calendar",
    calendar="Google",
    signin="google",
    permission="calendar.events",
    remedy="sign in again and allow it, or pick another calendar",
)


def event_body(item: EventData) -> dict:
    """The Calendar v3 Event resource for a follow-up (fields from the discovery document)."""
    if item.all_day:
        start, end = {"date": item.start.isoformat()}, {"date": item.end.isoformat()}
    else:
        start = {"dateTime": item.start.isoformat(), "timeZone": item.timezone}
        end = {"dateTime": item.end.isoformat(), "timeZone": item.timezone}
    overrides = []
    if item.reminder_minutes is not None:
        minutes = min(item.reminder_minutes, MAX_REMINDER_MINUTES)
        overrides = [{"method": "popup", "minutes": minutes}]
    body = {
        "summary": item.summary,
        "description": item.description,
        "start": start,
        "end": end,
        "reminders": {"useDefault": False, "overrides": overrides},
        "visibility": "private" if item.private else "default",
        "transparency": "opaque" if item.open and not item.all_day else "transparent",
        "extendedProperties": {
            "private": {"netdeskUid": item.uid, "netdeskCategories": ",".join(item.categories)}
        },
    }
    colour = ORIGIN_COLOURS.get(item.followup.origin)
    if colour:
        body["colorId"] = colour
    return body


class GoogleProvider(CalendarProvider):
    account = "google"
    label = "Google"

    def __init__(self, calendar_id: str = "", *, api_endpoint: str | None = None) -> None:
        self.calendar_id = calendar_id or "primary"
        self.api_endpoint = api_endpoint
        self._service = None
        self._creds = None
        self._undelete: set[str] = set()

    def _api(self):
        if self._service is None:
            from googleapiclient.discovery import build

            self._creds = tokens.google_credentials()
            options = {"api_endpoint": self.api_endpoint} if self.api_endpoint else None
            self._service = build(
                "calendar",
                "v3",
                credentials=self._creds,
                static_discovery=True,
                cache_discovery=False,
                client_options=options,
            )
        return self._service

    def _run(self, request, *, event: bool = False, if_match: str = ""):
        """Execute one request; faults become the engine's exceptions or a UserError."""
        import httplib2
        from google.auth.exceptions import RefreshError, TransportError
        from googleapiclient.errors import HttpError

        if if_match:
            request.headers["If-Match"] = if_match
        token = self._creds.token if self._creds else None
        try:
            result = request.execute(num_retries=0)
        except RefreshError:
            raise SignInAgain(
                "Google no longer accepts netdesk's sign-in (consent withdrawn or expired): "
                "sign in again (Settings › Calendars › Sign in, or netdesk calendar-signin google)."
            ) from None
        except HttpError as exc:
            raise self._translate(exc, event) from None
        except (httplib2.HttpLib2Error, TransportError, OSError):
            raise UserError(
                "Cannot reach Google Calendar: check your network, then Sync again."
            ) from None
        if self._creds is not None and self._creds.token != token:
            tokens.save_google_credentials(self._creds)  # refreshed: keep it for next time
        return result

    def _translate(self, exc, event: bool) -> Exception:
        status = int(exc.resp.status)
        text = str(getattr(exc, "reason", "") or exc)[:200]
        busy = status in (429, 503) or (status == 403 and "rateLimitExceeded" in str(exc))
        throttled = retry_after(exc.resp.get("retry-after")) if busy else False
        return http_problem(TERMS, status, text, event=event, throttled=throttled)

    # --- the provider -------------------------------------------------------------------
    def calendars(self) -> list[CalendarInfo]:
        out, page = [], None
        while True:
            answer = self._run(
                self._api().calendarList().list(minAccessRole="writer", pageToken=page)
            )
            for c in answer.get("items", []):
                out.append(
                    CalendarInfo(
                        c["id"],
                        c.get("summaryOverride") or c.get("summary", ""),
                        c.get("accessRole") in ("writer", "owner"),
                        bool(c.get("primary", False)),
                    )
                )
            page = answer.get("nextPageToken")
            if not page:
                return out

    def open(self) -> str:
        self._api()
        return self.calendar_id

    def describe(self) -> str:
        for cal in self.calendars():
            if cal.id == self.calendar_id or (self.calendar_id == "primary" and cal.primary):
                return f"Connected to Google; follow-ups will go to calendar {cal.name!r}."
        raise UserError(
            "The chosen Google calendar is not among those you can edit: pick another one "
            "in Settings › Calendars."
        )

    def find(self, item: EventData) -> RemoteRef | None:
        """The event with this iCalUID; a deleted one is brought back by the next update
        (inserting its iCalUID again would be refused as a duplicate)."""
        answer = self._run(
            self._api()
            .events()
            .list(calendarId=self.calendar_id, iCalUID=item.uid, showDeleted=True)
        )
        found = sorted(answer.get("items", []), key=lambda e: e.get("status") == "cancelled")
        if not found:
            return None
        if found[0].get("status") == "cancelled":
            self._undelete.add(found[0]["id"])
        return RemoteRef(self.calendar_id, found[0]["id"], found[0].get("etag", ""))

    def create(self, item: EventData) -> RemoteRef:
        body = {**event_body(item), "iCalUID": item.uid}
        made = self._run(self._api().events().insert(calendarId=self.calendar_id, body=body))
        return RemoteRef(self.calendar_id, made["id"], made.get("etag", ""))

    def update(self, ref: RemoteRef, item: EventData) -> RemoteRef:
        events = self._api().events()
        body = event_body(item)
        if ref.event_id in self._undelete:
            body["status"] = "confirmed"
        args = {"calendarId": ref.calendar_id, "eventId": ref.event_id}
        try:
            done = self._run(events.patch(**args, body=body), event=True, if_match=ref.etag)
        except StaleEtag:  # changed in Google since: netdesk's version wins
            current = self._run(events.get(**args), event=True)
            done = self._run(
                events.patch(**args, body=body), event=True, if_match=current.get("etag", "")
            )
        if done.get("status") == "cancelled":
            raise EventGone(ref.event_id)
        return RemoteRef(ref.calendar_id, ref.event_id, done.get("etag", ""))

    def delete(self, ref: RemoteRef) -> None:
        self._run(
            self._api().events().delete(calendarId=ref.calendar_id, eventId=ref.event_id),
            event=True,
        )

    def deleted_since_last_run(self) -> set[str]:
        """Events deleted in Google since the last run, from an incremental sync.

        The first run (or one after Google expired the token, HTTP 410) lists the
        calendar once to get a sync token; later runs list only what changed.
        """
        key = f"google.sync_token.{self.calendar_id}"
        token = get_setting(key, "") or None
        deleted: set[str] = set()
        page = None
        while True:
            request = (
                self._api()
                .events()
                .list(
                    calendarId=self.calendar_id,
                    syncToken=token,
                    pageToken=page,
                    showDeleted=True,
                    maxResults=2500,
                )
            )
            try:
                answer = self._run(request, event=token is not None)
            except EventGone:  # 410: Google expired the sync token; list afresh
                token, page, deleted = None, None, set()
                continue
            if token is not None:
                deleted |= {
                    e["id"] for e in answer.get("items", []) if e.get("status") == "cancelled"
                }
            page = answer.get("nextPageToken")
            if not page:
                break
        if answer.get("nextSyncToken"):
            set_setting(key, answer["nextSyncToken"])
        return deleted
