"""Shared helpers of the experiment scripts: arguments, output folder, tables."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "configs" / "designs"
DEFAULT = ROOT / "configs" / "exchange_network.toml"


def arguments(
    description: str, replicates: int, steps: int, full_replicates: int, full_steps: int = 120
) -> argparse.Namespace:
    """Parse the options every experiment takes; --full switches to the results size."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--full",
        action="store_true",
        help=f"full size: {full_replicates} replicates, {full_steps} months",
    )
    parser.add_argument("--replicates", type=int, help=f"runs per design (default {replicates})")
    parser.add_argument("--steps", type=int, help=f"months per run (default {steps})")
    parser.add_argument("--seed", type=int, default=2013, help="root seed (default 2013)")
    parser.add_argument("--out", type=Path, help="output folder (default results/experiments/NAME)")
    args = parser.parse_args()
    args.replicates = args.replicates or (full_replicates if args.full else replicates)
    args.steps = args.steps or (full_steps if args.full else steps)
    return args


def out_dir(args: argparse.Namespace, name: str) -> Path:
    """The experiment's output folder, created."""
    out = args.out or ROOT / "results" / "experiments" / name
    out.mkdir(parents=True, exist_ok=True)
    return out


def ci(row: pd.Series, prefix: str = "difference") -> str:
    """'+0.123 [+0.100, +0.150]' for a difference (or 'mean') and its interval."""
    return f"{row[prefix]:+.3f} [{row[f'{prefix}_low']:+.3f}, {row[f'{prefix}_high']:+.3f}]"


def write_table(table: pd.DataFrame, out: Path, name: str, title: str) -> str:
    """Write `table` as CSV and Markdown; return the Markdown."""
    table.to_csv(out / f"{name}.csv", index=False)
    text = f"{title}\n\n{markdown(table)}\n"
    (out / f"{name}.md").write_text(text, encoding="utf-8")
    return text


def markdown(table: pd.DataFrame) -> str:
    """A Markdown table (numbers to 3 decimals)."""

    def cell(v):
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = [
        "| " + " | ".join(map(str, table.columns)) + " |",
        "| " + " | ".join("---" for _ in table.columns) + " |",
    ]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)
    ]
    return "\n".join(lines)


def first_sentence(docstring: str) -> str:
    """The first sentence of a script's docstring, on one line (its --help description)."""
    text = " ".join(docstring.split())
    ends = [i for i in (text.find(". "), text.find("? ")) if i >= 0]
    return text[: min(ends) + 1] if ends else text
