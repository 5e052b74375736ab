"""What a caller may read (issue 10): the partnerships whose records, students and figures it sees.

An operator reads every partnership. A government reads the partnerships of its region: those with a current
member in a locality where the government itself is a current member (a city's bureau joins its city's
programmes, and its MemberJoined says where it is). Any other party reads the partnerships it currently belongs
to. Outside them a resource does not exist for the caller (404, so an id cannot be probed) and a listing leaves
it out. Names and national IDs need the `personal_data` scope on top (recruitment only).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from uuid import UUID

from shared.security.identity import Actor, Role


@dataclass(frozen=True)
class Visible:
    """The partnerships a caller may read; `partnerships` None: every one."""

    partnerships: frozenset[UUID] | None = None

    @property
    def everything(self) -> bool:
        return self.partnerships is None

    def includes(self, partnership_id: UUID | None) -> bool:
        return self.partnerships is None or partnership_id in self.partnerships

    def restriction(self) -> list[UUID] | None:
        """The ids a query keeps (`partnership_id = ANY($n)`), or None when it keeps everything."""
        return None if self.partnerships is None else sorted(self.partnerships)


EVERYTHING = Visible()


class MembershipDirectory(abc.ABC):
    """Who currently belongs to which partnership, as the MemberJoined and MemberLeft facts said."""

    @abc.abstractmethod
    async def partnerships_of(self, party_id: UUID) -> frozenset[UUID]: ...

    @abc.abstractmethod
    async def partnerships_in_region_of(self, party_id: UUID) -> frozenset[UUID]:
        """The party's own partnerships and those with a member where the party is a member."""


async def visible_to(actor: Actor, directory: MembershipDirectory) -> Visible:
    if actor.is_operator:
        return EVERYTHING
    assert actor.party_id is not None  # every client but an operator's belongs to a party
    if actor.role is Role.GOVERNMENT:
        return Visible(await directory.partnerships_in_region_of(actor.party_id))
    return Visible(await directory.partnerships_of(actor.party_id))
