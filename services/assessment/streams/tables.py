"""The two tables: a partnership's student, class and partnership records, and the roll-up parts of a parent.

Both are written only inside the agent, so each changelog row goes to the partition of the record that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass

import faust

from services.assessment.settings import AssessmentSettings
from services.assessment.streams.topics import raw_schema


@dataclass(frozen=True)
class Tables:
    records: faust.Table[bytes, bytes]
    rollups: faust.Table[bytes, bytes]


def create_tables(app: faust.App, settings: AssessmentSettings) -> Tables:
    # A table picks its changelog serializers from key_type/value_type (bytes -> raw), not from its schema.
    options = {"partitions": settings.topic_partitions, "key_type": bytes, "value_type": bytes}
    return Tables(
        records=app.Table("records", schema=raw_schema(), **options),  # type: ignore[arg-type]
        rollups=app.Table("rollups", schema=raw_schema(), **options),  # type: ignore[arg-type]
    )
