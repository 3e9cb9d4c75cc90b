"""The rows of the parameter table that describe the members: the pool and its roles,
status, the norm's legitimacy of each knowledge type, the problem, knowledge, voice,
turn-taking, dialogic capacity and the norm (`exsim.model.parameters` gathers them)."""

from __future__ import annotations

from .parameter_type import Parameter
from .vocabulary import KNOWLEDGE_TYPES, ROLES

BLOG = "CLAHRC NWL blog, May 2016 (BRIEF §1)"
_ROLE_MIX = {"patient": 0.26, "carer": 0.11, "clinician": 0.19, "researcher": 0.24, "manager": 0.20}
_STATUS = {"patient": 0.2, "carer": 0.2, "clinician": 0.7, "researcher": 0.6, "manager": 0.8}
_NORM_OFFSET = {
    "patient": -0.1,
    "carer": -0.1,
    "clinician": 0.05,
    "researcher": 0.1,
    "manager": 0.1,
}
_VOICE_OFFSET = {
    "patient": -0.1,
    "carer": -0.1,
    "clinician": 0.0,
    "researcher": 0.0,
    "manager": 0.1,
}
_LEGITIMACY = {"research": 1.0, "clinical": 0.8, "organisational": 0.6, "experiential": 0.3}


def member_rows() -> list[Parameter]:
    """The parameters of the members, in documentation order."""
    P = Parameter
    rows = [
        P("population.size", 54, "members in the network's pool", BLOG, 2, 100_000),
    ]
    rows += [
        P(
            f"population.mix.{r}",
            _ROLE_MIX[r],
            f"relative share of {r}s in the pool",
            "modelling assumption (the blog names the roles, not their shares)",
            0.0,
            1.0,
        )
        for r in ROLES
    ]
    rows += [
        P(
            f"status.{r}",
            _STATUS[r],
            f"status of a {r} in project hierarchies (0 to 1)",
            "modelling assumption (Berger et al. 1972 name status characteristics, not values)",
            0.0,
            1.0,
        )
        for r in ROLES
    ]
    rows.append(
        P("status.noise", 0.05, "s.d. of individual status around the role's", low=0.0, high=0.5)
    )
    rows.append(
        P(
            "status.competence",
            0.2,
            "how far status tracks the quality of one's own evidence (0: not at all)",
            "Berger et al. 1972; Anderson & Kilduff 2009 (status partly tracks seeming "
            "competence); value a modelling assumption",
            0.0,
            1.0,
        )
    )
    rows += [
        P(
            f"legitimacy.{k}",
            _LEGITIMACY[k],
            f"credibility of {k} knowledge under the organisational norm",
            "Fricker 2007; order from BRIEF §3; values a modelling assumption",
            0.0,
            1.0,
        )
        for k in KNOWLEDGE_TYPES
    ]
    rows += [
        P(
            f"problem.noise.{k}",
            0.5,
            f"s.d. of the private signal on the {k} aspect for those who hold {k} knowledge",
            "Stasser & Titus 1985 (hidden profiles); assumption",
            0.0,
            5.0,
        )
        for k in KNOWLEDGE_TYPES
    ]
    rows += [
        P(
            "problem.evidence",
            0.1,
            "monthly weight of fresh private evidence from one's own work (times knowledge)",
            "Stasser & Titus 1985; assumption",
            0.0,
            1.0,
        ),
        P(
            "knowledge.secondary",
            0.25,
            "knowledge of the types that are not one's main type (main type = 1)",
            low=0.01,
            high=1.0,
        ),
        P("voice.mean", 0.5, "mean propensity to speak", "modelling assumption", 0.05, 1.0),
        P("voice.spread", 0.15, "s.d. of the propensity to speak", low=0.0, high=0.5),
        *(
            P(
                f"voice.offset.{r}",
                _VOICE_OFFSET[r],
                f"added to the mean propensity to speak of {r}s",
                "Berger et al. 1972 (participation follows status characteristics); "
                "value a modelling assumption",
                -0.5,
                0.5,
            )
            for r in ROLES
        ),
        P(
            "turns.status_gradient",
            3.0,
            "how strongly status raises the chance of taking a turn where hierarchy applies",
            "Berger et al. 1972 (expectation states); value a modelling assumption",
            0.0,
            20.0,
        ),
        P("dialogic.initial", 0.2, "dialogic capacity at the start", low=0.0, high=1.0),
        P(
            "dialogic.growth",
            0.05,
            "growth of dialogic capacity per turn heard with full credibility, or per challenge",
            "Matthews & Papoulias 2019 (rehearsal); value a modelling assumption",
            0.0,
            1.0,
        ),
        P("dialogic.decay", 0.02, "monthly fading of dialogic capacity", low=0.0, high=1.0),
        P(
            "norm.endorsement",
            0.7,
            "mean initial endorsement of the organisational norm",
            low=0.0,
            high=1.0,
        ),
        P("norm.spread", 0.15, "s.d. of initial norm endorsement", low=0.0, high=0.5),
        *(
            P(
                f"norm.offset.{r}",
                _NORM_OFFSET[r],
                f"added to the mean initial endorsement of {r}s",
                "Fricker 2007 (the norm favours those whose knowledge it ranks high); value "
                "a modelling assumption",
                -0.5,
                0.5,
            )
            for r in ROLES
        ),
        P(
            "norm.pressure",
            0.05,
            "monthly pull of each member's endorsement toward their project's status-weighted norm",
            low=0.0,
            high=1.0,
        ),
        P(
            "norm.status_weight",
            3.0,
            "how strongly status weighs in a project's norm (weight exp(this * status))",
            "Berger et al. 1972; assumption",
            0.0,
            20.0,
        ),
        P(
            "norm.institutional_pull",
            0.005,
            "monthly pull of endorsement toward full endorsement",
            low=0.0,
            high=1.0,
        ),
    ]
    return rows
