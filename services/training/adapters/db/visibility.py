"""Which rows of a readable source belong to the partnerships a caller reads (shared/security/reading.py): its
own `partnership_id`, its class's, or for a held fact its Kafka key (the partnership's id)."""

from __future__ import annotations

_OF_THE_CLASSES = "class_id IN (SELECT class_id FROM classes WHERE partnership_id = ANY({}))"
_BY_SOURCE = {
    "classes": "partnership_id = ANY({})",
    "learners": "partnership_id = ANY({})",
    "held_facts": "key = ANY({}::uuid[]::text[])",
}


STUDENTS_PARTNERSHIPS = "SELECT partnership_id FROM learners WHERE student_id = $1"


def kept(source: str) -> str:
    """The condition on `source`'s rows, with `{}` for the array of readable partnership ids."""
    return _BY_SOURCE.get(source, _OF_THE_CLASSES)
