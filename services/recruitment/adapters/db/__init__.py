"""SQL for the recruitment schema: repositories that load domain state, and the read side's lists."""

from __future__ import annotations

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection of a unit of work, or one borrowed from the pool for a read.
Conn = asyncpg.Connection | PoolConnectionProxy
