"""Configuration: TOML files of model parameters, validated on load.

A config file sets parameters by their dotted names as TOML tables::

    base = "../exchange_network.toml"   # optional: start from another file
    [event]
    suspension = 0.0

Anything not set takes the value of the base file, or the model's default. Every error
is a `ConfigError` whose message is one line naming the file, the key and what is
allowed.
"""

from __future__ import annotations

import json
import stat
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from .errors import ConfigError, OutcomeError, SettingError
from .model.parameters import PARAMETERS, suggest, validate
from .outcome_modules import outcome_function

__all__ = ["Config", "ConfigError", "default_config", "load_config"]


@dataclass(frozen=True)
class Config:
    """A complete, validated set of model parameters (dotted names) and where it came from."""

    values: Mapping[str, Any]
    source: str = "<defaults>"
    overrides: tuple[str, ...] = field(default=())
    outcomes: tuple[tuple[str, str, str], ...] = field(default=())
    """Outcomes the config adds (its ``[outcomes]`` table): ``(name, "module:function",
    folder searched first)``; see `exsim.outcome_modules`."""

    def __getitem__(self, name: str) -> Any:
        """The value of parameter `name` (dotted)."""
        return self.values[name]

    def replace(self, **dotted: Any) -> Config:
        """A copy with some parameters changed, e.g. ``replace(**{"run.seed": 3})``;
        a bad value is a `ConfigError` naming the parameter."""
        for name in dotted:
            if name not in PARAMETERS:
                raise ConfigError(f"{printable(name)}: unknown parameter{suggest(name)}")
        try:
            values = validate({**self.values, **dotted})
        except ValueError as err:
            raise ConfigError(str(err)) from None
        return Config(values, self.source, self.overrides, self.outcomes)

    def with_values(self, values: Mapping[str, Any], source: str, overrides=()) -> Config:
        """A config of other (already validated) `values` that adds the same outcomes."""
        return Config(values, source, tuple(overrides), self.outcomes)

    def added(self) -> tuple[str, ...]:
        """The names of the outcomes this config adds."""
        return tuple(name for name, _, _ in self.outcomes)

    def model_outcomes(self) -> dict[str, Any]:
        """The functions of the outcomes this config adds, for `ExchangeModel`'s
        ``outcomes`` argument (imported on first use, in any process)."""
        return {name: outcome_function(ref, folder) for name, ref, folder in self.outcomes}

    def model_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `ExchangeModel` (dots become underscores)."""
        return {PARAMETERS[k].keyword: v for k, v in self.values.items()}

    def to_toml(self, header: str = "") -> str:
        """The whole resolved config as a TOML document, enough to rerun it exactly, with
        each parameter's meaning as a comment and `header` as leading comment lines."""
        text = commented_toml(self.values, header)
        if self.outcomes:
            text += "\n# outcomes this config adds (module searched first in the folder named)\n"
            text += "[outcomes]\n"
            for name, ref, folder in self.outcomes:
                text += (
                    f"{name} = {{function = {json.dumps(ref)}, folder = {json.dumps(folder)}}}\n"
                )
        return text


def default_config() -> Config:
    """The model's defaults (the calibrated Exchange Network) as a `Config`."""
    return Config(checked({}, "<defaults>"))


def load_config(
    path: str | Path, overrides: Iterable[str] | Mapping[str, Any] | None = None
) -> Config:
    """Load and validate a config file, then apply `overrides`.

    Args:
        path: a TOML config file (it may name a `base` file to start from).
        overrides: ``["event.suspension=0", ...]`` as given to ``--set``, or a mapping
            of dotted names to values.

    Raises:
        ConfigError: one line naming the file, the key and what is allowed.

    Example:
        >>> cfg = load_config("configs/exchange_network.toml", ["event.suspension=0"])
        >>> cfg["event.suspension"]
        0.0
    """
    added: dict[str, tuple[str, str, str]] = {}
    values = read_layers(Path(path), added=added)
    values = checked(values, str(path))
    if added:
        check_outcomes(Config(values, str(path), (), tuple(added.values())), str(path))
    if overrides:
        values = checked({**values, **parse_overrides(overrides)}, "--set")
    shown = (
        tuple(overrides)
        if overrides and not isinstance(overrides, Mapping)
        else tuple(f"{k}={v}" for k, v in (overrides or {}).items())
    )
    return Config(values, str(path), shown, tuple(added.values()))


MAX_BASE_CHAIN = 32
"""The most files a chain of ``base`` files may hold (a longer chain is surely a mistake)."""

MAX_FILE_BYTES = 16 * 2**20
"""The largest config, sweep or sensitivity file read (16 MB)."""


