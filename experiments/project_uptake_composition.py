"""Why is project cross-role uptake lowered by suspension? Credibility per pair against
credibility per hearing, in the project teams (#10's diagnosis).

`project_cross_role_uptake` is the mean credibility given per cross-role *hearing* in
the month's project meetings (ODD 7.15): a member who speaks more counts more. Here the
default network runs kept and suspended on common seeds, and each month, besides that
outcome, the credibility every team member gives each teammate of another role is read
from the members' state at the month's end (ODD 7.3, hierarchy kept, as in projects)
and averaged over those *pairs*, each counted once, along with the dialogic capacity of
patients and carers (which raises their share of turns in projects, ODD 7.2), the
projects' speaking equality and norm endorsement; at the defaults and with threat off.
Paired differences (suspended minus kept) with 95% intervals over seeds, and the seeds
in which suspended is above kept.

    python experiments/project_uptake_composition.py          # 10 seeds, 120 months
    python experiments/project_uptake_composition.py --full   # 30 seeds
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from _common import arguments, out_dir, write_table
from scipy import stats

from exsim.config import default_config
from exsim.model import ExchangeModel
from exsim.model.dialogue import credibility
from exsim.model.vocabulary import ROLE_INDEX

MEASURES = {
    "project_cross_role_uptake": "credibility per cross-role hearing (the outcome)",
    "pair_credibility": "credibility per cross-role pair in the teams",
    "patient_carer_capacity": "dialogic capacity of patients and carers",
    "project_speaking_equality": "speaking equality in project meetings",
    "norm_endorsement": "norm endorsement",
}
CONDITIONS = {"defaults": {}, "threat.sensitivity 0": {"threat.sensitivity": 0.0}}
"""The default network, and the same without threat (ODD 7.16)."""


def pair_credibility(model: ExchangeModel) -> float:
    """Mean credibility a team member gives a teammate of another role, over such pairs,
    under kept hierarchy (project meetings), from the members' current state."""
    p, pop, seats = model.params, model.population, model.team_seats()
    cred = credibility(
        pop,
        seats,
        model.legitimacy,
        1.0,
        p["credibility.status_deference"],
        p["ties.trust"],
        p["credibility.status_deficit"],
    )
    present = seats >= 0
    role = np.where(present, pop.role[np.where(present, seats, 0)], -1)
    cross = (role[:, :, None] != role[:, None, :]) & present[:, :, None] & present[:, None, :]
    return float(cred[cross].mean())


def run_arm(config, seed: int, suspension: float, steps: int) -> dict[str, float]:
    """Monthly means over months 1 to `steps` of every measure, one run."""
    changed = {"event.suspension": suspension, "run.steps": steps, "run.seed": seed}
    model = ExchangeModel(**config.replace(**changed).model_kwargs())
    low = np.isin(model.population.role, [ROLE_INDEX["patient"], ROLE_INDEX["carer"]])
    monthly = []
    for _ in range(steps):
        model.step()
        meeting = model.project_meeting
        monthly.append(
            {
                "project_cross_role_uptake": meeting["cross_role_uptake"],
                "pair_credibility": pair_credibility(model),
                "patient_carer_capacity": float(model.population.dialogic[low].mean()),
                "project_speaking_equality": meeting["speaking_equality"],
                "norm_endorsement": float(model.population.endorsement.mean()),
            }
        )
    return pd.DataFrame(monthly).mean().to_dict()


def main() -> None:
    args = arguments(__doc__.splitlines()[0], replicates=10, steps=120, full_replicates=30)
    out = out_dir(args, "project_uptake_composition")
    seeds = np.random.SeedSequence(args.seed).generate_state(args.replicates)
    rows = []
    for condition, changed in CONDITIONS.items():
        config = default_config().replace(**changed)
        for seed in seeds:
            kept, suspended = (run_arm(config, int(seed), s, args.steps) for s in (0.0, 1.0))
            differences = {m: suspended[m] - kept[m] for m in MEASURES}
            rows.append({"condition": condition, "seed": int(seed)} | differences)
    runs = pd.DataFrame(rows)
    runs.to_csv(out / "paired_differences.csv", index=False)
    table = pd.DataFrame(
        [
            {"condition": c} | summary(runs.loc[runs["condition"] == c, m], m)
            for c in CONDITIONS
            for m in MEASURES
        ]
    )
    title = (
        f"Suspended minus kept, default network and without threat, {args.replicates} "
        f"seeds, {args.steps} months (monthly means over the run; 95% t intervals over "
        "seeds):"
    )
    print(write_table(table, out, "project_uptake_composition", title))


def summary(differences: pd.Series, measure: str) -> dict:
    """The mean paired difference of `measure`, its 95% t interval, and the seeds above 0."""
    n = len(differences)
    mean = float(differences.mean())
    spread = differences.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
    half = float(stats.t.ppf(0.975, n - 1) * spread) if n > 1 else np.nan
    return {
        "measure": MEASURES[measure],
        "difference": mean,
        "difference_low": mean - half,
        "difference_high": mean + half,
        "seeds_above": f"{int((differences > 0).sum())} of {n}",
    }


if __name__ == "__main__":
    main()
