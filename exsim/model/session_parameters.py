"""The rows of the parameter table that describe sessions and what follows from them:
credibility, talk, uptake, challenges, threat, ties, projects, events, actions,
attendance and the run (`exsim.model.parameters` gathers them)."""

from __future__ import annotations

from .member_parameters import BLOG
from .parameter_type import Parameter
from .vocabulary import FORMATS, GROUPINGS, ROLES


def session_rows() -> list[Parameter]:
    """The parameters of sessions, projects, events, attendance and the run, in
    documentation order."""
    P = Parameter
    rows = [
        P(
            "credibility.status_deference",
            1.0,
            "how much status over the listener's raises credibility where hierarchy applies",
            "Berger et al. 1972; Fricker 2007; value a modelling assumption",
            0.0,
            5.0,
        ),
        P(
            "credibility.status_deficit",
            1.0,
            "how much status under the listener's lowers credibility where hierarchy "
            "applies, as a share of how much status over it raises it (1: as much; 0: "
            "status never lowers credibility)",
            "Berger et al. 1972 (status orders influence both ways); Fricker 2007 "
            "(credibility deficit); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "credibility.calibration",
            0.02,
            "rate at which listeners move credibility toward the observed reliability of speakers",
            "BRIEF §3 (the mechanism); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "credibility.feedback",
            0.5,
            "share of the check on a speaker's reliability that the work's outcome gives "
            "(1: the truth, an oracle; 0: only the listener's own view)",
            "Fricker 2007 (credibility deficits are self-sealing); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "talk.sampling",
            True,
            "whether an utterance mentions only some aspects, by chance (false: every "
            "utterance carries every aspect)",
            "Stasser & Titus 1985, 1987 (collective information sampling)",
        ),
        P(
            "talk.mention",
            0.5,
            "chance that an utterance mentions an aspect the speaker knows fully (times "
            "their knowledge of it), when sampling",
            "Stasser & Titus 1987 (sampling probability); value a modelling assumption",
            0.01,
            1.0,
        ),
        P(
            "talk.shared_bias",
            1.0,
            "how much more often an aspect is mentioned the better the room knows it "
            "(its chance times the room's mean knowledge of it to this power)",
            "Stasser & Titus 1987; Wittenbaum, Hubbell & Zuckerman 1999 (mutual "
            "enhancement); value a modelling assumption",
            0.0,
            5.0,
        ),
        P(
            "uptake.rate",
            0.3,
            "share of the gap a fully open listener moves toward a fully credible speaker "
            "who knows far more (the most anyone moves per utterance)",
            "DeGroot 1974; Flache et al. 2017; value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "uptake.capacity_weight",
            0.5,
            "how much a listener's openness depends on their dialogic capacity",
            low=0.0,
            high=1.0,
        ),
        P(
            "challenge.threshold",
            0.8,
            "how much motive must exceed risk before a challenge is voiced",
            "spiral of silence; assumption",
            -2.0,
            2.0,
        ),
        P(
            "challenge.sharpness",
            0.1,
            "softness of the challenge threshold (logistic scale)",
            low=0.01,
            high=1.0,
        ),
        P(
            "challenge.status_risk",
            1.0,
            "risk felt per unit of status gap to the highest in the room, where hierarchy applies",
            low=0.0,
            high=5.0,
        ),
        P(
            "challenge.superior_risk",
            1.0,
            "risk felt per unit of status gap to one's own project leader when present",
            low=0.0,
            high=5.0,
        ),
        P(
            "challenge.facilitation_safety",
            0.5,
            "risk removed by full facilitation",
            low=0.0,
            high=2.0,
        ),
        P(
            "challenge.contagion",
            0.3,
            "risk removed when all others in the group have challenged (pro rata by share)",
            "Noelle-Neumann 1974 (spiral of silence); value a modelling assumption",
            0.0,
            2.0,
        ),
        P(
            "challenge.sanction",
            0.1,
            "status a challenger loses per challenge heard by their own leader, per unit "
            "of the leader's status over theirs",
            "Burris 2012 (challengers judged worse); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "challenge.discomfort",
            0.3,
            "risk felt from meeting other knowledge types one has no tie with, at zero "
            "dialogic capacity",
            "Myron et al. 2018 (challenging first, productive later); value a modelling assumption",
            0.0,
            2.0,
        ),
        P(
            "threat.sensitivity",
            1.0,
            "threat felt per unit of status above the room's mean that a session sets aside",
            "Oliver, Kothari & Mays 2019 (professional costs); value a modelling assumption",
            0.0,
            10.0,
        ),
        P(
            "threat.contact",
            0.5,
            "share of the threat a member feels that a full tie with every member below "
            "them in the room takes away",
            "Pettigrew & Tropp 2008 (contact lowers intergroup anxiety and threat); value "
            "a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "threat.reactance",
            0.1,
            "share of the gap to full endorsement a fully threatened listener closes on "
            "hearing challenges they do not take up",
            "Argyris 1990 (defensive routines); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "challenge.uptake",
            0.5,
            "chance that a listener giving full credibility takes up a heard challenge",
            low=0.0,
            high=1.0,
        ),
        P(
            "challenge.shift",
            0.2,
            "share of the gap in endorsement a take-up closes",
            low=0.0,
            high=1.0,
        ),
        P("ties.growth", 0.3, "growth of a tie per unit of reciprocal uptake", low=0.0, high=1.0),
        P(
            "ties.trust",
            0.3,
            "share of the gap to full credibility a listener closes for a speaker they hold "
            "a full tie with",
            "Edmondson 1999 (trust and safety in teams); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "ties.safety",
            0.5,
            "risk of challenging removed when one holds full ties with everyone present",
            "Edmondson 1999; Nembhard & Edmondson 2006; value a modelling assumption",
            0.0,
            2.0,
        ),
        P("ties.decay", 0.02, "monthly fading of ties", low=0.0, high=1.0),
        P("project.size", 9, "members per project team", low=2, high=1000),
        P(
            "project.rounds",
            2,
            "rounds of dialogue in a monthly project meeting (0: none)",
            low=0,
            high=50,
        ),
        P(
            "project.targets",
            0.3,
            "extra risk of challenging in projects, from target pressure",
            low=0.0,
            high=2.0,
        ),
        P(
            "event.suspension",
            1.0,
            "how far events suspend project hierarchy (0 kept, 1 suspended)",
            "Matthews & Papoulias 2019",
            0.0,
            1.0,
        ),
        P(
            "action.motive",
            0.3,
            "motive to challenge that an action committed in an action-learning set adds "
            "in project meetings until it is tried (0: presenters commit to nothing)",
            "Revans 2011 (action learning: commit, act, report); value a modelling assumption",
            0.0,
            2.0,
        ),
        P(
            "action.reception",
            0.2,
            "share by which a tried action's reception moves the member's endorsement: "
            "down if a listener took the challenge up, up toward 1 if nobody did",
            low=0.0,
            high=1.0,
        ),
        P(
            "event.knowledge_space",
            0.5,
            "how far events set aside the norm's ranking of knowledge types (0 kept, 1 "
            "every type as legitimate as the mean)",
            "Matthews & Papoulias 2019 (a 'knowledge space'); degree a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "event.format",
            "action_learning",
            "how the room is divided and turns are given",
            BLOG,
            choices=FORMATS,
        ),
        P(
            "event.facilitation",
            0.6,
            "facilitation strength (co-facilitated by a patient leader)",
            BLOG + " (co-facilitated); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "event.group_size",
            6,
            "members per group (not used by plenary)",
            "Revans (action-learning sets)",
            2,
            1000,
        ),
        P("event.rounds", 4, "rounds of dialogue per event", low=1, high=50),
        P(
            "event.every",
            3,
            "months between events (0: no events)",
            BLOG + ": four a year",
            0,
            1200,
        ),
        P("event.until", 0, "last month with events (0: events never stop)", low=0, high=100_000),
        P(
            "event.grouping",
            "mixed_roles",
            "how attendees are divided into groups",
            choices=GROUPINGS,
        ),
        P(
            "event.superiors_present",
            False,
            "whether one's own project leader may share one's group (false: kept apart)",
            "Matthews & Papoulias 2019 (distance from projects)",
        ),
        P(
            "attendance.rate",
            0.37,
            "chance that a member attends an event",
            BLOG + ": 15-25 of 54",
            0.0,
            1.0,
        ),
        P(
            "attendance.voluntary",
            True,
            "members choose independently (true) or a fixed number is sent (false)",
            BLOG,
        ),
        P(
            "attendance.responsiveness",
            1.0,
            "how strongly a member's remembered experience of events moves their chance of "
            "coming (0: not at all)",
            "BRIEF §1 (flexible commitment); value a modelling assumption",
            0.0,
            10.0,
        ),
        P(
            "attendance.safety",
            1.0,
            "how much the status risk a member felt in an event (the gap to the room's top "
            "where hierarchy applies, and to their own leader if present) lowers their "
            "experience of it (0: not at all)",
            "Nembhard & Edmondson 2006 (status raises felt safety); value a modelling assumption",
            0.0,
            5.0,
        ),
        P(
            "attendance.memory",
            0.5,
            "weight of the latest event in a member's remembered experience",
            low=0.0,
            high=1.0,
        ),
        P(
            "attendance.reference",
            0.5,
            "experience at which a member's chance of coming neither rises nor falls",
            low=-1.0,
            high=1.0,
        ),
    ]
    rows += [
        P(
            f"attendance.{r}",
            1.0,
            f"attendance weight of {r}s relative to the rate",
            low=0.0,
            high=5.0,
        )
        for r in ROLES
    ]
    rows += [
        P(
            "run.steps",
            120,
            "months simulated (120 = ten years)",
            BLOG + ": running since 2013",
            1,
            100_000,
        ),
        P("run.seed", 2013, "root seed of the run", low=0, high=2**63 - 1),
    ]
    return rows