def read_layers(
    path: Path, seen: tuple[Path, ...] = (), added: dict | None = None
) -> dict[str, Any]:
    """Read `path` and, first, the chain of `base` files it names; later files win.

    The chain is followed in a loop, not by recursion: a loop of files naming each other
    and a chain of more than `MAX_BASE_CHAIN` files are errors naming the file.
    """
    layers: list[dict[str, Any]] = []
    chain = [p.resolve() for p in seen]
    current: Path | None = path
    while current is not None:
        data = read_toml(current)
        resolved = current.resolve()
        if resolved in chain:
            raise ConfigError(f"{current}: base: files name each other in a loop")
        if len(chain) >= MAX_BASE_CHAIN:
            raise ConfigError(
                f"{current}: base: a chain of more than {MAX_BASE_CHAIN} base files; "
                "name the file with the values directly"
            )
        chain.append(resolved)
        base = data.pop("base", None)
        table = data.pop("outcomes", {})
        if added is not None:
            for name, entry in reversed(outcome_table(table, current).items()):
                added.setdefault(name, entry)  # a later file wins
        layers.append(flatten(data, str(current)))
        if base is not None and not isinstance(base, str):
            raise ConfigError(f"{current}: base: must be a path string relative to this file")
        current = _base_path(current, base) if base is not None else None
    values: dict[str, Any] = {}
    for layer in reversed(layers):
        values.update(layer)
    return values


def _base_path(path: Path, base: str) -> Path:
    """The file that `path`'s ``base`` key names; a `ConfigError` naming the key when
    there is no such file."""
    named = path.parent / base
    if not named.exists():
        raise ConfigError(f"{path}: base: {base!r} names no file ({named} does not exist)")
    return named


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into a one-line `ConfigError`: a missing
    file, one that is not a regular file (a folder, a pipe, a device), one that cannot be
    read, is too large, is not UTF-8 or is not valid TOML."""
    path = Path(path)
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except ValueError as err:  # TOMLDecodeError, or an integer of too many digits
        raise ConfigError(f"{path}: malformed TOML: {_one_line(err)}") from None


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular UTF-8 file of at most `limit` bytes, or a `ConfigError`."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot be read ({_reason(err)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{path}: not a regular file (a pipe, socket or device)")
    if info.st_size > limit:
        raise ConfigError(f"{path}: {info.st_size} bytes; files over {limit} bytes are not read")
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as err:
        raise ConfigError(f"{path}: cannot be read ({_reason(err)})") from None
    if len(data) > limit:
        raise ConfigError(f"{path}: files over {limit} bytes are not read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start})") from None


def _reason(err: OSError) -> str:
    return err.strerror or type(err).__name__


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def flatten(data: Mapping[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables to dotted names; unknown names are errors."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, where, name + "."))
            continue
        if name not in PARAMETERS:
            raise ConfigError(f"{where}: {printable(name)}: unknown parameter{suggest(name)}")
        flat[name] = value
    return flat


def nest(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted names to nested tables (the inverse of `flatten`)."""
    root: dict[str, Any] = {}
    for name, value in values.items():
        *tables, leaf = name.split(".")
        node = root
        for t in tables:
            node = node.setdefault(t, {})
        node[leaf] = value
    return root


def commented_toml(values: Mapping[str, Any], header: str = "") -> str:
    """TOML for dotted `values`, one table per group, each line commented with the
    parameter's meaning."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    tables: dict[str, list[str]] = {}
    for name, value in values.items():
        table, _, leaf = name.rpartition(".")
        literal = tomli_w.dumps({"v": value})[4:].strip()
        tables.setdefault(table, []).append(
            f"{leaf} = {literal}".ljust(32) + f"  # {PARAMETERS[name].meaning}"
        )
    for table, rows in tables.items():
        lines += ["" if lines else None, f"[{table}]", *rows]
    return "\n".join(line for line in lines if line is not None) + "\n"


DEFAULT_HEADER = """\
The Exchange Network (NIHR CLAHRC Northwest London, 2013 on), as calibrated by exsim.
A pool of 54 members of five roles, an event every third month (four a year) with
15-25 attending, co-facilitated action-learning sets that suspend project hierarchy,
run for ten simulated years. Every parameter is listed; docs/ODD.md explains each one.
Generated from the parameter schema by: python -m exsim.config"""


def checked(values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Validate dotted values against the schema; errors name `where`."""
    try:
        return validate(dict(values))
    except KeyError as err:
        raise ConfigError(f"{where}: {err.args[0]}") from None
    except SettingError:  # from the environment, not from `where`: said as it is
        raise
    except ValueError as err:
        raise ConfigError(f"{where}: {err}") from None


