"""Delivering what the outbox holds: claim due rows, hand them to the Messenger, many at once,
mark each sent.

Rows are written in the same transaction as the change that caused them, so a crash loses
nothing. A claim takes at most one row per conversation (a channel, or one person's DMs):
the first one still to go out there, so each conversation gets its messages one at a time
and in order while thousands of conversations are served at once (a row waiting out a
retry's backoff does not hold up the rest of its conversation). A claim carries a random
token that every later change checks, so a worker whose claim went stale and was taken over
changes nothing. A row is marked sent only after the platform took it, retried with backoff
when the platform failed, and failed at once when the platform says it will never take it.
A message the platform takes as several (a long list) has each part it took recorded with
the row as it is taken, so a retry or a restart after a crash sends only the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from typing import Any

from bot.metrics import NO_METRICS, Metrics
from bot.model import UserRef
from bot.ports import (
    Clock,
    DeliveryError,
    Messenger,
    NeedsAdmin,
    OutboxItem,
    PayloadRefused,
    Progress,
    RecipientUnreachable,
    Target,
    Throttled,
)
from bot.stores import Repository, UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM_SECONDS = 300  # a row "sending" this long belongs to a process that died
RENEW_EVERY = 60.0  # seconds (real time) between renewals of the claims still in hand
DEFAULT_CONCURRENCY = 64
PARKED_PER_SLOT = 16  # claimed rows waiting on a platform's pacing, per delivery slot, at most
MAX_THROTTLED = 20  # rate limits one message waits out before it counts as a failed attempt


def backoff_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min … capped at an hour."""
    return int(min(30 * 2 ** (attempts - 1), 3600))


def delivery_key(item: OutboxItem) -> str:
    """The same for every attempt at one row: a platform that de-duplicates uses it."""
    return f"outbox-{item.id}"


Told = Callable[[OutboxItem, str], Awaitable[None]]


class _ClaimTakenOver(Exception):
    """The row's claim went stale and another worker took it over mid-delivery."""


