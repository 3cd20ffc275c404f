"""The Microsoft Graph provider: follow-ups as events in Outlook (Microsoft 365, Outlook.com).

Graph v1.0 event resource, created in the calendar the user picked
(``/me/calendars/{id}/events``). Each event carries netdesk's UID in a
single-value extended property, found again with ``$filter`` after a crash, so a
second run never duplicates; updates send ``If-Match`` with the stored
``@odata.etag`` and, when the user edited the event meanwhile (412), overwrite it
with the fresh etag (netdesk is the source). Times go out with the Windows zone
name; an all-day follow-up is ``isAllDay`` from midnight to midnight. Done and
cancelled follow-ups keep their event, marked "Done:"/"Cancelled:", free, without
a reminder (Graph only lets an organiser cancel a meeting).
"""

from urllib.parse import quote, urlsplit

from netdesk.errors import InputError, UserError
from netdesk.services.sync.engine import (
    CalendarInfo,
    CalendarProvider,
    EventData,
    ProviderTerms,
    RemoteRef,
    StaleEtag,
    http_problem,
    retry_after,
)
from netdesk.services.sync.tokens import MicrosoftSignIn
from netdesk.services.sync.windows_zones import windows_zone

# A netdesk-owned property set GUID; the property's value is the follow-up UID.
UID_PROPERTY = "String {5b0e6a6e-2f7e-4c1c-9a0f-6e3d2a4b7c11} Name netdeskUid"
TIMEOUT_SECONDS = 20


def check_base_url(url: str) -> str:
    parts = urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise InputError(f"{url} is not an https:// address; Graph needs https.")
    return url.rstrip("/")


def _graph_time(moment) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def event_body(item: EventData) -> dict:
    """The Graph event resource for a follow-up (fields as documented for v1.0)."""
    if item.all_day:
        zone = "UTC"
        start = {"dateTime": f"{item.start.isoformat()}T00:00:00", "timeZone": zone}
        end = {"dateTime": f"{item.end.isoformat()}T00:00:00", "timeZone": zone}
    else:
        zone = windows_zone(item.timezone)
        start = {"dateTime": _graph_time(item.start), "timeZone": zone}
        end = {"dateTime": _graph_time(item.end.astimezone(item.start.tzinfo)), "timeZone": zone}
    body = {
        "subject": item.summary,
        "body": {"contentType": "text", "content": item.description},
        "start": start,
        "end": end,
        "isAllDay": item.all_day,
        "isReminderOn": item.reminder_minutes is not None,
        "categories": item.categories,
        "sensitivity": "private" if item.private else "normal",
        "showAs": "busy" if item.open and not item.all_day else "free",
        "singleValueExtendedProperties": [{"id": UID_PROPERTY, "value": item.uid}],
    }
    if item.reminder_minutes is not None:
        body["reminderMinutesBeforeStart"] = item.reminder_minutes
    return body


GRAPH_URL = "https://graph.microsoft.com/v1.0"
TERMS = ProviderTerms(
    service="Microsoft Graph",
    calendar="Outlook",
    signin="microsoft",
    permission="Calendars.ReadWrite",
    remedy="sign in again and accept it, or ask your administrator to grant consent",
)