def parse_overrides(overrides: Iterable[str] | Mapping[str, Any]) -> dict[str, Any]:
    """``key=value`` strings (values in TOML syntax, bare words as strings) to a dict."""
    if isinstance(overrides, Mapping):
        items = dict(overrides)
    else:
        items = {}
        for text in overrides:
            key, sep, raw = text.partition("=")
            key = key.strip()
            if not sep or not key:
                raise ConfigError(f"--set: {text!r}: use key=value, e.g. event.suspension=0.5")
            items[key] = parse_value(raw.strip())
    for key in items:
        if key not in PARAMETERS:
            raise ConfigError(f"--set: {printable(key)}: unknown parameter{suggest(key)}")
    return items


def printable(name: str) -> str:
    """`name` for a one-line message: as it is, or quoted with escapes if it holds a
    character that would break the line (a control character)."""
    return name if name.isprintable() else repr(name)


def parse_value(raw: str) -> Any:
    """A ``--set`` value: TOML syntax (``0.5``, ``true``, ``"x"``) or a bare word."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except (ValueError, KeyError):  # not TOML (or an integer of too many digits): a word
        return raw


if __name__ == "__main__":
    print(commented_toml(default_config().values, DEFAULT_HEADER), end="")


def outcome_table(table: Any, path: Path) -> dict[str, tuple[str, str, str]]:
    """A config's ``[outcomes]`` table, checked for form: name -> ``"module:function"``
    (searched first in the config's folder), or ``{function = "module:function", folder =
    "..."}`` (searched first in that folder, relative to the config's; `Config.to_toml`
    writes this form, so that a run folder's config.toml finds the module where it was
    declared)."""
    if not isinstance(table, dict):
        raise ConfigError(f'{path}: outcomes: a table of name = "module:function"')
    here = path.resolve().parent
    entries = {}
    for name, value in table.items():
        where = f"{path}: outcomes.{name}"
        if not name.isidentifier() or name.startswith(("_", "final_", "mean_")):
            raise ConfigError(
                f"{where}: name an outcome with letters, digits and _ "
                "(not starting with _, final_ or mean_)"
            )
        ref, folder = _outcome_entry(value, where, here)
        if not isinstance(ref, str) or ref.count(":") != 1 or not all(ref.split(":")):
            raise ConfigError(f'{where}: {ref!r}; use "module:function"')
        entries[name] = (name, ref, folder)
    return entries


def _outcome_entry(value: Any, where: str, here: Path) -> tuple[Any, str]:
    """``(reference, folder searched first)`` of one entry of an ``[outcomes]`` table."""
    if not isinstance(value, dict):
        return value, str(here)
    unknown = set(value) - {"function", "folder"}
    if unknown or "function" not in value or not isinstance(value.get("folder", ""), str):
        raise ConfigError(
            f'{where}: use "module:function" or {{function = "module:function", folder = "..."}}}}'
        )
    folder = (here / value.get("folder", ".")).resolve()
    if not folder.is_dir():
        raise ConfigError(
            f"{where}: folder {folder} (where the outcome was declared) is not there any "
            "more; restore it, or give the folder that holds the module"
        )
    return value["function"], str(folder)


def check_outcomes(config: Config, where: str) -> None:
    """Every outcome `config` adds names a function that a model can call and that
    returns a number (tried on the config's model at month 0); else a `ConfigError`."""
    from .model import ExchangeModel

    functions = {}
    for name, ref, folder in config.outcomes:
        key = f"{where}: outcomes.{name}: {ref!r}"
        module_name, function_name = ref.split(":")
        try:
            functions[name] = outcome_function(ref, folder)
        except ModuleNotFoundError as err:
            raise ConfigError(f"{key}: no module {err.name!r} (in {folder} or installed)") from None
        except AttributeError:
            raise ConfigError(f"{key}: module {module_name!r} has no {function_name!r}") from None
        except Exception as err:  # the module itself fails on import
            raise ConfigError(f"{key}: importing it failed: {_one_line(err)}") from None
        if not callable(functions[name]):
            raise ConfigError(f"{key}: is not callable (a function of the model)")
    try:
        ExchangeModel(**config.replace(**{"run.steps": 1}).model_kwargs(), outcomes=functions)
    except OutcomeError as err:
        raise ConfigError(f"{where}: outcomes.{err.outcome}: {err.detail}") from None
    except Exception as err:
        name = next((n for n in functions if repr(n) in str(err)), config.outcomes[0][0])
        raise ConfigError(f"{where}: outcomes.{name}: {_one_line(err)}") from None
