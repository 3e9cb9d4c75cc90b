"""Errors that users see as one line (no heavy imports, so the CLI can catch them fast)."""


class ConfigError(ValueError):
    """A config file, override or value that cannot be used; the message is one line."""


class UsageError(Exception):
    """A command-line mistake; reported in one line with exit status 2."""
