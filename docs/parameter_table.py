"""Build the parameter table of docs/ODD.md from the model's parameter schema.

The table in ``docs/ODD.md`` sits between the lines ``<!-- parameters:start -->`` and
``<!-- parameters:end -->`` and is generated from `exsim.model.parameters.PARAMETERS`,
so the documentation cannot drift from the code::

    python docs/parameter_table.py            # print the table
    python docs/parameter_table.py --check    # exit 1 if ODD.md's table is out of date
    python docs/parameter_table.py --write    # rewrite ODD.md's table in place
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

ODD = Path(__file__).resolve().parent / "ODD.md"
"""The ODD document whose parameter table this script maintains."""

START = "<!-- parameters:start -->"
END = "<!-- parameters:end -->"
COLUMNS = ("Name", "Meaning", "Default", "Range / allowed values", "Plausible range", "Source")


def _parameters() -> dict[str, Any]:
    """Return `PARAMETERS`, importing exsim from this checkout if it is not installed."""
    try:
        from exsim.model.parameters import PARAMETERS
    except ImportError:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from exsim.model.parameters import PARAMETERS
    return PARAMETERS


def _cell(text: str) -> str:
    """Make `text` safe inside one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def format_default(value: Any) -> str:
    """Write a default value as it would appear in a TOML config file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _plausible(bounds: tuple[float, float] | None) -> str:
    """The plausible range as 'low to high', or a dash where there is none."""
    if bounds is None:
        return "—"
    return " to ".join(f"{b:g}" for b in bounds)


def markdown_table() -> str:
    """The Markdown table of every model parameter, in schema order, without a final newline."""
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    for p in _parameters().values():
        cells = (
            f"`{p.name}`",
            _cell(p.meaning),
            f"`{format_default(p.default)}`",
            _cell(p.allowed()),
            _plausible(p.plausible),
            _cell(p.source),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _bounds(text: str) -> tuple[int, int]:
    """Offsets of the text between the markers in `text`; ValueError if they are missing."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < 0 or end < start or text.count(START) != 1 or text.count(END) != 1:
        raise ValueError(f"expected one line {START!r} followed by one line {END!r}")
    return start + len(START), end


def current_table(text: str) -> str:
    """The table that `text` (the ODD document) holds between the markers, stripped."""
    start, end = _bounds(text)
    return text[start:end].strip()


def replace_table(text: str, table: str) -> str:
    """Return `text` with the part between the markers replaced by `table`."""
    start, end = _bounds(text)
    return text[:start] + "\n" + table + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    """Print, check or rewrite the parameter table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the ODD table is stale")
    mode.add_argument("--write", action="store_true", help="rewrite the ODD table in place")
    parser.add_argument("--odd", type=Path, default=ODD, help="ODD file (default: %(default)s)")
    args = parser.parse_args(argv)

    table = markdown_table()
    if not (args.check or args.write):
        print(table)
        return 0
    try:
        text = args.odd.read_text(encoding="utf-8")
        documented = current_table(text)
    except (OSError, ValueError) as err:
        print(f"{args.odd}: {err}", file=sys.stderr)
        return 1
    if args.write:
        if documented != table:
            args.odd.write_text(replace_table(text, table), encoding="utf-8")
            print(f"{args.odd}: parameter table rewritten")
        else:
            print(f"{args.odd}: parameter table already up to date")
        return 0
    if documented == table:
        return 0
    diff = difflib.unified_diff(
        documented.splitlines(), table.splitlines(), "ODD.md", "generated", lineterm="", n=0
    )
    print(
        f"{args.odd}: the parameter table differs from exsim.model.parameters.PARAMETERS; "
        f"run `python docs/parameter_table.py --write` to update it.",
        file=sys.stderr,
    )
    print("\n".join(diff), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