class GraphProvider(CalendarProvider):
    account = "microsoft"
    label = "Microsoft"

    def __init__(
        self, signin: MicrosoftSignIn, calendar_id: str = "", *, base_url: str = ""
    ) -> None:
        self.signin = signin
        self.base = check_base_url(base_url or GRAPH_URL)
        self.calendar_id = calendar_id
        self._session = None

    # --- HTTP ---------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, event: bool = False, **kwargs):
        """One Graph request; faults become the engine's exceptions or a UserError."""
        import requests

        if self._session is None:
            self._session = requests.Session()
        url = path if path.startswith("http") else self.base + path
        extra = kwargs.pop("headers", {})
        for attempt in (1, 2):  # a 401 gets one retry with a freshly refreshed token
            headers = {
                "Authorization": f"Bearer {self.signin.access_token(force_refresh=attempt == 2)}",
                "Prefer": 'IdType="ImmutableId"',
                **extra,
            }
            try:
                answer = self._session.request(
                    method, url, headers=headers, timeout=TIMEOUT_SECONDS, **kwargs
                )
            except requests.Timeout:
                raise UserError(
                    "Microsoft Graph did not answer in time; try again later."
                ) from None
            except requests.RequestException:
                raise UserError(
                    f"Cannot reach Microsoft Graph at {urlsplit(url).netloc}: "
                    "check your network, then Sync again."
                ) from None
            if answer.status_code != 401:
                break
        return self._check(answer, event)

    def _check(self, answer, event: bool):
        status = answer.status_code
        if status < 300:
            return answer.json() if answer.content else {}
        try:
            error = answer.json().get("error", {})
            text = f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
        except ValueError:
            text = answer.text[:200]
        busy = status in (429, 503, 504)
        throttled = retry_after(answer.headers.get("Retry-After")) if busy else False
        raise http_problem(TERMS, status, text, event=event, throttled=throttled)

    # --- the provider -------------------------------------------------------------------
    def calendars(self) -> list[CalendarInfo]:
        out = []
        url = "/me/calendars?$select=id,name,canEdit,isDefaultCalendar"
        while url:
            page = self._send("GET", url)
            for c in page.get("value", []):
                out.append(
                    CalendarInfo(
                        c["id"],
                        c.get("name", ""),
                        bool(c.get("canEdit", True)),
                        bool(c.get("isDefaultCalendar", False)),
                    )
                )
            url = page.get("@odata.nextLink", "")
        return out

    def open(self) -> str:
        if not self.calendar_id:
            self.calendar_id = self._send("GET", "/me/calendar?$select=id,name")["id"]
        return self.calendar_id

    def describe(self) -> str:
        calendar_id = self.open()
        info = self._send("GET", f"/me/calendars/{quote(calendar_id, safe='')}?$select=name")
        who = self.signin.username() or "you"
        return f"Signed in as {who}; follow-ups will go to calendar {info.get('name', '')!r}."

    def _events(self, calendar_id: str) -> str:
        return f"/me/calendars/{quote(calendar_id, safe='')}/events"

    def find(self, item: EventData) -> RemoteRef | None:
        uid = item.uid.replace("'", "''")
        query = (
            f"singleValueExtendedProperties/Any(ep: ep/id eq '{UID_PROPERTY}' "
            f"and ep/value eq '{uid}')"
        )
        page = self._send(
            "GET", self._events(self.calendar_id), params={"$filter": query, "$select": "id"}
        )
        found = page.get("value", [])
        if not found:
            return None
        return RemoteRef(self.calendar_id, found[0]["id"], found[0].get("@odata.etag", ""))

    def create(self, item: EventData) -> RemoteRef:
        body = event_body(item)
        body["transactionId"] = item.uid  # Graph drops a repeated POST with the same id
        made = self._send("POST", self._events(self.calendar_id), json=body)
        return RemoteRef(self.calendar_id, made["id"], made.get("@odata.etag", ""))

    def update(self, ref: RemoteRef, item: EventData) -> RemoteRef:
        path = f"{self._events(ref.calendar_id)}/{quote(ref.event_id, safe='')}"
        body = event_body(item)
        try:
            headers = {"If-Match": ref.etag} if ref.etag else {}
            done = self._send("PATCH", path, event=True, json=body, headers=headers)
        except StaleEtag:  # changed in Outlook since: netdesk's version wins
            current = self._send("GET", path + "?$select=id", event=True)
            headers = {"If-Match": current.get("@odata.etag", "*")}
            done = self._send("PATCH", path, event=True, json=body, headers=headers)
        return RemoteRef(ref.calendar_id, ref.event_id, done.get("@odata.etag", ""))

    def delete(self, ref: RemoteRef) -> None:
        path = f"{self._events(ref.calendar_id)}/{quote(ref.event_id, safe='')}"
        self._send("DELETE", path, event=True)
