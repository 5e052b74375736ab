"""Which rows of a listing belong to the partnerships a caller reads (shared/security/reading.py): its own
`partnership_id`, or for students and parties the partnerships they applied to or joined; and which partnerships
a command's subject belongs to (`SUBJECTS`, shared/persistence/unit_of_work.py)."""

from __future__ import annotations

from services.recruitment.adapters.db.parties import PARTY_LIST
from services.recruitment.adapters.db.students import STUDENT_LIST

_OF_THE_PARTNERSHIPS = "partnership_id = ANY({})"
_BY_LISTING = {
    STUDENT_LIST: "student_id IN (SELECT student_id FROM applications WHERE partnership_id = ANY({}))",
    PARTY_LIST: "party_id IN (SELECT party_id FROM memberships WHERE partnership_id = ANY({}))",
}


STUDENTS_PARTNERSHIPS = "SELECT partnership_id FROM applications WHERE student_id = $1"
SUBJECTS = {  # a command's subject by its field: the partnerships it belongs to ($1 its id)
    "student_id": STUDENTS_PARTNERSHIPS,
    **{
        f"{subject}_id": f"SELECT partnership_id FROM {table} WHERE {subject}_id = $1"
        for subject, table in (
            ("application", "applications"),
            ("class", "classes"),
            ("programme", "programmes"),
            ("target", "targets"),
            ("funding", "funding"),
        )
    },
}


def kept(listing: str, placeholder: str) -> str:
    """The condition on `listing`'s rows, with `placeholder` for the array of readable partnership ids."""
    return _BY_LISTING.get(listing, _OF_THE_PARTNERSHIPS).format(placeholder)
