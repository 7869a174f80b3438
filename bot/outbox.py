"""Delivering what the outbox holds: claim due rows, hand each to the Messenger, mark it sent.

Rows are written in the same transaction as the change that caused them, so a crash loses
nothing; a row is claimed atomically, so two processes never both send it; it is marked sent
only after the platform took it, and retried with backoff when the platform failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.model import UserRef
from bot.ports import (
    Clock,
    DeliveryError,
    Messenger,
    NeedsAdmin,
    OutboxItem,
    RecipientUnreachable,
    Repository,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM_SECONDS = 300  # a row "sending" this long belongs to a process that died


def backoff_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min … capped at an hour."""
    return int(min(30 * 2 ** (attempts - 1), 3600))


class Outbox:
    def __init__(
        self,
        repo: Repository,
        messenger: Messenger,
        clock: Clock,
        on_unreachable: Callable[[OutboxItem], Awaitable[None]] | None = None,
        on_needs_admin: Callable[[OutboxItem, str], Awaitable[None]] | None = None,
    ) -> None:
        self.repo = repo
        self.messenger = messenger
        self.clock = clock
        self.on_unreachable = on_unreachable
        self.on_needs_admin = on_needs_admin
        # shutting down: finish the message in hand, hand the rest of the claim back
        self.stopping = False

    def _ts(self, at: datetime | None = None) -> int:
        return int((at or self.clock.now()).timestamp())

    async def deliver(self, now: datetime | None = None, batch: int = 100) -> int:
        """Deliver everything due at `now`; returns how many messages the platform took."""
        delivered = 0
        while not self.stopping:
            ts = self._ts(now)
            items = await self.repo.atomic(self._claim(ts, batch))
            if not items:
                return delivered
            marks: list[asyncio.Task[None]] = []
            try:
                for n, item in enumerate(items):
                    if self.stopping:
                        # left 'sending', the rest would wait out a five-minute stale claim
                        # after the restart; handed back, they go out at once
                        rest = [i.id for i in items[n:]]
                        await self.repo.atomic(
                            lambda tx, rest=rest, ts=ts: tx.outbox_release(rest, ts)
                        )
                        break
                    delivered += await self._deliver_one(item, ts, marks)
            finally:
                # each message's "sent" was queued as the platform took it, without waiting
                # for its commit before sending the next: they commit together, even if this
                # is cancelled meanwhile (else the messages would go out again)
                await asyncio.shield(asyncio.gather(*marks))
            # loop until nothing is due: delivering can queue more (a giver told that a DM
            # was refused); failed rows wait for a later attempt, so this ends
        return delivered

    @staticmethod
    def _claim(ts: int, batch: int) -> Callable[[Repository], Awaitable[list[OutboxItem]]]:
        async def claim(tx: Repository) -> list[OutboxItem]:
            await tx.outbox_rebase(ts)  # retries wait their delay even if the clock went back
            return await tx.outbox_claim(ts, batch, ts - STALE_CLAIM_SECONDS)

        return claim

    async def _deliver_one(
        self, item: OutboxItem, ts: int, marks: list[asyncio.Task[None]]
    ) -> int:
        try:
            if isinstance(item.target, UserRef):
                await self.messenger.send_dm(item.target, item.message)
            else:
                await self.messenger.post(item.target, item.message)
        except RecipientUnreachable as e:
            log.warning("outbox %s: recipient unreachable (%s); not retrying", item.id, e)
            error = f"unreachable: {e}"
            await self.repo.atomic(lambda tx: tx.outbox_failed(item.id, error))
            if self.on_unreachable:
                await self.on_unreachable(item)
            return 0
        except NeedsAdmin as e:
            if item.attempts == 1 and self.on_needs_admin:
                await self.on_needs_admin(item, str(e))
            await self._retry_later(item, ts, str(e))
            return 0
        except Exception as e:  # the platform or the network failed: try again later
            error = f"{type(e).__name__}: {e}" if not isinstance(e, DeliveryError) else str(e)
            await self._retry_later(item, ts, error)
            return 0
        sent_at = self._ts()
        marks.append(
            asyncio.get_running_loop().create_task(
                self.repo.atomic(lambda tx: tx.outbox_sent(item.id, sent_at))
            )
        )
        return 1

    async def _retry_later(self, item: OutboxItem, ts: int, error: str) -> None:
        if item.attempts >= MAX_ATTEMPTS:
            log.error("outbox %s: giving up after %s attempts: %s", item.id, item.attempts, error)
            await self.repo.atomic(lambda tx: tx.outbox_failed(item.id, error))
        else:
            delay = backoff_seconds(item.attempts)
            log.warning("outbox %s: delivery failed (%s); retrying in %ss", item.id, error, delay)
            # a delay, measured from this attempt: a clock set back later does not stretch it
            await self.repo.atomic(lambda tx: tx.outbox_retry(item.id, ts + delay, error, ts))
