"""A relay that dies by SIGKILL after publishing a batch and before marking it sent (the worst moment)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import asyncpg

from shared.messaging.relay import OutboxRelay


class RelayKilledBeforeMark(OutboxRelay):
    async def _mark_published(self, conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    dsn, schema, bootstrap = sys.argv[1:4]
    asyncio.run(RelayKilledBeforeMark(dsn, schema, bootstrap).run())
