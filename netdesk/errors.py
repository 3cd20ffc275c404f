"""Errors a user can act on.

Services raise these with a message that names the file, card or line and says what
to do; the CLI prints the message on one line and the GUI shows it in a dialog.
Anything else is a bug and is reported as such.
"""


class UserError(Exception):
    """A problem the user can fix; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(UserError):
    """The input (file, flag, field) is unusable; nothing was written."""

    exit_code = 2


class NotFound(UserError):
    """A referenced row (contact, batch, follow-up) does not exist."""

    exit_code = 3
