"""Why is project cross-role uptake lowered by suspension? Who speaks against how much
they are believed, in the same project meetings (#10's diagnosis).

`project_cross_role_uptake` is the mean credibility given per cross-role *hearing* in
the month's project meetings (ODD 7.15): a member who speaks more counts more. Here the
default network runs kept and suspended on common seeds, at the defaults and with
threat off, and from each month's project meetings (their tally) come: that outcome;
the same credibility per cross-role *pair* (each listener-speaker pair of different
roles that heard each other counted once, its credibility per hearing); the credibility
every member gives every teammate of another role, from the state at the month's start
(before its event, if any; whether or not they speak); the share of
cross-role hearings in which a patient or carer spoke; and norm endorsement. Each run
gives the mean over its months; the tables give the paired difference (suspended minus
kept) over seeds with its 95% t interval and a one-sample t test, Bonferroni-corrected
for the rows of the table, and the seeds in which suspended is above kept.

    python experiments/project_uptake_composition.py          # 30 seeds, 120 months
    python experiments/project_uptake_composition.py --full   # 100 seeds
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from _common import arguments, first_sentence, out_dir, write_table
from scipy import stats

from exsim.config import default_config
from exsim.model import ExchangeModel
from exsim.model.dialogue import credibility
from exsim.model.vocabulary import ROLE_INDEX

MEASURES = {
    "per_hearing": "credibility per cross-role hearing (the outcome)",
    "per_pair": "credibility per cross-role pair that heard each other",
    "all_pairs": "credibility per cross-role pair of teammates, at the month's start",
    "lower_speaking": "share of cross-role hearings with a patient or carer speaking",
    "lower_credibility": "credibility per cross-role hearing of a patient or carer",
    "other_credibility": "credibility per cross-role hearing of another speaker",
    "pooled": "credibility per cross-role hearing, from the run's means by kind of speaker",
    "kept_mix": "the same, at the kept arm's share of patients and carers speaking",
    "norm_endorsement": "norm endorsement",
}
CONDITIONS = {"defaults": {}, "threat.sensitivity 0": {"threat.sensitivity": 0.0}}
"""The default network, and the same without threat (ODD 7.16)."""
LOWER = [ROLE_INDEX["patient"], ROLE_INDEX["carer"]]


def meeting_measures(model: ExchangeModel) -> dict[str, float]:
    """The measures of this month's project meetings, from their tally: credibility per
    pair per group, then weighted by group size as the outcome is (ODD 7.15); hearings
    and the credibility given in them by who speaks, pooled over the teams."""
    tally, role = model.last_project_tally, model.population.role
    per_pair, weights = [], []
    lower, hearings, lower_credit, credit_all = 0.0, 0.0, 0.0, 0.0
    for g, seats in enumerate(tally.seats):
        here = np.flatnonzero(seats >= 0)
        roles = role[seats[here]]
        heard = tally.heard[g][np.ix_(here, here)]
        credit = tally.uptake[g][np.ix_(here, here)]
        cross = (roles[:, None] != roles[None, :]) & (heard > 0)
        if cross.any():
            per_pair.append(float(np.mean(credit[cross] / heard[cross])))
            weights.append(len(here))
        speaking_lower = np.isin(roles, LOWER)[None, :] & cross
        lower += float(heard[speaking_lower].sum())
        hearings += float(heard[cross].sum())
        lower_credit += float(credit[speaking_lower].sum())
        credit_all += float(credit[cross].sum())
    others = hearings - lower
    return {
        "per_hearing": model.project_meeting["cross_role_uptake"],
        "per_pair": float(np.average(per_pair, weights=weights)) if weights else np.nan,
        "lower_speaking": lower / hearings if hearings else np.nan,
        "lower_credibility": lower_credit / lower if lower else np.nan,
        "other_credibility": (credit_all - lower_credit) / others if others else np.nan,
        "norm_endorsement": float(model.population.endorsement.mean()),
    }


def mixed(arm: dict[str, float], share: float) -> float:
    """Credibility per cross-role hearing if a share `share` of the hearings had a
    patient or carer speaking, at the credibility `arm` gave each kind of speaker."""
    return share * arm["lower_credibility"] + (1.0 - share) * arm["other_credibility"]


def teammates(model: ExchangeModel) -> float:
    """Mean credibility a team member gives a teammate of another role, over all such
    pairs, under kept hierarchy (as in project meetings), from the current state."""
    p, pop, seats = model.params, model.population, model.team_seats()
    deference, trust = p["credibility.status_deference"], p["ties.trust"]
    cred = credibility(
        pop, seats, model.legitimacy, 1.0, deference, trust, p["credibility.status_deficit"]
    )
    present = seats >= 0
    role = np.where(present, pop.role[np.where(present, seats, 0)], -1)
    cross = (role[:, :, None] != role[:, None, :]) & present[:, :, None] & present[:, None, :]
    return float(cred[cross].mean())


def run_arm(config, seed: int, suspension: float, steps: int) -> dict[str, float]:
    """Means over months 1 to `steps` of every measure in one run; a month without a
    value makes the run's mean NaN rather than being skipped."""
    changed = {"event.suspension": suspension, "run.steps": steps, "run.seed": seed}
    model = ExchangeModel(**config.replace(**changed).model_kwargs())
    monthly = []
    for _ in range(steps):
        start = teammates(model)
        model.step()
        monthly.append(meeting_measures(model) | {"all_pairs": start})
    return pd.DataFrame(monthly).mean(skipna=False).to_dict()


