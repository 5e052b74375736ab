"""What was known on D: a fact counts once recorded by the end of D in Asia/Shanghai (DOMAIN.md, "Clocks")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from simulation.recording import recorded_day


@dataclass(frozen=True, slots=True)
class Known:
    as_of: date
    stamps: Mapping[str, datetime]  # fact key -> recorded_at; a fact without one was recorded on its business date

    def recorded(self, key: str, business_date: date) -> bool:
        """Recorded by the end of D, whatever the fact's own date (corrections and retractions apply back)."""
        stamp = self.stamps.get(key)
        return (business_date if stamp is None else recorded_day(stamp)) <= self.as_of

    def has(self, key: str, business_date: date) -> bool:
        """Recorded by the end of D and dated D or earlier: a future-dated fact is not yet true."""
        return business_date <= self.as_of and self.recorded(key, business_date)
