"""Stand-in for Google's OAuth 2.0 endpoints and the Calendar API v3 (HTTPS on 127.0.0.1).

Every API request is checked against the Calendar discovery document that
google-api-python-client ships (googleapiclient/discovery_cache/documents/
calendar.v3.json): the method and path must be one the document describes, each
query parameter must be one of that method's (or the global) parameters with the
right type / enumeration value, required parameters present, and the JSON body
must match the request schema recursively (no unknown fields, right types, date
and date-time formats). Semantics the API reference documents are played too:
``iCalUID`` on insert and in ``events.list``, etags with If-Match (412),
incremental sync with ``syncToken`` (410 when it expired; the filters Google
forbids with it are refused), deleted events kept with ``status: cancelled``, 404/
410 for deleted events, 401 for a bad token, and errors in Google's shape.

OAuth: ``/auth`` (authorization endpoint; redirects to the loopback ``redirect_uri``
with a code after checking the PKCE challenge is S256), ``/token`` (authorization
code with PKCE verification, refresh token; ``invalid_grant`` once revoked) and
``/revoke``.
"""

import base64
import hashlib
import json
import re
import secrets
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

import googleapiclient

from tests.standins.server import Request, StandIn

DISCOVERY = json.loads(
    (
        Path(googleapiclient.__file__).parent / "discovery_cache/documents/calendar.v3.json"
    ).read_text()
)
SERVICE_PATH = "/calendar/v3/"


def google_error(status: int, reason: str, message: str, state: str = ""):
    return (
        status,
        {},
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"domain": "global", "reason": reason, "message": message}],
                **({"status": state} if state else {}),
            }
        },
    )


class Invalid(Exception):
    pass


def _methods():
    """(http method, compiled path regex, method description, resource.method name)."""
    out = []
    for resource, spec in DISCOVERY["resources"].items():
        for name, method in spec.get("methods", {}).items():
            regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(method["path"]))
            out.append(
                (method["httpMethod"], re.compile(regex + "$"), method, f"{resource}.{name}")
            )
    return out


METHODS = _methods()


def check_value(value, spec: dict, where: str) -> None:
    """``value`` against a discovery schema (type, format, enum, $ref, items, properties)."""
    if "$ref" in spec:
        spec = DISCOVERY["schemas"][spec["$ref"]]
    kind = spec.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            raise Invalid(f"Invalid value for {where}: an object is expected.")
        props = spec.get("properties", {})
        extra = spec.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                check_value(item, props[key], f"{where}.{key}")
            elif extra is not None:
                check_value(item, extra, f"{where}.{key}")
            else:
                raise Invalid(
                    f"Invalid JSON payload received. Unknown name \"{key}\" at '{where}'."
                )
    elif kind == "array":
        if not isinstance(value, list):
            raise Invalid(f"Invalid value for {where}: a list is expected.")
        for i, item in enumerate(value):
            check_value(item, spec["items"], f"{where}[{i}]")
    elif kind == "string":
        if not isinstance(value, str):
            raise Invalid(f"Invalid value at '{where}': a string is expected.")
        fmt = spec.get("format")
        try:
            if fmt == "date":
                date.fromisoformat(value)
            elif fmt == "date-time":
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                if parsed.tzinfo is None:
                    raise ValueError
        except ValueError:
            raise Invalid(f"Invalid {fmt} value '{value}' at '{where}'.") from None
        if fmt in ("int64", "uint64"):
            int(value)
        if "enum" in spec and value not in spec["enum"]:
            raise Invalid(f"Invalid value '{value}' at '{where}'.")
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(f"Invalid value at '{where}': an integer is expected.")
    elif kind == "boolean" and not isinstance(value, bool):
        raise Invalid(f"Invalid value at '{where}': a boolean is expected.")


