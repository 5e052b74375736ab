"""Employment's unit of work on PostgreSQL: its repositories on the transaction's connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from services.employment.adapters.db.held import PostgresHeldFacts
from services.employment.adapters.db.jobs import PostgresOffers, PostgresPlacements
from services.employment.adapters.db.learned import PostgresPartnerships, PostgresStudents, PostgresUpstreamFacts
from services.employment.adapters.db.records import PostgresRecords
from services.employment.adapters.db.visibility import SUBJECTS
from services.employment.application.unit_of_work import EmploymentUnitOfWork
from shared.persistence.unit_of_work import PostgresUnitOfWork


class PostgresEmploymentUnitOfWork(PostgresUnitOfWork, EmploymentUnitOfWork):
    subjects = SUBJECTS

    def bind(self, conn: asyncpg.Connection) -> None:
        self.facts = PostgresUpstreamFacts(conn)
        self.partnerships = PostgresPartnerships(conn)
        self.students = PostgresStudents(conn)
        self.held = PostgresHeldFacts(conn)
        self.offers = PostgresOffers(conn)
        self.placements = PostgresPlacements(conn)
        self.records = PostgresRecords(conn)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        async with self.conn.transaction():
            yield
