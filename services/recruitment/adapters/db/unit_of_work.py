"""The recruitment unit of work on PostgreSQL: the repositories on the transaction's connection, and the vault."""

from __future__ import annotations

import asyncpg

from services.recruitment.adapters.db.classes import PostgresClasses
from services.recruitment.adapters.db.exclusions import PostgresExclusions
from services.recruitment.adapters.db.ledger import PostgresLedger
from services.recruitment.adapters.db.parties import PostgresParties
from services.recruitment.adapters.db.partnerships import PostgresPartnerships
from services.recruitment.adapters.db.state import PostgresRecordedState
from services.recruitment.adapters.db.students import PostgresStudents
from services.recruitment.adapters.db.visibility import SUBJECTS
from services.recruitment.adapters.vault import vault_for
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from shared.persistence.unit_of_work import PostgresUnitOfWork


class PostgresRecruitmentUnitOfWork(PostgresUnitOfWork, RecruitmentUnitOfWork):
    subjects = SUBJECTS

    def bind(self, conn: asyncpg.Connection) -> None:
        self.vault = vault_for(self.settings.national_id_key)
        self.parties = PostgresParties(conn)
        self.partnerships = PostgresPartnerships(conn)
        self.classes = PostgresClasses(conn)
        self.ledger = PostgresLedger(conn)
        self.students = PostgresStudents(conn)
        self.exclusions = PostgresExclusions(conn)
        self.state = PostgresRecordedState(conn)
