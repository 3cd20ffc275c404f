"""Sign-in to Microsoft and Google, with the tokens kept in the system keyring only.

Microsoft: MSAL as a public client (device code or the interactive browser flow);
MSAL's token cache is serialised into the keyring after every change, and MSAL
refreshes an expired access token silently from it. Google: google-auth-oauthlib's
installed-app flow (loopback redirect, PKCE); the authorised-user JSON (refresh
token, client id and secret, token URI) goes to the keyring. Nothing lands in the
database or QSettings. Revoked consent becomes one message: sign in again.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from netdesk.errors import InputError, UserError
from netdesk.models import get_setting
from netdesk.services.sync.engine import SignInAgain
from netdesk.services.sync.keyring_store import delete_secret, load_secret, save_secret

MICROSOFT_SERVICE = "netdesk-microsoft"
GOOGLE_SERVICE = "netdesk-google"
MICROSOFT_SCOPES = ["Calendars.ReadWrite"]  # MSAL adds openid, profile, offline_access
GOOGLE_SCOPES = [
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.readonly",  # only to list calendars
]
MICROSOFT_LOGIN = "https://login.microsoftonline.com"
GOOGLE_REVOKE = "https://oauth2.googleapis.com/revoke"
GOOGLE_AUTH = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
BROWSER_TIMEOUT_S = 300  # a browser sign-in nobody finishes gives up instead of hanging


# --- Microsoft -----------------------------------------------------------------------


@dataclass
class MicrosoftConfig:
    """Which app registration and tenant to sign in with (hospitals register their own)."""

    client_id: str
    tenant: str = "common"  # "organizations", "consumers", "common" or a tenant id
    authority_host: str = MICROSOFT_LOGIN

    @property
    def authority(self) -> str:
        return f"{self.authority_host.rstrip('/')}/{self.tenant}"

    @property
    def cache_key(self) -> str:
        return f"{self.client_id}@{self.tenant}"


class MicrosoftSignIn:
    """MSAL public client whose token cache lives in the keyring."""

    def __init__(self, config: MicrosoftConfig) -> None:
        if not config.client_id.strip():
            raise InputError(
                "No Microsoft application (client) ID: enter the one your administrator "
                "registered (Settings › Calendars, or --client-id); see docs/calendar.md."
            )
        self.config = config
        self._app = None
        self._cache = None

    @property
    def app(self):
        if self._app is None:
            import msal

            self._cache = msal.SerializableTokenCache()
            stored = load_secret(MICROSOFT_SERVICE, self.config.cache_key)
            if stored:
                self._cache.deserialize(stored)
            try:
                self._app = msal.PublicClientApplication(
                    self.config.client_id,
                    authority=self.config.authority,
                    token_cache=self._cache,
                    instance_discovery=self.config.authority_host.rstrip("/") == MICROSOFT_LOGIN,
                    timeout=20,
                )
            except ValueError as exc:
                raise InputError(f"Microsoft sign-in settings are not usable: {exc}") from None
            except Exception as exc:
                raise _unreachable(self.config.authority, exc) from None
        return self._app

    def _save_cache(self) -> None:
        if self._cache is not None and self._cache.has_state_changed:
            save_secret(
                MICROSOFT_SERVICE,
                self.config.cache_key,
                self._cache.serialize(),
                "Microsoft sign-in needs a working system keyring.",
            )
            self._cache.has_state_changed = False

    def _check(self, result: dict | None) -> dict:
        if not result or "access_token" not in result:
            error = (result or {}).get("error", "")
            text = (result or {}).get("error_description", "") or error
            if error in ("invalid_grant", "interaction_required", "") or not result:
                raise SignInAgain(
                    "Microsoft sign-in has expired or consent was withdrawn: sign in again "
                    "(Settings › Calendars › Sign in, or netdesk calendar-signin microsoft)."
                )
            raise UserError(f"Microsoft sign-in failed: {text.splitlines()[0][:200]}")
        self._save_cache()
        return result

    def start_device_flow(self) -> dict:
        """Ask for a device code; the flow's ``message`` tells the user where to type it."""
        try:
            flow = self.app.initiate_device_flow(scopes=MICROSOFT_SCOPES)
        except Exception as exc:
            raise _unreachable(self.config.authority, exc) from None
        if "user_code" not in flow:
            raise UserError(
                "Microsoft did not start the sign-in: "
                f"{flow.get('error_description') or flow.get('error') or flow}"[:300]
            )
        return flow

    def finish_device_flow(
        self, flow: dict, should_stop: Callable[[], bool] = lambda: False
    ) -> str:
        """Wait until the user has signed in (or ``should_stop``); returns the account name."""
        import time

        def stop(flow: dict) -> bool:
            return should_stop() or flow.get("expires_at", 0) < time.time()

        try:
            result = self.app.acquire_token_by_device_flow(flow, exit_condition=stop)
        except Exception as exc:
            raise _unreachable(self.config.authority, exc) from None
        if result.get("error") == "authorization_pending":
            raise UserError("Sign-in was not completed; nothing was changed.")
        self._check(result)
        return self.username() or ""

    def sign_in_interactive(self) -> str:
        """The system browser signs in, with a loopback redirect (needs a desktop session)."""
        try:
            result = self.app.acquire_token_interactive(
                MICROSOFT_SCOPES, prompt="select_account", timeout=BROWSER_TIMEOUT_S
            )
        except RuntimeError as exc:  # MSAL's own checks of the answer (the ID token's nonce)
            raise UserError(f"Microsoft sign-in failed: {str(exc)[:200]}") from None
        except Exception as exc:
            raise _unreachable(self.config.authority, exc) from None
        self._check(result)
        return self.username() or ""

    def username(self) -> str | None:
        accounts = self.app.get_accounts()
        return accounts[0].get("username") if accounts else None

    def access_token(self, force_refresh: bool = False) -> str:
        """A valid access token; MSAL refreshes an expired one from the cached refresh token."""
        accounts = self.app.get_accounts()
        if not accounts:
            raise SignInAgain(
                "Not signed in to Microsoft: Settings › Calendars › Sign in, or "
                "netdesk calendar-signin microsoft."
            )
        try:
            result = self.app.acquire_token_silent_with_error(
                MICROSOFT_SCOPES, account=accounts[0], force_refresh=force_refresh
            )
        except Exception as exc:
            raise _unreachable(self.config.authority, exc) from None
        return self._check(result)["access_token"]

    def sign_out(self) -> None:
        """Forget the accounts and the cache; Microsoft offers public clients no revocation."""
        stored = load_secret(MICROSOFT_SERVICE, self.config.cache_key)
        if stored:
            for account in self.app.get_accounts():
                self.app.remove_account(account)
        delete_secret(MICROSOFT_SERVICE, self.config.cache_key)


