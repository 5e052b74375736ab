"""Which rows of a table belong to the partnerships a caller reads (shared/security/reading.py), as a filter of
queries.py: the row's own `partnership_id`, or for a held fact its student's; and which partnerships a command's
subject belongs to (`SUBJECTS`, shared/persistence/unit_of_work.py)."""

from __future__ import annotations

from typing import Any

from shared.security.reading import Visible

_BY_TABLE = {"held_facts": "student_id IN (SELECT student_id FROM students WHERE partnership_id = ANY({}))"}


STUDENTS_PARTNERSHIPS = "SELECT partnership_id FROM students WHERE student_id = $1"
SUBJECTS = {  # a command's subject by its field: the partnerships it belongs to ($1 its id)
    "student_id": STUDENTS_PARTNERSHIPS,
    **{
        f"{subject}_id": f"SELECT partnership_id FROM {table} WHERE {subject}_id = $1"
        for subject, table in (("offer", "offers"), ("placement", "placements"), ("study", "further_studies"))
    },
}


def readable(seen: Visible, table: str, prefix: str = "") -> dict[str, Any]:
    """No filter for a caller who reads everything; else the condition, `{}` standing for the ids."""
    restriction = seen.restriction()
    if restriction is None:
        return {}
    return {_BY_TABLE.get(table, f"{prefix}partnership_id = ANY({{}})"): restriction}
