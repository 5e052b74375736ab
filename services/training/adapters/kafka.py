"""Training's Kafka learner: the partnership and recruitment topics, consumed idempotently by the shared runtime.

Each record's envelope goes to the pipeline's handler for `Envelope` (application/handlers/roster.py) inside the
consumer's transaction; an event training's rules can never apply goes to the group's dead-letter topic with the
reason.
"""

from __future__ import annotations

from shared.contracts.base import Stage
from shared.web.runtime import ConsumerSpec

ROSTER = ConsumerSpec("roster", (Stage.PARTNERSHIP, Stage.RECRUITMENT))
