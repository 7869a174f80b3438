"""A Rapport process delivering a big fan-out, for the fan-out fault tests: on the SQLite file it
is given, its dispatcher delivers what the outbox holds to a platform over HTTP (a fake one,
run by the test), many messages in flight, and exits when it found nothing more to claim.

    python -m tests.faults.fanout_worker DB URL NAME CONCURRENCY

The test kills it with SIGKILL mid-fan-out, or runs two of them at once on one file.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp

from bot.config import DeliverySettings, Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError
from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.fakes import FakeClock, FakeResolver

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # the worker's clock never moves


class HttpMessenger:
    """Hands each message to the platform at `url`: its conversation, text and delivery key,
    and which process sent it."""

    def __init__(self, session: aiohttp.ClientSession, url: str, name: str) -> None:
        self.session = session
        self.url = url
        self.name = name

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        await self._send(f"@{to.user_id}", message, key)

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        await self._send(f"#{channel.channel_id}", message, key)

    async def _send(self, conversation: str, message: OutMessage, key: str | None) -> None:
        body = {
            "conversation": conversation,
            "text": message.fallback(),
            "key": key,
            "process": self.name,
        }
        try:
            async with self.session.post(self.url, json=body) as r:
                if r.status != 200:
                    raise DeliveryError(f"the platform answered {r.status}")
        except aiohttp.ClientError as e:
            raise DeliveryError(f"the platform is out of reach: {e}") from e


def settings(concurrency: int) -> Settings:
    return replace(Settings(), delivery=DeliverySettings(concurrency=concurrency))


async def main(db: str, url: str, name: str, concurrency: int) -> None:
    repo = await SqliteRepository.open(db)
    try:
        async with aiohttp.ClientSession() as session:
            messenger = HttpMessenger(session, url, name)
            core = Core(repo, messenger, FakeClock(START), FakeResolver(), settings(concurrency))
            await core.deliver()
    finally:
        await repo.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
