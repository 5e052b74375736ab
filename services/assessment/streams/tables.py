"""The two tables: a partnership's student, class and partnership records, and the roll-up parts of a parent.

Both are written only inside the agent, so each changelog row goes to the partition of the record that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass

import faust

from services.assessment.settings import AssessmentSettings

RECORDS, ROLLUPS = "records", "rollups"
# What faust gives a table's changelog; compacted, never deleted by age, or recovery gets stuck (ASSESSMENT.md).
CHANGELOG_CONFIG = {"cleanup.policy": "compact"}


@dataclass(frozen=True)
class Tables:
    records: faust.Table[bytes, bytes]
    rollups: faust.Table[bytes, bytes]


def raw_schema() -> faust.Schema:  # type: ignore[type-arg]
    # One instance per user: a table's changelog topic writes its serializers into the schema it is given.
    return faust.Schema(key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")


def create_tables(app: faust.App, settings: AssessmentSettings) -> Tables:
    # A table picks its changelog serializers from key_type/value_type (bytes -> raw), not from its schema.
    options = {"partitions": settings.topic_partitions, "key_type": bytes, "value_type": bytes}
    return Tables(
        records=app.Table(RECORDS, schema=raw_schema(), **options),  # type: ignore[arg-type]
        rollups=app.Table(ROLLUPS, schema=raw_schema(), **options),  # type: ignore[arg-type]
    )


def changelog_topics(settings: AssessmentSettings) -> list[str]:
    """The names faust gives the tables' changelogs (`<app id>-<table>-changelog`)."""
    return [f"{settings.app_id}-{name}-changelog" for name in (RECORDS, ROLLUPS)]
