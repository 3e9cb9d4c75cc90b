"""The unit of every model parameter, in the field's plain terms.

Shares, chances and indices run from 0 to 1; *risk units* are the common scale on which
a member weighs the motive to challenge against the risk of doing so (ODD 7.6); a
*multiplier in an exponent* scales a quantity inside exp(·) (a status weight, a
responsiveness). `exsim.model.parameters` attaches these to its table
(`Parameter.unit`); a test checks that every parameter has one.
"""

from __future__ import annotations

from .vocabulary import KNOWLEDGE_TYPES, ROLES

SHARE = "share (0-1)"
INDEX = "index (0-1)"
CHANCE = "chance (0-1)"
MONTHLY = "share per month"
RISK = "risk units"
EXPONENT = "dimensionless (multiplier in an exponent)"
SWITCH = "true or false"
CHOICE = "a named choice"

UNITS: dict[str, str] = {
    "population.size": "members",
    **{f"population.mix.{r}": "relative weight (shares are these over their sum)" for r in ROLES},
    **{f"status.{r}": INDEX for r in ROLES},
    "status.noise": "index (0-1), standard deviation",
    "status.competence": SHARE,
    **{f"legitimacy.{k}": "credibility (0-1)" for k in KNOWLEDGE_TYPES},
    **{f"problem.noise.{k}": "belief scale, standard deviation" for k in KNOWLEDGE_TYPES},
    "problem.evidence": MONTHLY,
    "knowledge.secondary": INDEX,
    "voice.mean": "propensity to speak (0-1)",
    "voice.spread": "propensity to speak, standard deviation",
    **{f"voice.offset.{r}": "propensity to speak (added)" for r in ROLES},
    "turns.status_gradient": EXPONENT,
    "dialogic.initial": INDEX,
    "dialogic.growth": "index (0-1) per turn heard or challenge",
    "dialogic.decay": MONTHLY,
    "norm.endorsement": INDEX,
    "norm.spread": "index (0-1), standard deviation",
    **{f"norm.offset.{r}": "index (added)" for r in ROLES},
    "norm.pressure": MONTHLY,
    "norm.status_weight": EXPONENT,
    "norm.institutional_pull": MONTHLY,
    "credibility.status_deference": "credibility per unit of status gap",
    "credibility.status_deficit": SHARE,
    "credibility.calibration": "share per hearing",
    "credibility.feedback": SHARE,
    "talk.sampling": SWITCH,
    "talk.mention": CHANCE,
    "talk.shared_bias": "dimensionless (a power)",
    "uptake.rate": "share (0-1) per utterance",
    "uptake.capacity_weight": SHARE,
    "challenge.threshold": RISK,
    "challenge.sharpness": RISK + " (logistic scale)",
    "challenge.status_risk": RISK + " per unit of status gap",
    "challenge.superior_risk": RISK + " per unit of status gap",
    "challenge.facilitation_safety": RISK,
    "challenge.contagion": RISK,
    "challenge.sanction": "status per challenge, per unit of status gap",
    "challenge.discomfort": RISK,
    "threat.sensitivity": "threat per unit of status",
    "threat.contact": SHARE,
    "threat.reactance": SHARE,
    "challenge.uptake": CHANCE,
    "challenge.shift": SHARE,
    "ties.growth": "tie strength per unit of reciprocal uptake",
    "ties.trust": SHARE,
    "ties.safety": RISK,
    "ties.decay": MONTHLY,
    "project.size": "members",
    "project.rounds": "rounds per meeting",
    "project.targets": RISK,
    "event.suspension": INDEX,
    "action.motive": RISK,
    "action.reception": SHARE,
    "event.knowledge_space": INDEX,
    "event.format": CHOICE,
    "event.facilitation": INDEX,
    "event.group_size": "members",
    "event.rounds": "rounds per event",
    "event.every": "months",
    "event.until": "month",
    "event.grouping": CHOICE,
    "event.superiors_present": SWITCH,
    "attendance.rate": CHANCE,
    "attendance.voluntary": SWITCH,
    "attendance.responsiveness": EXPONENT,
    "attendance.safety": "experience per risk unit",
    "attendance.memory": SHARE,
    "attendance.reference": "experience (-1 to 1)",
    **{f"attendance.{r}": "multiplier of the rate" for r in ROLES},
    "run.steps": "months",
    "run.seed": "none (an identifier)",
}
"""The unit of each parameter, by dotted name."""
