"""What every recorded fact states besides its own fields: when it happened and on what evidence."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import Evidence


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    occurred_on: date | None = Field(
        default=None,
        description="The business date (Asia/Shanghai). May be in the past, never in the future; today if omitted.",
        examples=["2025-03-01"],
    )
    evidence: Evidence = Field(default=Evidence.SCHOOL_RECORD, description="How the fact is known.")


def own_id(what: str) -> Any:
    """An optional client-chosen id, so a batch of facts (an import) can refer to what it creates."""
    return Field(
        default=None,
        description=f"The new {what}'s id, if the caller chooses it (imports do); generated when omitted.",
        examples=[None],
    )
