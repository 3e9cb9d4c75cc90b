"""Why does suspension push an outcome one way? Ablations over a small sample of
plausible parameter sets (#10's diagnosis).

The sets are drawn as in `where_suspension_helps.py` (Latin hypercube over the plausible
ranges); each runs kept and suspended on common seeds, first as drawn ("none"), then with
one mechanism (or a pair) set to its neutral value. Per ablation and outcome the table
gives how many sets have a mean paired difference (suspended minus kept) above / below 0,
and the mean difference over sets. A small sample: a diagnosis, not a map (that is
`where_suspension_helps.py`).

    python experiments/where_suspension_helps.py --help   # the map
    python experiments/suspension_ablations.py   # 12 sets x 3 seeds: about 1 min on 2 idle cores
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd
from _common import ROOT, first_sentence, write_table
from where_suspension_helps import OUTCOMES, draw_sets, summarise

import exsim
from exsim.config import default_config
from exsim.model.parameters import PARAMETERS

ABLATIONS = {
    "none": {},
    "threat.sensitivity 0": {"threat.sensitivity": 0.0},
    "threat.reactance 0": {"threat.reactance": 0.0},
    "threat.contact 0": {"threat.contact": 0.0},
    "action.motive 0": {"action.motive": 0.0},
    "attendance.responsiveness 0": {"attendance.responsiveness": 0.0},
    "attendance.safety 0": {"attendance.safety": 0.0},
    "challenge.sanction 0": {"challenge.sanction": 0.0},
    "challenge.discomfort 0": {"challenge.discomfort": 0.0},
    "status.competence 0": {"status.competence": 0.0},
    "credibility.status_deficit 1": {"credibility.status_deficit": 1.0},
    "ties.trust, ties.safety 0": {"ties.trust": 0.0, "ties.safety": 0.0},
    "event.knowledge_space 0": {"event.knowledge_space": 0.0},
    "threat 0, action 0": {"threat.sensitivity": 0.0, "action.motive": 0.0},
    "threat 0, responsiveness 0": {"threat.sensitivity": 0.0, "attendance.responsiveness": 0.0},
}
"""Each ablation: the parameters set to their neutral value on top of every drawn set."""


def paired(task: tuple[dict, int, int]) -> dict[str, float]:
    """Suspended minus kept, one seed, every outcome of `OUTCOMES`."""
    values, seed, steps = task
    config = default_config().replace(**values, **{"run.steps": steps})
    arms = [
        summarise(exsim.run(config.replace(**{"event.suspension": s}), seed=seed).timeseries)
        for s in (0.0, 1.0)
    ]
    return {name: arms[1][name] - arms[0][name] for name in OUTCOMES}


def main() -> None:
    parser = argparse.ArgumentParser(description=first_sentence(__doc__))
    parser.add_argument("--sets", type=int, default=12, help="parameter sets (default 12)")
    parser.add_argument("--replicates", type=int, default=3, help="seeds per set (default 3)")
    parser.add_argument("--steps", type=int, default=120, help="months per run (default 120)")
    parser.add_argument("--seed", type=int, default=7, help="root seed (default 7)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--out", type=Path, help="default results/experiments/NAME")
    args = parser.parse_args()
    out = args.out or ROOT / "results" / "experiments" / "suspension_ablations"
    out.mkdir(parents=True, exist_ok=True)
    sets = draw_sets(args.sets, args.seed)
    records = [
        {k: PARAMETERS[k].kind(v) for k, v in row.items()} for row in sets.to_dict("records")
    ]
    seeds = np.random.SeedSequence(args.seed).generate_state(args.replicates, np.uint32)
    rows = []
    with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
        for name, neutral in ABLATIONS.items():
            tasks = [({**r, **neutral}, int(s), args.steps) for r in records for s in seeds]
            per_set = pd.DataFrame(pool.map(paired, tasks))
            per_set = per_set.groupby(np.repeat(np.arange(args.sets), len(seeds))).mean()
            row = {"ablation": name}
            for outcome in OUTCOMES:
                d = per_set[outcome]
                row[outcome] = f"{(d > 0).sum()}+ / {(d < 0).sum()}- ({d.mean():+.3f})"
            rows.append(row)
    title = (
        f"{args.sets} sets x {args.replicates} seeds, {args.steps} months; sets with "
        "suspended minus kept above / below 0 (mean over sets):"
    )
    print(write_table(pd.DataFrame(rows), out, "suspension_ablations", title))


if __name__ == "__main__":
    main()
