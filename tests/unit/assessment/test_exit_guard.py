"""A crashed worker whose shutdown hangs still ends its process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from services.assessment.streams.exit_guard import EXIT_CODE

HANGING_AFTER_A_CRASH = textwrap.dedent(
    """
    import asyncio, time
    from mode import Service
    from services.assessment.streams.exit_guard import guard_exit_after_crash

    async def main():
        service = Service()
        guard_exit_after_crash(service, grace=0.2)
        await service.crash(RuntimeError("stalled"))
        time.sleep(60)  # a shutdown that never ends, the event loop blocked with it

    asyncio.run(main())
    """
)


def test_a_crashed_service_whose_shutdown_hangs_ends_its_process_with_the_guards_code() -> None:
    done = subprocess.run([sys.executable, "-c", HANGING_AFTER_A_CRASH], capture_output=True, timeout=30)
    assert done.returncode == EXIT_CODE, done.stderr.decode()[-2000:]


def test_a_service_that_never_crashed_is_left_alone() -> None:
    script = HANGING_AFTER_A_CRASH.replace('await service.crash(RuntimeError("stalled"))', "").replace("60", "2")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
