"""Stand-in for Microsoft identity platform (v2.0 endpoints) and Graph v1.0 calendars.

One HTTPS server on 127.0.0.1 (MSAL insists on an https authority):

- ``/{tenant}/v2.0/.well-known/openid-configuration``, ``…/oauth2/v2.0/devicecode``,
  ``…/oauth2/v2.0/authorize`` (the authorization-code flow with PKCE for the interactive
  browser sign-in: a loopback ``http://localhost:PORT`` redirect URI, S256 challenge,
  state passed back, ``response_mode=form_post`` as an auto-submitting form) and ``…/oauth2/v2.0/token`` (device-code, authorization-code and
  refresh-token grants), answering with the documented shapes, including
  ``invalid_grant`` once consent is revoked;
- ``/v1.0/me/calendar``, ``/v1.0/me/calendars``, ``/v1.0/me/calendars/{id}`` and
  ``/v1.0/me/calendars/{id}/events[/{event id}]`` (GET/POST/PATCH/DELETE) with
  ``@odata.etag``/If-Match, ``transactionId`` and ``$filter`` on the single-value
  extended property. Request bodies are checked against the event resource as
  documented (graph_event_schema.json): unknown or read-only fields, wrong types,
  bad enumeration values, bad time zones and all-day events not at midnight get
  HTTP 400 in Graph's error shape.
"""

import base64
import hashlib
import html
import json
import re
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tzlocal.windows_tz import win_tz

from tests.standins.server import Request, StandIn

SCHEMA = json.loads((Path(__file__).parent / "graph_event_schema.json").read_text())["types"]
TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"
USER_OID = "00000000-0000-0000-66f3-3332eca7ea81"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def graph_error(status: int, code: str, message: str):
    return status, {}, {"error": {"code": code, "message": message, "innerError": {}}}


class BadRequest(Exception):
    pass


def validate(value, spec: dict, where: str, *, creating: bool) -> None:
    """Check one value against the transcribed Graph schema; BadRequest says why."""
    kind = spec["type"]
    if kind == "string":
        if not isinstance(value, str):
            raise BadRequest(
                f"Cannot convert the literal '{value}' to the expected type 'Edm.String' ({where})."
            )
        if "enum" in spec and value not in spec["enum"]:
            raise BadRequest(f"Requested value '{value}' was not found ({where}).")
        if "pattern" in spec and not re.match(spec["pattern"], value):
            raise BadRequest(f"Cannot convert '{value}' to a DateTime ({where}).")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise BadRequest(f"Cannot convert the literal '{value}' to 'Edm.Boolean' ({where}).")
    elif kind == "int32":
        if not isinstance(value, int) or isinstance(value, bool) or not -(2**31) <= value < 2**31:
            raise BadRequest(f"Cannot convert the literal '{value}' to 'Edm.Int32' ({where}).")
    elif kind == "array":
        if not isinstance(value, list):
            raise BadRequest(f"A collection was expected for {where}.")
        for i, item in enumerate(value):
            validate(item, spec["items"], f"{where}[{i}]", creating=creating)
    elif kind == "object":
        if not isinstance(value, dict):
            raise BadRequest(f"An object was expected for {where}.")
    else:
        validate_object(value, kind, where, creating=creating)


def validate_object(value, type_name: str, where: str, *, creating: bool) -> None:
    if not isinstance(value, dict):
        raise BadRequest(f"An object of type {type_name} was expected for {where}.")
    fields = SCHEMA[type_name]
    for key, item in value.items():
        if key.startswith("@odata."):
            continue
        if key not in fields:
            raise BadRequest(
                f"The property '{key}' does not exist on type 'microsoft.graph.{type_name}'."
            )
        if fields[key].get("readOnly"):
            raise BadRequest(f"The property '{key}' is read-only and cannot be set.")
        if key == "transactionId" and not creating:
            raise BadRequest("transactionId can only be set when the event is created.")
        validate(item, fields[key], f"{type_name}.{key}", creating=creating)