class Outbox:
    def __init__(
        self,
        repo: Repository,
        messenger: Messenger,
        clock: Clock,
        on_unreachable: Callable[[OutboxItem], Awaitable[None]] | None = None,
        on_needs_admin: Told | None = None,
        on_refused: Told | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self.repo = repo
        self.metrics = metrics
        self.messenger = messenger
        self.clock = clock
        self.on_unreachable = on_unreachable
        self.on_needs_admin = on_needs_admin
        self.on_refused = on_refused
        self.concurrency = max(1, concurrency)
        # a messenger that may send one message in several parts is told how far each got
        self.parted = bool(getattr(messenger, "sends_in_parts", False))
        self.renew_every = RENEW_EVERY  # seconds between renewals of the claims in hand
        # shutting down: finish the messages in hand, hand the rest of the claims back
        self._stop = asyncio.Event()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()

    def _ts(self, at: datetime | None = None) -> int:
        return int((at or self.clock.now()).timestamp())

    async def deliver(self, now: datetime | None = None, batch: int | None = None) -> int:
        """Deliver everything due at `now` (and what delivering queues); returns how many
        messages the platform took. `batch` caps one claim (default: twice the slots)."""
        return await _Run(self, now, batch or 2 * self.concurrency).go()

    async def send(self, item: OutboxItem, run: _Run, *, may_wait: bool = False) -> bool:
        """Hand one claimed message to the platform and record what became of it. False when
        the platform asked to wait and `may_wait`: the caller tries again after the pause."""
        kw: dict[str, Any] = {"key": delivery_key(item)}
        if self.parted:  # from where the last try stopped: this run's, or the row's
            done = run.parts.get(item.id, item.parts_sent)
            kw["progress"] = Progress(done, partial(self._taken, item, run))
        try:
            if isinstance(item.target, UserRef):
                await self.messenger.send_dm(item.target, item.message, **kw)
            else:
                await self.messenger.post(item.target, item.message, **kw)
        except _ClaimTakenOver:
            log.warning("outbox %s: claim taken over mid-delivery; the rest is left to it", item.id)
            return True
        except Throttled as e:
            if may_wait:
                log.info("outbox %s: %s; trying again after the pause", item.id, e)
                return False
            await self._retry_later(item, self._ts(run.now), str(e))
            return True
        except RecipientUnreachable as e:
            log.warning("outbox %s: recipient unreachable (%s); not retrying", item.id, e)
            if await self._fail(item, f"unreachable: {e}") and self.on_unreachable:
                await self.on_unreachable(item)
            return True
        except PayloadRefused as e:
            log.error("outbox %s: the platform refused the message (%s); not retrying", item.id, e)
            if await self._fail(item, f"refused: {e}") and self.on_refused:
                await self.on_refused(item, str(e))
            return True
        except NeedsAdmin as e:
            if item.attempts == 1 and self.on_needs_admin:
                await self.on_needs_admin(item, str(e))
            await self._retry_later(item, self._ts(run.now), str(e))
            return True
        except Exception as e:  # the platform or the network failed: try again later
            error = f"{type(e).__name__}: {e}" if not isinstance(e, DeliveryError) else str(e)
            await self._retry_later(item, self._ts(run.now), error)
            return True
        run.taken(item, self._ts())
        self.metrics.outbox_outcome(item.target.platform, "delivered")
        return True

    async def _taken(self, item: OutboxItem, run: _Run, parts: int, of: int) -> None:
        """The platform took `parts` of the message's `of` parts: recorded before the next
        part goes, so a try after a rate limit's pause, a retry or the next process sends
        only the rest. A message in one part is marked sent with the others, in a batch:
        nothing to record for it."""
        if of < 2:
            return
        run.parts[item.id] = parts
        if not await self.repo.atomic(lambda tx: tx.outbox.progress(item, parts)):
            raise _ClaimTakenOver()

    async def _fail(self, item: OutboxItem, error: str) -> bool:
        self.metrics.outbox_outcome(item.target.platform, "failed")
        kept = await self.repo.atomic(lambda tx: tx.outbox.failed(item, error))
        if not kept:
            log.warning("outbox %s: claim taken over by another worker; left to it", item.id)
        return kept

    async def _retry_later(self, item: OutboxItem, ts: int, error: str) -> None:
        if item.attempts >= MAX_ATTEMPTS:
            log.error("outbox %s: giving up after %s attempts: %s", item.id, item.attempts, error)
            await self._fail(item, error)
        else:
            delay = backoff_seconds(item.attempts)
            self.metrics.outbox_outcome(item.target.platform, "retried")
            log.warning("outbox %s: delivery failed (%s); retrying in %ss", item.id, error, delay)
            # a delay, measured from this attempt: a clock set back later does not stretch it
            await self.repo.atomic(lambda tx: tx.outbox.retry(item, ts + delay, error, ts))


class _Run:
    """One pass of delivery: claims rows while earlier ones are still going out, keeps up to
    `concurrency` platform calls in flight, and commits "sent" marks in batches."""

    def __init__(self, outbox: Outbox, now: datetime | None, batch: int) -> None:
        self.o = outbox
        self.now = now
        self.batch = batch
        self.slots = asyncio.Semaphore(outbox.concurrency)
        self.tasks: dict[asyncio.Task[None], OutboxItem] = {}
        self.in_hand: set[int] = set()  # rows whose platform call has started
        self.parked = 0  # rows waiting for the platform's pacing, holding no slot
        self.sent: list[tuple[OutboxItem, int]] = []
        self.parts: dict[int, int] = {}  # row → parts of it taken so far (a message in several)
        self.unsent: list[OutboxItem] = []  # claimed, never tried: handed back when stopping
        self.delivered = 0
        self.ready: Callable[[Target], Awaitable[None]] | None = getattr(
            outbox.messenger, "ready", None
        )

    def taken(self, item: OutboxItem, at: int) -> None:
        self.sent.append((item, at))
        self.delivered += 1

    async def go(self) -> int:
        o = self.o
        stop = asyncio.ensure_future(o._stop.wait())
        loop = asyncio.get_running_loop()
        renewed = loop.time()
        cancelled = False
        try:
            starved = False  # the last claim found less than it asked for
            while not o.stopping:
                active = len(self.tasks) - self.parked
                want = min(
                    self.batch,
                    2 * o.concurrency - active,
                    PARKED_PER_SLOT * o.concurrency - len(self.tasks),
                )
                if want > 0 and (not self.tasks or starved or want >= o.concurrency):
                    await self._flush()  # what went out unblocks the next in its conversation
                    items = await self._claim(want)
                    for item in items:
                        self.tasks[asyncio.ensure_future(self._one(item))] = item
                    starved = len(items) < want
                    if not self.tasks:
                        break  # nothing due, nothing in flight
                    if not starved:
                        continue
                done, _ = await asyncio.wait(
                    [*self.tasks, stop], timeout=RENEW_EVERY, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    if task is not stop:
                        self._finished(task)
                if loop.time() - renewed >= o.renew_every:  # claims waiting on a long pause
                    await self._renew()
                    renewed = loop.time()
        except asyncio.CancelledError:
            cancelled = True
            raise
        finally:
            stop.cancel()
            await self._wind_down(cancelled)
        return self.delivered

    async def _claim(self, n: int) -> list[OutboxItem]:
        ts = self.o._ts(self.now)

        async def claim(tx: UnitOfWork) -> list[OutboxItem]:
            await tx.outbox.rebase(ts)  # retries wait their delay even if the clock went back
            return await tx.outbox.claim(ts, n, ts - STALE_CLAIM_SECONDS)

        return await self.o.repo.atomic(claim)

    async def _one(self, item: OutboxItem) -> None:
        """One message: wait until the platform would take it (holding no slot), then send
        it in a slot; a rate limit met on the way gives the slot back and waits again."""
        for waits in range(MAX_THROTTLED + 1):
            if self.ready is not None:
                self.parked += 1
                try:
                    await self.ready(item.target)
                finally:
                    self.parked -= 1
            async with self.slots:
                if self.o.stopping:
                    raise asyncio.CancelledError  # handed back by _wind_down
                self.in_hand.add(item.id)
                may_wait = self.ready is not None and waits < MAX_THROTTLED
                if await self.o.send(item, self, may_wait=may_wait):
                    return
                self.in_hand.discard(item.id)

    def _finished(self, task: asyncio.Task[None]) -> None:
        item = self.tasks.pop(task)
        if task.cancelled():
            if item.id not in self.in_hand:
                self.unsent.append(item)
        elif task.exception() is not None:
            # a bug in a callback, not the platform: the row stays claimed until it is stale
            log.error("outbox %s: delivery failed", item.id, exc_info=task.exception())

    async def _flush(self) -> None:
        if not self.sent:
            return
        marks, self.sent = self.sent, []
        kept = await self.o.repo.atomic(lambda tx: tx.outbox.sent(marks))
        if kept < len(marks):
            log.warning(
                "outbox: %s delivered message(s) had been taken over by another worker",
                len(marks) - kept,
            )

    async def _renew(self) -> None:
        tokens = sorted({item.claim for item in self.tasks.values()})
        ts = self.o._ts()
        await self.o.repo.atomic(lambda tx: tx.outbox.renew(tokens, ts))

    async def _wind_down(self, cancelled: bool) -> None:
        """Stopping: the messages in hand go out, the rest of the claims are handed back at
        once (left 'sending', they would wait out a stale claim after the restart). Cancelled:
        everything stops where it is, and what the platform took is still marked sent (else it
        would go out again)."""
        for task, item in self.tasks.items():
            if cancelled or item.id not in self.in_hand:
                task.cancel()
        if self.tasks:
            await asyncio.shield(asyncio.wait(list(self.tasks)))
        for task in list(self.tasks):
            self._finished(task)
        await asyncio.shield(self._flush())
        unsent = self.unsent
        if unsent and not cancelled:
            try:
                await self.o.repo.atomic(lambda tx: tx.outbox.release(unsent))
            except Exception:  # left 'sending', they go out once their claim is stale
                log.warning("outbox: could not hand back %s claimed message(s)", len(unsent))