def check_parameters(method: dict, request: Request, path_args: dict) -> None:
    allowed = {**DISCOVERY.get("parameters", {}), **method.get("parameters", {})}
    for name, value in request.query.items():
        spec = allowed.get(name)
        if spec is None or spec.get("location") == "path":
            raise Invalid(f"Unknown parameter: {name}")
        if spec.get("type") == "boolean" and value not in ("true", "false"):
            raise Invalid(f"Invalid boolean value for {name}: '{value}'")
        if spec.get("type") == "integer":
            if not re.fullmatch(r"-?\d+", value):
                raise Invalid(f"Invalid integer value for {name}: '{value}'")
            if "minimum" in spec and int(value) < int(spec["minimum"]):
                raise Invalid(f"Invalid value for {name}: below {spec['minimum']}")
        if "enum" in spec and value not in spec["enum"]:
            raise Invalid(f"Invalid value for {name}: '{value}'")
    for name, spec in method.get("parameters", {}).items():
        if spec.get("required") and name not in request.query and name not in path_args:
            raise Invalid(f"Required parameter: {name}")


class GoogleStandIn(StandIn):
    CLIENT_ID = "1234-test.apps.googleusercontent.com"
    CLIENT_SECRET = "GOCSPX-test-secret"
    SYNC_FORBIDDEN = ("iCalUID", "orderBy", "privateExtendedProperty", "q",
                      "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin")  # fmt: skip

    def __init__(self, tls_files) -> None:
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (challenge, redirect_uri)
        self.grants: list[str] = []
        self.revoked: list[str] = []
        self.calendars = {
            "ana@example.org": {
                "summary": "ana@example.org",
                "primary": True,
                "accessRole": "owner",
            },
            "team@group.calendar.google.com": {"summary": "Follow-ups", "accessRole": "writer"},
            "en.usa#holiday@group.v.calendar.google.com": {
                "summary": "Holidays",
                "accessRole": "reader",
            },
        }
        self.events: dict[str, dict] = {}
        self.version = 0  # bumped on every change; sync tokens name a version
        self.oldest_valid_token = 0
        super().__init__(tls_files)  # oauthlib refuses a token endpoint without https

    @property
    def api_endpoint(self) -> str:
        return self.url + SERVICE_PATH

    def client_config(self) -> dict:
        return {
            "installed": {
                "client_id": self.CLIENT_ID,
                "client_secret": self.CLIENT_SECRET,
                "auth_uri": self.url + "/auth",
                "token_uri": self.url + "/token",
                "redirect_uris": ["http://localhost"],
            }
        }

    def revoke_consent(self) -> None:
        self.refresh_tokens.clear()
        self.access_tokens.clear()

    def _tokens(self) -> dict:
        access, refresh = "ya29." + secrets.token_urlsafe(20), "1//" + secrets.token_urlsafe(20)
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return {
            "access_token": access,
            "expires_in": 3599,
            "refresh_token": refresh,
            "scope": "https://www.googleapis.com/auth/calendar.events "
            "https://www.googleapis.com/auth/calendar.readonly",
            "token_type": "Bearer",
        }

    # --- OAuth ------------------------------------------------------------------------
    def _oauth(self, request: Request):
        if request.path == "/auth" and request.method == "GET":
            q = request.query
            if q.get("client_id") != self.CLIENT_ID or q.get("response_type") != "code":
                return 400, {}, {"error": "invalid_request"}
            if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                return 400, {}, {"error": "invalid_request", "error_description": "PKCE required"}
            if not q.get("redirect_uri", "").startswith("http://127.0.0.1:"):
                return 400, {}, {"error": "redirect_uri_mismatch"}
            code = "4/" + secrets.token_urlsafe(12)
            self.codes[code] = (q["code_challenge"], q["redirect_uri"])
            target = (
                q["redirect_uri"]
                + "?"
                + urlencode(
                    {"code": code, "state": q.get("state", ""), "scope": q.get("scope", "")}
                )
            )
            return 302, {"Location": target}, b""
        if request.path == "/token" and request.method == "POST":
            form = request.form()
            basic = request.headers.get("authorization", "")
            if basic.startswith("Basic "):  # client authentication either way (RFC 6749 2.3.1)
                from urllib.parse import unquote

                user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
                form.setdefault("client_id", unquote(user))
                form.setdefault("client_secret", unquote(password))
            grant = form.get("grant_type", "")
            self.grants.append(grant)
            if (
                form.get("client_id") != self.CLIENT_ID
                or form.get("client_secret") != self.CLIENT_SECRET
            ):
                return (
                    401,
                    {},
                    {
                        "error": "invalid_client",
                        "error_description": "The OAuth client was not found.",
                    },
                )
            if grant == "authorization_code":
                challenge, redirect = self.codes.pop(form.get("code", ""), ("", ""))
                verifier = form.get("code_verifier", "")
                digest = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .decode()
                    .rstrip("=")
                )
                if not challenge or digest != challenge or form.get("redirect_uri") != redirect:
                    return 400, {}, {"error": "invalid_grant", "error_description": "Bad Request"}
                return 200, {}, self._tokens()
            if grant == "refresh_token":
                if form.get("refresh_token") not in self.refresh_tokens:
                    return (
                        400,
                        {},
                        {
                            "error": "invalid_grant",
                            "error_description": "Token has been expired or revoked.",
                        },
                    )
                answer = self._tokens()
                self.refresh_tokens.discard(answer.pop("refresh_token"))  # Google keeps the old one
                return 200, {}, answer
            return 400, {}, {"error": "unsupported_grant_type"}
        if request.path == "/revoke" and request.method == "POST":
            token = request.form().get("token", "")
            self.revoked.append(token)
            self.refresh_tokens.discard(token)
            return 200, {}, {}
        return 404, {}, {"error": "not_found"}

    # --- Calendar API -----------------------------------------------------------------
    def handle(self, request: Request):
        if not request.path.startswith(SERVICE_PATH):
            return self._oauth(request)
        auth = request.headers.get("authorization", "")
        if auth[7:] not in self.access_tokens:
            return google_error(
                401,
                "authError",
                "Request had invalid authentication credentials.",
                "UNAUTHENTICATED",
            )
        relative = request.path[len(SERVICE_PATH) :]
        found = [
            (regex.match(relative), method, name)
            for http_method, regex, method, name in METHODS
            if http_method == request.method and regex.match(relative)
        ]
        if not found:
            return google_error(404, "notFound", f"No such method: {request.method} {relative}")
        m, method, name = found[0]
        from urllib.parse import unquote

        args = {k: unquote(v) for k, v in m.groupdict().items()}
        try:
            check_parameters(method, request, args)
            body = None
            if "request" in method:
                body = request.json()
                check_value(body, method["request"], "event")
            return getattr(self, name.replace(".", "_"), self._unsupported)(request, args, body)
        except Invalid as exc:
            return google_error(400, "invalid", str(exc), "INVALID_ARGUMENT")

    def _unsupported(self, request, args, body):
        raise AssertionError(f"netdesk called a method the stand-in does not play: {request.path}")

    def calendarList_list(self, request, args, body):
        role = request.query.get("minAccessRole")
        rank = {"freeBusyReader": 0, "reader": 1, "writer": 2, "owner": 3}
        items = [
            {"kind": "calendar#calendarListEntry", "id": k, **v}
            for k, v in self.calendars.items()
            if role is None or rank[v["accessRole"]] >= rank[role]
        ]
        return 200, {}, {"kind": "calendar#calendarList", "items": items}

    def _calendar(self, args):
        cal = args["calendarId"]
        if cal == "primary":
            cal = next(k for k, v in self.calendars.items() if v.get("primary"))
        if cal not in self.calendars:
            raise _NotFound()
        return cal

    def _event(self, args):
        cal = self._calendar(args)
        event = self.events.get(args["eventId"])
        if event is None or event["_calendar"] != cal:
            raise _NotFound()
        return event

    def _stamp(self, event: dict) -> None:
        self.version += 1
        event["_version"] = self.version
        event["etag"] = f'"{secrets.randbits(48)}"'
        event["updated"] = "2026-11-20T08:00:00.000Z"

    def _public(self, event: dict) -> dict:
        return {k: v for k, v in event.items() if not k.startswith("_")}

    def answer(self, request):  # 404 from lookups, in Google's shape
        try:
            return super().answer(request)
        except _NotFound:
            return google_error(404, "notFound", "Not Found")

    def events_insert(self, request, args, body):
        cal = self._calendar(args)
        if self.calendars[cal]["accessRole"] not in ("writer", "owner"):
            return google_error(
                403, "requiredAccessLevel", "You need to have writer access to this calendar."
            )
        for field in ("start", "end"):
            if field not in body:
                return google_error(400, "required", f"Missing {field} time.")
        if "id" in body and "iCalUID" in body:
            return google_error(400, "invalid", "Only one of id and iCalUID may be set.")
        if len(body.get("reminders", {}).get("overrides", [])) > 5:
            return google_error(400, "cannotHaveMoreThanFiveReminders", "Too many reminders.")
        for r in body.get("reminders", {}).get("overrides", []):
            if not 0 <= r.get("minutes", -1) <= 40320:
                return google_error(400, "invalid", "Invalid reminder minutes.")
        uid = body.get("iCalUID")
        for e in self.events.values():
            if e["_calendar"] == cal and uid and e.get("iCalUID") == uid:
                return google_error(409, "duplicate", "The requested identifier already exists.")
        event_id = secrets.token_hex(13)  # base32hex-compatible characters
        event = {
            "kind": "calendar#event",
            "id": event_id,
            "status": "confirmed",
            "_calendar": cal,
            **body,
        }
        event.setdefault("iCalUID", f"{event_id}@google.com")
        self._stamp(event)
        self.events[event_id] = event
        return 200, {}, self._public(event)

    def events_get(self, request, args, body):
        return 200, {}, self._public(self._event(args))  # deleted ones: status "cancelled"

    def events_patch(self, request, args, body):
        event = self._event(args)  # a deleted event stays deleted unless status is set back
        match = request.headers.get("if-match")
        if match and match != event["etag"]:
            return google_error(412, "conditionNotMet", "Precondition Failed")
        if "iCalUID" in body and body["iCalUID"] != event["iCalUID"]:
            return google_error(400, "invalid", "iCalUID cannot be changed.")
        event.update(body)
        self._stamp(event)
        return 200, {}, self._public(event)

    def events_delete(self, request, args, body):
        event = self._event(args)
        if event["status"] == "cancelled":
            return google_error(410, "deleted", "Resource has been deleted")
        self.delete_as_user(event["id"])
        return 204, {}, b""

    def delete_as_user(self, event_id: str) -> None:
        """What deleting in Google Calendar does: the event stays, ``status: cancelled``."""
        event = self.events[event_id]
        event["status"] = "cancelled"
        self._stamp(event)

    def expire_sync_tokens(self) -> None:
        self.oldest_valid_token = self.version + 1

    def events_list(self, request, args, body):
        cal = self._calendar(args)
        q = request.query
        mine = [e for e in self.events.values() if e["_calendar"] == cal]
        token = q.get("syncToken")
        if token is not None:
            for forbidden in self.SYNC_FORBIDDEN:
                if forbidden in q:
                    return google_error(
                        400, "invalid", f"{forbidden} cannot be used with syncToken."
                    )
            since = int(token.removeprefix("sync-"))
            if since < self.oldest_valid_token:
                return google_error(
                    410,
                    "fullSyncRequired",
                    "Sync token is no longer valid, a full sync is required.",
                )
            mine = [e for e in mine if e["_version"] > since]  # deleted ones included
        else:
            if q.get("showDeleted") != "true":
                mine = [e for e in mine if e["status"] != "cancelled"]
            if "iCalUID" in q:
                mine = [e for e in mine if e.get("iCalUID") == q["iCalUID"]]
        page = int(q.get("pageToken", "0"))
        size = int(q.get("maxResults", "250"))
        chunk = mine[page : page + size]
        answer = {"kind": "calendar#events", "items": [self._public(e) for e in chunk]}
        if page + size < len(mine):
            answer["nextPageToken"] = str(page + size)
        elif "iCalUID" not in q:
            answer["nextSyncToken"] = f"sync-{self.version}"
        return 200, {}, answer

    def of_uid(self) -> dict:
        return {e["iCalUID"]: e for e in self.events.values() if e["status"] != "cancelled"}


class _NotFound(Exception):
    pass
