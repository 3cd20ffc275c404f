"""Secrets in the system keyring: read, saved (and checked to be kept), removed.

Tokens and passwords never go to the database or QSettings; a keyring that
accepts and forgets (the "null" backend) is reported instead of silently failing.
"""

from netdesk.errors import UserError

NO_KEYRING = (
    "The system keyring could not be read: no keyring service is running here "
    "(start GNOME Keyring or KWallet, or see docs/calendar.md)."
)


def load_secret(service: str, key: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        return keyring.get_password(service, key)
    except NoKeyringError:
        raise UserError(NO_KEYRING) from None
    except KeyringError as exc:
        raise UserError(f"The system keyring could not be read ({exc}).") from None


def save_secret(service: str, key: str, value: str, hint: str = "", what: str = "secret") -> None:
    """Save to the system keyring, and check it was really kept."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(service, key, value)
        kept = keyring.get_password(service, key) == value
    except KeyringError as exc:
        raise UserError(f"The system keyring refused the {what} ({exc}). {hint}") from None
    if not kept:  # e.g. the "null" backend accepts and forgets
        raise UserError(
            f"The system keyring did not keep the {what} (is a keyring service running?). {hint}"
        )


def delete_secret(service: str, key: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(service, key)
    except PasswordDeleteError:
        pass  # nothing stored: nothing to remove
    except KeyringError as exc:
        raise UserError(f"The system keyring could not be changed ({exc}).") from None
