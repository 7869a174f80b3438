"""A Rapport worker running due work and delivering what it queues, for the several-workers
test: on the database it is given (a postgresql:// URL or a SQLite path), it runs what is
due at its clock's time and delivers to a platform over HTTP (a fake one, run by the test),
then exits when nothing is left to claim.

    python -m tests.faults.due_worker DATABASE URL NAME SECONDS_AFTER_START

The test runs three at once on one PostgreSQL database and kills one with SIGKILL mid-run.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import timedelta

import aiohttp

from bot.service import Core
from storage.databases import open_repository
from tests.fakes import FakeClock, FakeResolver
from tests.faults.fanout_worker import START, HttpMessenger, settings


async def main(database: str, url: str, name: str, after: int) -> None:
    repo = await open_repository(database)
    try:
        async with aiohttp.ClientSession() as session:
            messenger = HttpMessenger(session, url, name)
            clock = FakeClock(START + timedelta(seconds=after))
            core = Core(repo, messenger, clock, FakeResolver(), settings(8))
            await core.run_due(clock.now())
            while await core.deliver():
                pass
            await core.drain()
    finally:
        await repo.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
