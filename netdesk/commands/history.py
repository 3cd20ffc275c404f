"""CLI subcommands for history (filled in by its feature work)."""


def register(subparsers) -> None:
    """Add this area's subcommands to ``subparsers``."""
