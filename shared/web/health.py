"""Health that tells the truth (issue 13): a service is "degraded" when its broker is unreachable, its relay is
stuck, its outbox backlog or a learner's lag passes a threshold, or the broker refused events for good.

A monitor task reads all of it every few seconds, so `/health` answers at once however slow the broker or the
database is, and writes can refuse work (503, Retry-After) when the outbox has grown past its limit instead of
filling the disk while Kafka is away.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import structlog

from shared.config import ServiceSettings
from shared.infra.kafka_probe import kafka_healthy
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.relay import OutboxRelay
from shared.observability.metrics import BROKER_REACHABLE, CONSUMER_LAG, OUTBOX_BACKLOG, OUTBOX_OLDEST_SECONDS

log = structlog.get_logger(__name__)
STUCK_AFTER_SECONDS = 30.0


@dataclass
class HealthReport:
    checked_at: datetime | None = None
    broker_reachable: bool = True
    database_reachable: bool = True
    outbox_backlog: int = 0
    oldest_unsent_seconds: float | None = None
    outbox_dead_letters: int = 0
    consumer_lag: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class ServiceMonitor:
    def __init__(
        self,
        settings: ServiceSettings,
        pool: asyncpg.Pool,
        relay: OutboxRelay,
        consumers: list[IdempotentConsumer],
        interval: float = 2.0,
    ) -> None:
        self._settings = settings
        self._pool = pool
        self._relay = relay
        self._consumers = consumers
        self._interval = interval
        self.report = HealthReport()

    @property
    def over_limit(self) -> bool:
        return self.report.outbox_backlog >= self._settings.outbox_limit

    async def run(self) -> None:
        while True:
            try:
                self.report = await self.check()
            except Exception:  # a monitor task that ended would answer its last report, "ok", forever
                log.exception("health check failed")
                self.report = HealthReport(checked_at=datetime.now(UTC), problems=["health check failing"])
            await asyncio.sleep(self._interval)

    async def check(self) -> HealthReport:
        report = HealthReport(checked_at=datetime.now(UTC))
        report.broker_reachable = await asyncio.to_thread(kafka_healthy, self._settings.kafka_bootstrap_servers, 2.0)
        try:
            row = await asyncio.wait_for(
                self._pool.fetchrow(
                    "SELECT count(*) FILTER (WHERE published_at IS NULL AND dead_lettered_at IS NULL) AS backlog,"
                    " extract(epoch FROM now() - min(created_at)"
                    "   FILTER (WHERE published_at IS NULL AND dead_lettered_at IS NULL)) AS oldest,"
                    " count(*) FILTER (WHERE dead_lettered_at IS NOT NULL) AS dead"
                    " FROM outbox WHERE published_at IS NULL"
                ),
                timeout=5,
            )
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            report.database_reachable = False
        else:
            assert row is not None  # an aggregate always answers one row
            report.outbox_backlog = int(row["backlog"])
            report.oldest_unsent_seconds = float(row["oldest"]) if row["oldest"] is not None else None
            report.outbox_dead_letters = int(row["dead"])
        report.consumer_lag = {consumer.group: consumer.lag for consumer in self._consumers}
        report.problems = self._problems(report)
        self._export(report)
        return report

    def _export(self, report: HealthReport) -> None:
        OUTBOX_BACKLOG.labels(self._relay.schema).set(report.outbox_backlog)
        OUTBOX_OLDEST_SECONDS.labels(self._relay.schema).set(report.oldest_unsent_seconds or 0.0)
        BROKER_REACHABLE.labels(self._relay.schema).set(1 if report.broker_reachable else 0)
        for group, lag in report.consumer_lag.items():
            CONSUMER_LAG.labels(group).set(lag)

    def _problems(self, report: HealthReport) -> list[str]:
        problems = []
        if not report.broker_reachable:
            problems.append("broker unreachable")
        if not report.database_reachable:
            problems.append("database unreachable")
        if self._relay_stuck(report):
            problems.append(f"outbox relay stuck: {self._relay.last_error or 'no progress'}")
        if report.outbox_backlog >= self._settings.outbox_alert:
            problems.append(f"outbox backlog {report.outbox_backlog} >= {self._settings.outbox_alert}")
        if report.outbox_dead_letters:
            problems.append(f"{report.outbox_dead_letters} events refused by the broker (outbox_dead_letters)")
        problems += [
            f"consumer {group} lags {lag} records"
            for group, lag in report.consumer_lag.items()
            if lag >= self._settings.lag_alert
        ]
        return problems

    def _relay_stuck(self, report: HealthReport) -> bool:
        oldest = report.oldest_unsent_seconds or 0.0
        return (not self._relay.listening or self._relay.last_error is not None) and oldest > STUCK_AFTER_SECONDS

    def as_json(self, service: str) -> dict[str, Any]:
        report = self.report
        return {
            "status": "degraded" if report.problems else "ok",
            "service": service,
            "problems": report.problems,
            "broker_reachable": report.broker_reachable,
            "database_reachable": report.database_reachable,
            "outbox_backlog": report.outbox_backlog,
            "oldest_unsent_seconds": report.oldest_unsent_seconds,
            "outbox_dead_letters": report.outbox_dead_letters,
            "outbox_limit": self._settings.outbox_limit,
            "published": self._relay.published,
            "relay_listening": self._relay.listening,
            "relay_last_error": self._relay.last_error,
            "consumer_lag": report.consumer_lag,
            "checked_at": report.checked_at.isoformat() if report.checked_at else None,
        }
