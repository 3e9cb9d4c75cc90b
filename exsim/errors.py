"""Errors that users see as one line (no heavy imports, so the CLI can catch them fast)."""


class ConfigError(ValueError):
    """A config file, override or value that cannot be used; the message is one line."""


class SettingError(ConfigError):
    """A setting of the environment that cannot be used (the variable
    ``EXSIM_MEMORY_LIMIT``, the process's memory limit); the message is one line and
    names where the setting came from, never a config file, which it did not come from."""


class UsageError(Exception):
    """A command-line mistake; reported in one line with exit status 2."""


class OutcomeError(ConfigError):
    """An outcome added to a model returned something that is not a number, at some month.

    Attributes:
        outcome: the outcome's name.
        detail: what it returned and when (the message without the name).
    """

    def __init__(self, outcome: str, detail: str) -> None:
        super().__init__(f"outcome {outcome!r}: {detail}")
        self.outcome = outcome
        self.detail = detail
