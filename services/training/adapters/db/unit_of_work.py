"""Training's unit of work on PostgreSQL: the shared transaction (outbox, idempotency) and training's tables."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from services.training.adapters.db.records import PostgresRecords, PostgresTeaching
from services.training.adapters.db.roster import PostgresClasses, PostgresHeldFacts, PostgresLearners
from services.training.adapters.db.visibility import SUBJECTS
from services.training.application.unit_of_work import TrainingUnitOfWork
from shared.persistence.unit_of_work import PostgresUnitOfWork


class PostgresTrainingUnitOfWork(PostgresUnitOfWork, TrainingUnitOfWork):
    subjects = SUBJECTS

    def bind(self, conn: asyncpg.Connection) -> None:
        self.classes = PostgresClasses(conn)
        self.learners = PostgresLearners(conn)
        self.held = PostgresHeldFacts(conn)
        self.teaching = PostgresTeaching(conn)
        self.records = PostgresRecords(conn)

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        async with self.conn.transaction():  # nested in the unit of work's transaction: a savepoint
            yield
