"""The read policy over HTTP (issue 10, shared/security/reading.py): `visible(request)` is what the caller may
read, asked of the memberships once per request; every read adapter restricts its queries to it, so a resource of
another party's partnership answers 404 (existence is private) and a listing leaves it out. A student is readable
while one of the partnerships its facts in this service were recorded for is. Names and national IDs need the
`personal_data` scope (`PERSONAL_DATA`, recruitment only)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from shared.errors import NotFound
from shared.security.identity import Actor, Scope
from shared.security.reading import EVERYTHING, MembershipDirectory, Visible, visible_to
from shared.web.auth import actor_of, requires
from shared.web.runtime import runtime_of

_OF_ITS_FACTS = "SELECT key::uuid FROM outbox WHERE headers ->> 'ce_studentid' = $1::uuid::text"


async def visible(request: Request) -> Visible:
    known: Visible | None = getattr(request.state, "visible", None)
    if known is not None:
        return known
    actor = actor_of(request)
    if actor is None:  # an app called in-process as an operator (tests/support/http.py as_operator)
        return EVERYTHING
    directory: MembershipDirectory = request.app.state.memberships  # set by the service's lifespan
    request.state.visible = await visible_to(actor, directory)
    return request.state.visible  # type: ignore[no-any-return]


Visibility = Annotated[Visible, Depends(visible)]


def readable(seen: Visible, partnership_id: UUID | None, what: str) -> None:
    if not seen.includes(partnership_id):
        raise NotFound(f"no {what}")


async def partnership_readable(request: Request, partnership_id: UUID) -> None:
    readable(await visible(request), partnership_id, f"partnership {partnership_id}")


async def student_visible(request: Request, student_id: UUID, partnerships_of_a_student: str) -> bool:
    """`partnerships_of_a_student`: the service's own query of them ($1 the student's id), beside the partnerships
    of the facts it recorded about the student (a transferred student's earlier ones among them)."""
    seen = await visible(request)
    if seen.everything:
        return True
    query = (
        f"SELECT EXISTS (SELECT 1 FROM ({partnerships_of_a_student} UNION {_OF_ITS_FACTS}) AS its (partnership_id)"
        " WHERE partnership_id = ANY($2::uuid[]))"
    )
    async with runtime_of(request).pool.acquire() as conn:
        return bool(await conn.fetchval(query, student_id, seen.restriction()))


def student_readable(partnerships_of_a_student: str) -> Any:
    """A read route's dependency: 404 unless the student (`{student_id}` in the path) is of a partnership the
    caller reads."""

    async def readable_student(request: Request, student_id: UUID) -> None:
        if not await student_visible(request, student_id, partnerships_of_a_student):
            raise NotFound(f"no student {student_id} in a partnership the caller reads")

    return Depends(readable_student)


PARTNERSHIP_READABLE: Any = Depends(partnership_readable)
PersonalData = Annotated[Actor, requires(Scope.PERSONAL_DATA)]