def summary(differences: pd.Series, rows: int) -> dict:
    """The mean paired difference, its 95% t interval, the one-sample t test's p times
    `rows` (Bonferroni, at most 1) and the seeds above 0, over the seeds with a value;
    and the seeds without one (NaN: a month without the measure)."""
    missing = int(differences.isna().sum())
    differences = differences.dropna()
    test = stats.ttest_1samp(differences, 0.0)
    low, high = test.confidence_interval(0.95)
    return {
        "difference": float(differences.mean()),
        "difference_low": float(low),
        "difference_high": float(high),
        "p_bonferroni": min(1.0, float(test.pvalue) * rows),
        "seeds_above": f"{int((differences > 0).sum())} of {differences.count()}",
        "seeds_nan": missing,
    }


def main() -> None:
    args = arguments(first_sentence(__doc__), replicates=30, steps=120, full_replicates=100)
    out = out_dir(args, "project_uptake_composition")
    seeds = np.random.SeedSequence(args.seed).generate_state(args.replicates)
    rows = []
    for condition, changed in CONDITIONS.items():
        config = default_config().replace(**changed)
        for seed in seeds:
            kept, suspended = (run_arm(config, int(seed), s, args.steps) for s in (0.0, 1.0))
            for arm in (kept, suspended):
                arm["pooled"] = mixed(arm, arm["lower_speaking"])
            suspended["kept_mix"] = mixed(suspended, kept["lower_speaking"])
            kept["kept_mix"] = kept["pooled"]
            differences = {m: suspended[m] - kept[m] for m in MEASURES}
            gap = kept["other_credibility"] - kept["lower_credibility"]
            rows.append({"condition": condition, "seed": int(seed), "kept_gap": gap} | differences)
    runs = pd.DataFrame(rows)
    runs.to_csv(out / "paired_differences.csv", index=False)
    count = len(CONDITIONS) * len(MEASURES)
    table = pd.DataFrame(
        [
            {"condition": c, "measure": text} | summary(runs.loc[runs["condition"] == c, m], count)
            for c in CONDITIONS
            for m, text in MEASURES.items()
        ]
    )
    title = (
        f"Suspended minus kept, default network and without threat, {args.replicates} "
        f"seeds, {args.steps} months (means over the months; 95% t intervals over seeds; "
        f"t test p times the {count} rows):"
    )
    gaps = [
        f"{c}: {g.mean():.3f} [{low:.3f}, {high:.3f}]"
        for c, g in runs.groupby("condition", sort=False)["kept_gap"]
        for low, high in [stats.ttest_1samp(g, 0.0).confidence_interval(0.95)]
    ]
    note = (
        "In kept meetings (not a difference), another speaker gets this much more "
        f"credibility per cross-role hearing than a patient or carer: {'; '.join(gaps)}."
    )
    text = write_table(table, out, "project_uptake_composition", title)
    with open(out / "project_uptake_composition.md", "a", encoding="utf-8") as md:
        md.write(f"\n{note}\n")
    print(f"{text}\n{note}")


if __name__ == "__main__":
    main()