def _unreachable(where: str, exc: Exception) -> UserError:
    return UserError(
        f"Cannot reach the sign-in service at {where} ({type(exc).__name__}): "
        "check your network, then try again."
    )


# --- Google --------------------------------------------------------------------------

GOOGLE_KEY = "authorized-user"


def google_client_config(
    path: str | None = None, client_id: str = "", client_secret: str = ""
) -> dict:
    """The "installed" OAuth client: from the organisation's client_secret.json, or typed in."""
    if path:
        from netdesk.services.importing.textfile import check_file

        file = check_file(path)
        if file.stat().st_size > 64 * 1024:
            raise InputError(f"{path} is too big for a client_secret.json (over 64 KB).")
        try:
            data = json.loads(file.read_text("utf-8-sig"))
        except (ValueError, RecursionError):
            raise InputError(
                f"{path} is not a Google client_secret.json (not JSON); download it again "
                "from Google Cloud console › Credentials."
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("installed"), dict):
            raise InputError(
                f'{path} is not a desktop-app OAuth client (no "installed" section); create an '
                "OAuth client of type Desktop app and download its JSON."
            )
        return data
    if not client_id.strip() or not client_secret.strip():
        raise InputError("Give the Google OAuth client ID and secret, or a client_secret.json.")
    return {
        "installed": {
            "client_id": client_id.strip(),
            "client_secret": client_secret.strip(),
            "auth_uri": get_setting("google.auth_uri", "") or GOOGLE_AUTH,
            "token_uri": get_setting("google.token_uri", "") or GOOGLE_TOKEN,
            "redirect_uris": ["http://localhost"],
        }
    }