def check_times(event: dict) -> None:
    for side in ("start", "end"):
        zone = event[side].get("timeZone", "")
        if zone != "UTC" and zone not in win_tz:
            raise BadRequest(
                f"A valid TimeZone value must be specified. The following TimeZone value is not supported: '{zone}'."
            )
    if event.get("isAllDay"):
        for side in ("start", "end"):
            if not event[side]["dateTime"].endswith("T00:00:00"):
                raise BadRequest(
                    "Your request can't be completed. If the event is an all-day event, start and end time must be set to midnight."
                )
        if event["start"]["timeZone"] != event["end"]["timeZone"]:
            raise BadRequest("All-day events must have the same start and end time zone.")
    if (
        event["end"]["dateTime"] < event["start"]["dateTime"]
        and event["start"]["timeZone"] == event["end"]["timeZone"]
    ):
        raise BadRequest("The end of the event is before its start.")


class MicrosoftStandIn(StandIn):
    def __init__(self, tls_files, client_id: str = "test-client-id") -> None:
        self.client_id = client_id
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.device_codes: dict[str, bool] = {}  # code -> approved by the "user"
        self.auth_codes: dict[str, dict] = {}  # code -> the authorize request it answers
        self.grants: list[str] = []  # grant types seen at the token endpoint
        self.calendars = {
            "AAMkCal-default": {"name": "Calendar", "isDefaultCalendar": True, "canEdit": True},
            "AAMkCal-work": {"name": "Work", "isDefaultCalendar": False, "canEdit": True},
            "AAMkCal-holidays": {
                "name": "US Holidays",
                "isDefaultCalendar": False,
                "canEdit": False,
            },
        }
        self.events: dict[str, dict] = {}  # id -> event (with "calendar")
        self.transactions: dict[str, str] = {}
        self.approve_device = True
        self.consent = True  # False: the user clicks "Cancel" on the consent page
        super().__init__(tls_files)

    # --- identity platform ------------------------------------------------------------
    def authority(self, tenant: str = "organizations") -> str:
        return f"{self.url}/{tenant}"

    def revoke_consent(self) -> None:
        """The user or an admin withdrew consent: every refresh token is now invalid."""
        self.refresh_tokens.clear()
        self.access_tokens.clear()

    def expire_access_tokens(self) -> None:
        self.access_tokens.clear()

    def _tokens(self, tenant: str, nonce: str | None = None) -> dict:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        now = int(time.time())
        id_token = ".".join(
            (
                _b64({"typ": "JWT", "alg": "none"}),
                _b64(
                    {
                        "aud": self.client_id,
                        "iss": f"{self.url}/{tenant}/v2.0",
                        "iat": now,
                        "nbf": now,
                        "exp": now + 3600,
                        "oid": USER_OID,
                        "sub": "sub-1",
                        "tid": TENANT_ID,
                        "preferred_username": "ana.silva@stmarys.example",
                        "name": "Ana Silva",
                    }
                    | ({"nonce": nonce} if nonce else {})  # as sent to /authorize
                ),
                "",
            )
        )
        return {
            "token_type": "Bearer",
            "scope": "Calendars.ReadWrite openid profile offline_access",
            "expires_in": 3600,
            "ext_expires_in": 3600,
            "access_token": access,
            "refresh_token": refresh,
            "id_token": id_token,
            "client_info": _b64({"uid": USER_OID, "utid": TENANT_ID}),
        }

    def _identity(self, request: Request, tenant: str, rest: str):
        base = f"{self.url}/{tenant}"
        if rest == "/v2.0/.well-known/openid-configuration" and request.method == "GET":
            return (
                200,
                {},
                {
                    "issuer": f"{base}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                    "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
                    "response_types_supported": ["code", "id_token", "code id_token"],
                },
            )
        if rest == "/oauth2/v2.0/authorize" and request.method == "GET":
            return self._authorize(request.query)
        form = request.form()
        if form.get("client_id") != self.client_id:
            return (
                400,
                {},
                {
                    "error": "unauthorized_client",
                    "error_description": "AADSTS700016: Application not found in the directory.",
                },
            )
        if rest == "/oauth2/v2.0/devicecode":
            scopes = set(form.get("scope", "").split())
            if "Calendars.ReadWrite" not in scopes or "offline_access" not in scopes:
                return (
                    400,
                    {},
                    {
                        "error": "invalid_scope",
                        "error_description": f"AADSTS70011: scope {sorted(scopes)}",
                    },
                )
            code = secrets.token_urlsafe(16)
            self.device_codes[code] = False
            return (
                200,
                {},
                {
                    "device_code": code,
                    "user_code": "NDK-7QX2",
                    "verification_uri": "https://microsoft.com/devicelogin",
                    "expires_in": 900,
                    "interval": 5,
                    "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code NDK-7QX2 to authenticate.",
                },
            )
        if rest == "/oauth2/v2.0/token":
            grant = form.get("grant_type", "")
            self.grants.append(grant)
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                code = form.get("device_code", "")
                if code not in self.device_codes:
                    return 400, {}, {"error": "expired_token", "error_description": "AADSTS70020"}
                if not self.approve_device:
                    return (
                        400,
                        {},
                        {
                            "error": "authorization_pending",
                            "error_description": "AADSTS70016: pending",
                        },
                    )
                del self.device_codes[code]
                return 200, {}, self._tokens(tenant)
            if grant == "authorization_code":
                return self._redeem(form, tenant)
            if grant == "refresh_token":
                token = form.get("refresh_token", "")
                if token not in self.refresh_tokens:
                    return (
                        400,
                        {},
                        {
                            "error": "invalid_grant",
                            "error_description": "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed.",
                            "suberror": "consent_required",
                        },
                    )
                self.refresh_tokens.discard(token)
                return 200, {}, self._tokens(tenant)
            return 400, {}, {"error": "unsupported_grant_type", "error_description": grant}
        return 404, {}, {"error": "not_found"}

    def _authorize(self, query: dict[str, str]):
        """The user "signs in and consents" at once; the browser goes back to the app.

        Checked as the identity platform does for a public client: the client id, a
        loopback redirect URI (any port is allowed for http://localhost), response_type
        code, the scopes, and a PKCE S256 challenge (required for native apps).
        """
        redirect = query.get("redirect_uri", "")
        where = urlsplit(redirect)
        problem = None
        if query.get("client_id") != self.client_id:
            problem = "AADSTS700016: Application not found in the directory."
        elif where.scheme != "http" or where.hostname not in ("localhost", "127.0.0.1"):
            problem = f"AADSTS50011: The redirect URI '{redirect}' does not match."
        if problem:  # not redirected back: the identity platform shows its own error page
            return 400, {}, {"error": "invalid_request", "error_description": problem}
        scopes = set(query.get("scope", "").split())
        if query.get("response_type") != "code":
            answer = {"error": "unsupported_response_type"}
        elif "Calendars.ReadWrite" not in scopes or "offline_access" not in scopes:
            answer = {"error": "invalid_scope", "error_description": f"scope {sorted(scopes)}"}
        elif query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            answer = {"error": "invalid_request", "error_description": "AADSTS9002325: PKCE"}
        elif not self.consent:
            answer = {
                "error": "access_denied",
                "error_description": "AADSTS65004: User declined to consent to access the app.",
            }
        else:
            code = secrets.token_urlsafe(24)
            self.auth_codes[code] = dict(query)
            answer = {"code": code}
        answer["state"] = query.get("state", "")
        if query.get("response_mode") == "form_post":  # MSAL asks for it: no code in a URL
            fields = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}"/>'
                for k, v in answer.items()
            )
            page = (
                '<html><body onload="document.forms[0].submit()">'
                f'<form method="POST" action="{html.escape(redirect)}">{fields}</form>'
                "</body></html>"
            )
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
        return 302, {"Location": f"{redirect}?{urlencode(answer)}"}, {}

    def _redeem(self, form: dict[str, str], tenant: str):
        """grant_type=authorization_code: the same redirect URI and the PKCE verifier."""
        asked = self.auth_codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if asked is None or asked["redirect_uri"] != form.get("redirect_uri"):
            return 400, {}, {"error": "invalid_grant", "error_description": "AADSTS70000"}
        if challenge != asked["code_challenge"]:
            return 400, {}, {"error": "invalid_grant", "error_description": "AADSTS501481"}
        return 200, {}, self._tokens(tenant, asked.get("nonce"))

    # --- Graph ------------------------------------------------------------------------
    def _etag(self, event: dict) -> str:
        event["changeKey"] = secrets.token_hex(6)
        return f'W/"{event["changeKey"]}"'

    def _public(self, event: dict) -> dict:
        out = {k: v for k, v in event.items() if k != "calendar"}
        out["@odata.etag"] = event["@odata.etag"]
        return out

    def handle(self, request: Request):
        path = request.path
        if not path.startswith("/v1.0/"):
            tenant, _, rest = path[1:].partition("/")
            return self._identity(request, tenant, "/" + rest)
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.access_tokens:
            return graph_error(
                401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
            )
        try:
            return self._graph(request, path[len("/v1.0") :])
        except BadRequest as exc:
            return graph_error(
                400,
                "RequestBodyRead"
                if "property" in str(exc) or "convert" in str(exc).lower()
                else "ErrorInvalidRequest",
                str(exc),
            )

    def _graph(self, request: Request, path: str):
        method = request.method
        if path == "/me/calendar" and method == "GET":
            cal_id = next(k for k, v in self.calendars.items() if v["isDefaultCalendar"])
            return 200, {}, {"id": cal_id, **self.calendars[cal_id]}
        if path == "/me/calendars" and method == "GET":
            items = [{"id": k, **v} for k, v in self.calendars.items()]
            skip = int(request.query.get("$skip", 0))
            page = {"value": items[skip : skip + 2]}
            if skip + 2 < len(items):
                page["@odata.nextLink"] = f"{self.url}/v1.0/me/calendars?$skip={skip + 2}"
            return 200, {}, page
        m = re.fullmatch(r"/me/calendars/([^/]+)(/events(?:/([^/]+))?)?", path)
        if not m:
            return graph_error(400, "BadRequest", f"Resource not found for the segment '{path}'.")
        cal_id, events, event_id = m.group(1), m.group(2), m.group(3)
        if cal_id not in self.calendars:
            return graph_error(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        if not events:
            return 200, {}, {"id": cal_id, **self.calendars[cal_id]}
        if event_id is None:
            if method == "GET":
                return self._list(cal_id, request)
            if method == "POST":
                return self._create(cal_id, request)
            return graph_error(405, "Request_BadRequest", "Method not allowed.")
        event = self.events.get(event_id)
        if event is None or event["calendar"] != cal_id:
            return graph_error(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        match = request.headers.get("if-match")
        if match and match not in ("*", event["@odata.etag"]):
            return graph_error(
                412,
                "ErrorIrresolvableConflict",
                "The change key passed in the request does not match the current change key of the item.",
            )
        if method == "GET":
            return 200, {}, self._public(event)
        if method == "DELETE":
            del self.events[event_id]
            return 204, {}, b""
        if method == "PATCH":
            body = request.json()
            validate_object(body, "event", "event", creating=False)
            merged = {**event, **body}
            check_times(merged)
            event.update(body)
            event["@odata.etag"] = self._etag(event)
            return 200, {}, self._public(event)
        return graph_error(405, "Request_BadRequest", "Method not allowed.")

    def _create(self, cal_id: str, request: Request):
        if not self.calendars[cal_id]["canEdit"]:
            return graph_error(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )
        body = request.json()
        validate_object(body, "event", "event", creating=True)
        for required in ("start", "end"):
            if required not in body:
                raise BadRequest(f"The '{required}' property is required.")
        check_times(body)
        transaction = body.get("transactionId")
        if (
            transaction
            and transaction in self.transactions
            and self.transactions[transaction] in self.events
        ):
            return 201, {}, self._public(self.events[self.transactions[transaction]])
        event_id = "AAMkEv-" + secrets.token_hex(8)
        event = {
            "id": event_id,
            "calendar": cal_id,
            "iCalUId": "04000000" + secrets.token_hex(16),
            **body,
        }
        event["@odata.etag"] = self._etag(event)
        self.events[event_id] = event
        if transaction:
            self.transactions[transaction] = event_id
        return 201, {}, self._public(event)

    FILTER = re.compile(
        r"singleValueExtendedProperties/Any\(ep: ep/id eq '((?:[^']|'')*)' and ep/value eq '((?:[^']|'')*)'\)"
    )

    def _list(self, cal_id: str, request: Request):
        mine = [e for e in self.events.values() if e["calendar"] == cal_id]
        query = request.query.get("$filter")
        if query is not None:
            m = self.FILTER.fullmatch(query)
            if not m:
                return graph_error(
                    400,
                    "ErrorInvalidUrlQueryFilter",
                    "The query filter contains one or more invalid nodes.",
                )
            prop_id, value = (g.replace("''", "'") for g in m.groups())
            mine = [
                e
                for e in mine
                if any(
                    p["id"].lower() == prop_id.lower() and p["value"] == value
                    for p in e.get("singleValueExtendedProperties", [])
                )
            ]
        return 200, {}, {"value": [self._public(e) for e in mine]}

    def uid_of(self, event: dict) -> str:
        return next(p["value"] for p in event.get("singleValueExtendedProperties", []))
