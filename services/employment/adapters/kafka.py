"""Employment's Kafka learner: the events of the partnership, recruitment and training topics go to the
pipeline's handler for `Envelope` (application/handlers/learning.py), in the consumer's transaction."""

from __future__ import annotations

from shared.contracts.base import Stage
from shared.web.runtime import ConsumerSpec

CONSUMERS = (ConsumerSpec("upstream", (Stage.PARTNERSHIP, Stage.RECRUITMENT, Stage.TRAINING)),)
