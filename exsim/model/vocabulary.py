"""The words of the domain: roles, knowledge types and event formats.

Every other module takes these names from here, so that the ODD, the config keys, the
Python attributes and the output columns use one word for one thing.
"""

ROLES = ("patient", "carer", "clinician", "researcher", "manager")
"""The five roles of Exchange Network members, in a fixed order used by every array."""

KNOWLEDGE_TYPES = ("experiential", "clinical", "research", "organisational")
"""The four knowledge types; the project problem has one aspect per type, same order."""

MAIN_KNOWLEDGE = {
    "patient": "experiential",
    "carer": "experiential",
    "clinician": "clinical",
    "researcher": "research",
    "manager": "organisational",
}
"""The knowledge type each role holds best."""

FORMATS = ("action_learning", "plenary", "facilitated_dialogue")
"""Event formats: how the room is divided and how turns are given."""

GROUPINGS = ("random", "mixed_roles", "by_project")
"""How attendees of an event are divided into groups."""

ROLE_INDEX = {role: i for i, role in enumerate(ROLES)}
KNOWLEDGE_INDEX = {kind: i for i, kind in enumerate(KNOWLEDGE_TYPES)}
MAIN_KNOWLEDGE_INDEX = tuple(KNOWLEDGE_INDEX[MAIN_KNOWLEDGE[r]] for r in ROLES)