def google_sign_in(client_config: dict, browser: str | None = None) -> None:
    """Installed-app flow: the browser signs in, Google redirects to a loopback port here.

    PKCE is on (google-auth-oauthlib's default); ``browser`` names a registered
    :mod:`webbrowser` browser, None for the system default.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow

    flow = InstalledAppFlow.from_client_config(client_config, GOOGLE_SCOPES)
    try:
        creds = flow.run_local_server(
            host="127.0.0.1",
            port=0,
            browser=browser,
            open_browser=True,
            authorization_prompt_message="",
            success_message="netdesk is signed in to Google Calendar; you can close this tab.",
            timeout_seconds=BROWSER_TIMEOUT_S,
        )
    except Exception as exc:
        raise UserError(f"Google sign-in did not complete ({type(exc).__name__}: {exc}).") from None
    if creds is None or not creds.refresh_token:
        raise UserError("Google sign-in did not complete; nothing was changed.")
    save_secret(
        GOOGLE_SERVICE, GOOGLE_KEY, creds.to_json(), "Google sign-in needs a working keyring."
    )


def google_credentials():
    """The stored credentials (refreshed by google-auth when expired), or SignInAgain."""
    stored = load_secret(GOOGLE_SERVICE, GOOGLE_KEY)
    if not stored:
        raise SignInAgain(
            "Not signed in to Google: Settings › Calendars › Sign in, or "
            "netdesk calendar-signin google --client-secret FILE."
        )
    from google.oauth2.credentials import Credentials

    try:
        info = json.loads(stored)
        creds = Credentials.from_authorized_user_info(info, GOOGLE_SCOPES)
    except (ValueError, KeyError):
        raise SignInAgain("The stored Google sign-in is unreadable: sign in again.") from None
    if not info.get("token_uri"):
        return creds
    # from_authorized_user_info resets the token URI to Google's; keep the client config's
    # (the copy drops the access token and its expiry, so they are carried over)
    copy = creds.with_token_uri(info["token_uri"])
    copy.token, copy.expiry = creds.token, creds.expiry
    return copy


def save_google_credentials(creds) -> None:
    """Keep a refreshed access token (and any rotated refresh token) for the next run."""
    save_secret(GOOGLE_SERVICE, GOOGLE_KEY, creds.to_json(), "Google needs a working keyring.")


def google_signed_in() -> bool:
    return bool(load_secret(GOOGLE_SERVICE, GOOGLE_KEY))


def google_sign_out(revoke_uri: str = GOOGLE_REVOKE) -> str:
    """Revoke the refresh token at Google (best effort), then forget it here."""
    stored = load_secret(GOOGLE_SERVICE, GOOGLE_KEY)
    note = "Signed out of Google."
    if stored:
        import requests

        token = json.loads(stored).get("refresh_token", "")
        try:
            answer = requests.post(revoke_uri, data={"token": token}, timeout=20)
            if answer.status_code != 200:
                note += " Google did not confirm the revocation; remove netdesk's access at "
                note += "myaccount.google.com › Security if you want to be sure."
        except requests.RequestException:
            note += " Google could not be reached to revoke access; it was forgotten here."
    delete_secret(GOOGLE_SERVICE, GOOGLE_KEY)
    return note
