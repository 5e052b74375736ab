"""What a party's client may read (issue 10): a student's timeline only while its party belongs to a partnership
the student's facts in this service were recorded for; otherwise the student does not exist for it (404, so an
id cannot be probed). Operators read everything. Names and national IDs need the `personal_data` scope
(`PERSONAL_DATA`, recruitment only)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from shared.errors import NotFound
from shared.security.identity import Actor, Scope
from shared.web.auth import actor_of, requires
from shared.web.runtime import runtime_of

_MEMBER_OF_THE_STUDENTS_PARTNERSHIP = """
SELECT EXISTS (
    SELECT 1 FROM party_memberships
    WHERE party_id = $1 AND left_on IS NULL
      AND partnership_id IN (SELECT DISTINCT key::uuid FROM outbox WHERE headers ->> 'ce_studentid' = $2)
)"""


async def student_readable(request: Request, student_id: UUID) -> None:
    actor = actor_of(request)
    if actor is None or actor.is_operator:
        return
    async with runtime_of(request).pool.acquire() as conn:
        member = await conn.fetchval(_MEMBER_OF_THE_STUDENTS_PARTNERSHIP, actor.party_id, str(student_id))
    if not member:
        raise NotFound(f"no student {student_id} in a partnership of party {actor.party_id}")


STUDENT_READABLE: Any = Depends(student_readable)
PersonalData = Annotated[Actor, requires(Scope.PERSONAL_DATA)]
