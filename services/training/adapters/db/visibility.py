"""Which rows of a readable source belong to the partnerships a caller reads (shared/security/reading.py): its
own `partnership_id`, its class's, or for a held fact its Kafka key (the partnership's id); and which partnerships
a command's subject belongs to (`SUBJECTS`, shared/persistence/unit_of_work.py)."""

from __future__ import annotations

_OF_THE_CLASSES = "class_id IN (SELECT class_id FROM classes WHERE partnership_id = ANY({}))"
_BY_SOURCE = {
    "classes": "partnership_id = ANY({})",
    "learners": "partnership_id = ANY({})",
    "held_facts": "key = ANY({}::uuid[]::text[])",
}


STUDENTS_PARTNERSHIPS = "SELECT partnership_id FROM learners WHERE student_id = $1"
_OF_ITS_CLASS = "SELECT c.partnership_id FROM {} JOIN classes c USING (class_id) WHERE {}_id = $1"
SUBJECTS = {  # a command's subject by its field: the partnerships it belongs to ($1 its id)
    "student_id": STUDENTS_PARTNERSHIPS,
    "class_id": "SELECT partnership_id FROM classes WHERE class_id = $1",
    "log_id": _OF_ITS_CLASS.format("hours_logs", "log"),
    "internship_id": _OF_ITS_CLASS.format("internships", "internship"),
    "certificate_id": _OF_ITS_CLASS.format("certificates", "certificate"),
    # a learner's move (transfer, restart …) is also of the partnership it left: a party records it only if it
    # belongs to both (shared/security/policy.py)
    "event_id": "SELECT (before ->> 'partnership_id')::uuid FROM learner_transitions WHERE event_id = $1",
}


def kept(source: str) -> str:
    """The condition on `source`'s rows, with `{}` for the array of readable partnership ids."""
    return _BY_SOURCE.get(source, _OF_THE_CLASSES)
