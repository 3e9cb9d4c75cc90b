"""Build the parameter and outcome tables of docs/ODD.md from the code.

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
COLUMNS = (
    "Name",
    "Meaning",
    "Unit",
    "Default",
    "Range / allowed values",
    "Plausible range",
    "Source",
)


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
            _cell(p.unit),
            f"`{format_default(p.default)}`",
            _cell(p.allowed()),
            _plausible(p.plausible),
            _cell(p.source),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def outcome_table() -> str:
    """The Markdown table of every outcome the model records (`exsim.model.registry`), one
    row per outcome or family of outcomes (per role, per knowledge type)."""
    _parameters()  # makes exsim importable
    from exsim.model.registry import OUTCOMES

    header = ("Column", "Label (unit)", "Meaning", "Range", "Kind: `mean_<column>` is the")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    rows: dict[tuple, list[str]] = {}
    for o in OUTCOMES.values():
        shown = o.label.split(":")[0] if o.family else o.label
        key = (o.family or o.name, shown, o.unit, o.meaning, o.range, o.kind)
        rows.setdefault(key, []).append(o.name)
    for (_, shown, unit, meaning, range_, kind), names in rows.items():
        from exsim.model.registry import SUMMARIES

        cells = (
            ", ".join(f"`{n}`" for n in names),
            _cell(f"{shown} ({unit})"),
            _cell(meaning),
            _cell(range_),
            f"{kind}: {SUMMARIES[kind]}",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


OUTCOMES_START, OUTCOMES_END = "<!-- outcomes:start -->", "<!-- outcomes:end -->"
TABLES = ((START, END, markdown_table), (OUTCOMES_START, OUTCOMES_END, outcome_table))
"""The generated tables: their markers and what makes them."""


def _bounds(text: str, start_mark: str = START, end_mark: str = END) -> tuple[int, int]:
    """Offsets of the text between the markers in `text`; ValueError if they are missing."""
    start, end = text.find(start_mark), text.find(end_mark)
    if start < 0 or end < start or text.count(start_mark) != 1 or text.count(end_mark) != 1:
        raise ValueError(f"expected one line {start_mark!r} followed by one line {end_mark!r}")
    return start + len(start_mark), end


def current_table(text: str, marks: tuple[str, str] = (START, END)) -> str:
    """The table that `text` (the ODD document) holds between the markers, stripped."""
    start, end = _bounds(text, *marks)
    return text[start:end].strip()


def replace_table(text: str, table: str, marks: tuple[str, str] = (START, END)) -> str:
    """Return `text` with the part between the markers replaced by `table`."""
    start, end = _bounds(text, *marks)
    return text[:start] + "\n" + table + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    """Print, check or rewrite the parameter table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the ODD table is stale")
    mode.add_argument("--write", action="store_true", help="rewrite the ODD table in place")
    parser.add_argument("--odd", type=Path, default=ODD, help="ODD file (default: %(default)s)")
    args = parser.parse_args(argv)

    if not (args.check or args.write):
        print(markdown_table() + "\n\n" + outcome_table())
        return 0
    try:
        text = args.odd.read_text(encoding="utf-8")
        for start, end, _ in TABLES:
            _bounds(text, start, end)
    except (OSError, ValueError) as err:
        print(f"{args.odd}: {err}", file=sys.stderr)
        return 1
    status, new = 0, text
    for start, end, make in TABLES:
        documented, table = current_table(text, (start, end)), make()
        if documented == table:
            continue
        what = "parameter" if make is markdown_table else "outcome"
        if args.write:
            new = replace_table(new, table, (start, end))
            print(f"{args.odd}: {what} table rewritten")
            continue
        diff = difflib.unified_diff(
            documented.splitlines(), table.splitlines(), "ODD.md", "generated", lineterm="", n=0
        )
        print(
            f"{args.odd}: the {what} table differs from the code; "
            "run `python docs/parameter_table.py --write` to update it.",
            file=sys.stderr,
        )
        print("\n".join(diff), file=sys.stderr)
        status = 1
    if new != text:
        args.odd.write_text(new, encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
