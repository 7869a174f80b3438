"""A Rapport process under load, for the crash test. On the SQLite file it is given, Alice logs
referrals to Bob as fast as she can, and every third command Bob marks the previous one
contacted; each acknowledged command prints one line, flushed at once:

    referral <referral id> <request key>
    update <referral id> <request key>

It runs until it is killed. Its Messenger refuses every delivery, so whatever the commands
queued stays in the outbox for the next process to deliver.

    python -m tests.faults.load_worker DB RUN
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from datetime import UTC, datetime

from bot.config import Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError
from bot.service import Core
from bot.work import Context
from storage.databases import open_repository
from tests.fakes import FakeClock, FakeResolver, channel, user

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # the worker's clock never moves
GENERAL = channel()


def request_key(run: str, n: int) -> str:
    return f"load:{run}:{n}"


def referral_line(run: str, n: int) -> str:
    # each run's prospects have their own numbers: one prospect passed twice to the same
    # member while open would be refused as a duplicate
    exchange = 555 + sum(map(ord, run)) % 400
    return (
        f"/referral @bob Prospect {run}-{n} p{run}.{n}@load.example"
        f" 082 {exchange} {n % 10000:04d} -- load test heat:{n % 5 + 1}"
    )


def update_line(referral_id: int) -> str:
    return f"/referrals update {referral_id} contacted -- called them"


class RefusingMessenger:
    """The platform is down for this whole process."""

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        await asyncio.sleep(0)
        raise DeliveryError("the platform is down")

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        await asyncio.sleep(0)
        raise DeliveryError("the platform is down")


async def main(db: str, run: str) -> None:
    repo = await open_repository(db)
    core = Core(repo, RefusingMessenger(), FakeClock(START), FakeResolver(), Settings())
    last: int | None = None
    n = 0
    try:
        while True:
            n += 1
            key = request_key(run, n)
            if n % 3 == 0 and last is not None:
                ctx = Context(user("bob"), GENERAL, key)
                [reply] = await core.handle(ctx, update_line(last))
                assert reply.kind == "referral.updated", reply
                print("update", last, key, flush=True)
                continue
            [reply] = await core.handle(Context(user("alice"), GENERAL, key), referral_line(run, n))
            assert reply.kind == "referral.logged", reply.fallback()
            m = re.search(r"Referral #(\d+)", reply.fallback())
            assert m is not None
            last = int(m.group(1))
            print("referral", last, key, flush=True)
    finally:
        await repo.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(sys.argv[1], sys.argv[2]))
