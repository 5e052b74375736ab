from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.recruitment.domain import exclusions as rules
from services.recruitment.domain.errors import DuplicateFact, IllegalMove, ImpossibleFact
from services.recruitment.domain.exclusions import Exclusion
from shared.contracts.corrections import ExclusionReason
from tests.unit.recruitment.builders import DAY, application, enrolment


def test_an_exclusion_is_keyed_by_the_partnership_of_the_students_class() -> None:
    live = enrolment(application())
    applied, partnership_id = rules.apply_exclusion(live.student_id, live, None, ExclusionReason.DEATH)
    assert (applied.reason, partnership_id) == (ExclusionReason.DEATH, live.partnership_id)


def test_a_student_never_enrolled_cannot_be_excluded() -> None:
    with pytest.raises(IllegalMove, match="never enrolled"):
        rules.apply_exclusion(uuid4(), None, None, ExclusionReason.LONG_ILLNESS)


def test_a_second_standing_exclusion_is_a_duplicate() -> None:
    live = enrolment(application())
    standing = Exclusion(uuid4(), live.partnership_id, ExclusionReason.MILITARY_SERVICE, DAY)
    with pytest.raises(DuplicateFact, match="already excluded"):
        rules.apply_exclusion(live.student_id, live, standing, ExclusionReason.DEATH)


def test_only_a_standing_exclusion_is_revoked_and_not_before_it_began() -> None:
    with pytest.raises(IllegalMove, match="no standing exclusion"):
        rules.standing_exclusion(uuid4(), None)
    standing = Exclusion(uuid4(), uuid4(), ExclusionReason.MILITARY_SERVICE, DAY)
    with pytest.raises(ImpossibleFact, match="precedes the exclusion"):
        rules.revoke_exclusion(standing, "", date(2025, 2, 1))
    assert rules.revoke_exclusion(standing, "back from service", DAY)
