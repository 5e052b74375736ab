"""The one place where the domain's refusals become the shared HTTP errors (404, 409, 409, 422)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from services.recruitment.domain.errors import DuplicateFact, IllegalMove, ImpossibleFact, UnknownRecord
from shared.web.errors import Conflict, IllegalTransition, InvalidFact, NotFound


@contextlib.contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except UnknownRecord as error:
        raise NotFound(error.detail) from error
    except IllegalMove as error:
        raise IllegalTransition(error.detail) from error
    except DuplicateFact as error:
        raise Conflict(error.detail) from error
    except ImpossibleFact as error:
        raise InvalidFact(error.detail) from error
