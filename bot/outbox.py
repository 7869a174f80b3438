"""Delivering what the outbox holds: claim due rows, hand them to the Messenger, many at once,
mark each sent.

Rows are written in the same transaction as the change that caused them, so a crash loses
nothing. A claim takes at most one row per conversation (a channel, or one person's DMs):
the first one still to go out there, so each conversation gets its messages one at a time
and in order while thousands of conversations are served at once (a row waiting out a
retry's backoff holds back the rest of its conversation: they never overtake it). A claim
carries a random token that every later change checks, so a worker whose claim went stale
and was taken over changes nothing. A row is marked sent as soon as the platform took it
(each mark its own small unit of work, which the repository commits together with whatever
else is waiting), so a crash sends again at most what was in flight at that instant;
retried with backoff when the platform failed, and failed at once when the platform says it
will never take it. Waiting out a conversation's pacing or a rate limit's pause holds no
delivery slot: the messenger says "not yet" and the message waits in `ready`.
A message the platform takes as several (a long list) has each part it took recorded with
the row as it is taken, so a retry or a restart after a crash sends only the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from bot.features.home.kinds import REFRESH_KIND
from bot.metrics import NO_METRICS, Metrics
from bot.model import UserRef
from bot.ports import (
    Clock,
    DeliveryError,
    Messenger,
    NeedsAdmin,
    NotYet,
    OutboxItem,
    PayloadRefused,
    Progress,
    RecipientUnreachable,
    Target,
    Throttled,
    WorkspaceGone,
)
from bot.stores import Repository, UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM_SECONDS = 300  # a row "sending" this long belongs to a process that died
RENEW_EVERY = 60.0  # seconds (real time) between renewals of the claims still in hand
DEFAULT_CONCURRENCY = 64
PARKED_PER_SLOT = 16  # claimed rows waiting on a platform's pacing, per delivery slot, at most
# (past that, a row whose conversation is paused goes back to the database until the pause
# ends, so a paused workspace's rows never fill the run while other workspaces could go)
MAX_THROTTLED = 20  # rate limits one message waits out before it counts as a failed attempt
MAX_DEFERRED = 1000  # "not yet"s (pacing between a long message's parts) one try waits out

# what became of one try at a message
DONE = "done"  # delivered and marked, or failed, or left for a retry: the try is over
THROTTLED = "throttled"  # the platform's rate limit: wait in `ready`, then try again
DEFERRED = "deferred"  # not yet (pacing, a known pause): wait in `ready`, then go on


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
        on_posted: Callable[[UnitOfWork, OutboxItem], Awaitable[None]] | None = None,
        home: Callable[[OutboxItem], Awaitable[None]] | None = None,
    ) -> None:
        self.repo = repo
        self.metrics = metrics
        self.messenger = messenger
        self.clock = clock
        self.on_unreachable = on_unreachable
        self.on_needs_admin = on_needs_admin
        self.on_refused = on_refused
        self.on_posted = on_posted  # in the unit of work that marks a group's post sent
        # a person's page (Slack's Home tab) to build now and publish: a refresh row's delivery
        self.home = home
        self.concurrency = max(1, concurrency)
        # a messenger that may send one message in several parts is told how far each got
        self.parted = bool(getattr(messenger, "sends_in_parts", False))
        self.renew_every = RENEW_EVERY  # seconds between renewals of the claims in hand
        # shutting down: finish the messages in hand, hand the rest of the claims back
        self._stop = asyncio.Event()
        # new messages were queued: the run in progress claims them now, whatever it waits on
        self._wake = asyncio.Event()
        self.current: _Run | None = None  # the delivery run in progress, if any

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()
        if self.current is not None:
            self.current.changed.set()

    def wake(self) -> None:
        """Something was queued: a run in progress claims it at once instead of waiting for
        a message in flight to finish (which a long pause could make a minute)."""
        self._wake.set()
        if self.current is not None:
            self.current.changed.set()

    def _ts(self, at: datetime | None = None) -> int:
        return int((at or self.clock.now()).timestamp())

    async def deliver(self, now: datetime | None = None, batch: int | None = None) -> int:
        """Deliver everything due at `now` (and what delivering queues); returns how many
        messages the platform took. `batch` caps one claim (default: twice the slots)."""
        run = _Run(self, now, batch or 2 * self.concurrency)
        self.current = run
        try:
            return await run.go()
        finally:
            if self.current is run:
                self.current = None

    async def send(self, d: _Delivery, run: _Run, *, may_wait: bool = False) -> str:
        """Hand one claimed message to the platform and record what became of it: DONE, or
        THROTTLED / DEFERRED when the platform asked to wait (and `may_wait`, else it is a
        failed try): the caller waits in `ready`, holding no slot, and tries again."""
        item = d.item
        kw: dict[str, Any] = {"key": delivery_key(item)}
        if self.parted:  # from where the last try stopped: this run's, or the row's
            kw["progress"] = Progress(d.parts, partial(self._taken, d), defer=run.can_defer)
        try:
            if item.message.kind == REFRESH_KIND and self.home is not None:
                await self.home(item)
            elif isinstance(item.target, UserRef):
                await self.messenger.send_dm(item.target, item.message, **kw)
            else:
                await self.messenger.post(item.target, item.message, **kw)
        except _ClaimTakenOver:
            log.warning("outbox %s: claim taken over mid-delivery; the rest is left to it", item.id)
            return DONE
        except NotYet as e:
            if run.can_defer and d.deferred < MAX_DEFERRED:
                return DEFERRED
            await self._retry_later(item, self._ts(run.now), str(e))
            return DONE
        except Throttled as e:
            if may_wait:
                log.info("outbox %s: %s; trying again after the pause", item.id, e)
                return THROTTLED
            await self._retry_later(item, self._ts(run.now), str(e))
            return DONE
        except WorkspaceGone as e:  # nobody there to tell
            log.info("outbox %s: %s; dropped", item.id, e)
            await self._fail(item, f"dropped: {e}")
            return DONE
        except RecipientUnreachable as e:
            log.warning("outbox %s: recipient unreachable (%s); not retrying", item.id, e)
            if await self._fail(item, f"unreachable: {e}") and self.on_unreachable:
                await self.on_unreachable(item)
            return DONE
        except PayloadRefused as e:
            log.error("outbox %s: the platform refused the message (%s); not retrying", item.id, e)
            if await self._fail(item, f"refused: {e}") and self.on_refused:
                await self.on_refused(item, str(e))
            return DONE
        except NeedsAdmin as e:
            # every time, not only on a first try: whether the admins already know of this
            # problem is the group's to remember (on_needs_admin), not the message's
            if self.on_needs_admin:
                await self.on_needs_admin(item, str(e))
            await self._retry_later(item, self._ts(run.now), str(e))
            return DONE
        except Exception as e:  # the platform or the network failed: try again later
            error = f"{type(e).__name__}: {e}" if not isinstance(e, DeliveryError) else str(e)
            await self._retry_later(item, self._ts(run.now), error)
            return DONE
        await run.mark_sent(item, self._ts())
        return DONE

    async def _taken(self, d: _Delivery, parts: int, of: int) -> None:
        """The platform took `parts` of the message's `of` parts: recorded before the next
        part goes, so a try after a pause, a retry or the next process sends only the rest.
        A message in one part is marked sent as a whole: nothing to record for it."""
        if of < 2:
            return
        d.parts = parts
        if not await self.repo.atomic(lambda tx: tx.outbox.progress(d.item, parts)):
            raise _ClaimTakenOver()

    async def _mark_sent(self, item: OutboxItem, at: int) -> bool:
        """The platform took the message: marked at once, in a unit of its own (the
        repository commits it with whatever other units are waiting, so a busy minute's
        marks still share their COMMITs)."""

        async def mark(tx: UnitOfWork) -> bool:
            kept = await tx.outbox.sent([(item, at)]) == 1
            if kept and self.on_posted is not None and not isinstance(item.target, UserRef):
                await self.on_posted(tx, item)
            return kept

        kept = await self.repo.atomic(mark)
        if kept:
            self.metrics.outbox_outcome(item.target.platform, "delivered")
        else:
            log.warning("outbox %s: delivered, but another worker had taken it over", item.id)
        return kept

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


@dataclass
class _Delivery:
    """One claimed message while a run has it: gone with its task, so a run that lasts
    hours keeps nothing of the messages it finished."""

    item: OutboxItem
    parts: int  # parts the platform took so far (a message in several)
    calling: bool = False  # its platform call has started: it is in hand
    deferred: int = 0  # "not yet"s waited out in this try


class _Run:
    """One pass of delivery: claims rows while earlier ones are still going out, keeps up to
    `concurrency` platform calls in flight, marks each message sent as the platform takes it,
    and claims new work as soon as it is queued (`Outbox.wake`)."""

    def __init__(self, outbox: Outbox, now: datetime | None, batch: int) -> None:
        self.o = outbox
        self.now = now
        self.batch = batch
        self.slots = asyncio.Semaphore(outbox.concurrency)
        self.tasks: dict[asyncio.Task[None], _Delivery] = {}
        self.marks: set[asyncio.Future[bool]] = set()  # "sent" marks being written
        self.parked = 0  # rows waiting for the platform's pacing, holding no slot
        self.unsent: list[OutboxItem] = []  # claimed, never tried: handed back when stopping
        # messages handed back to wait for a pause in the database: (loop time, row) when each
        # is due again, and the rows not claimed again yet
        self.back: list[tuple[float, int]] = []
        self.handed_back: set[int] = set()
        self.changed = asyncio.Event()  # something the run loop should look at happened
        self.finished: list[asyncio.Task[None]] = []  # tasks done since the loop last looked
        self.delivered = 0
        self.ready: Callable[[Target], Awaitable[None]] | None = getattr(
            outbox.messenger, "ready", None
        )
        # a messenger that says when it will take a message may say "not yet" instead of
        # waiting inside the call, holding a slot
        self.can_defer = self.ready is not None
        self.wait_for: Callable[[Target], float] | None = getattr(
            outbox.messenger, "wait_for", None
        )

    def held(self) -> int:
        """Claimed messages this run still has (in flight, or waiting on a pause)."""
        return len(self.tasks)

    async def mark_sent(self, item: OutboxItem, at: int) -> None:
        """Mark a delivered message sent, even if this task is cancelled meanwhile: the
        platform has it, and an unmarked row would go out again after a restart."""
        mark = asyncio.ensure_future(self.o._mark_sent(item, at))
        self.marks.add(mark)
        mark.add_done_callback(self._marked)
        await asyncio.shield(mark)

    def _marked(self, mark: asyncio.Future[bool]) -> None:
        self.marks.discard(mark)
        if not mark.cancelled() and mark.exception() is None and mark.result():
            self.delivered += 1
        elif not mark.cancelled() and mark.exception() is not None:
            log.error("outbox: could not mark a delivered message", exc_info=mark.exception())

    async def go(self) -> int:
        o = self.o
        o._wake.clear()  # this run looks at everything due now anyway
        loop = asyncio.get_running_loop()
        renewed = loop.time()
        cancelled = False
        try:
            starved = False  # the last claim found less than it asked for
            while not o.stopping:
                # whatever happens next (a message done or waiting on a pause, new work
                # queued, stopping) sets `changed`: one event, not a wait on every task
                self.changed.clear()
                finished, self.finished = self.finished, []
                for task in finished:
                    self._finished(task)
                if loop.time() - renewed >= o.renew_every:  # claims waiting on a long pause
                    # (before the next claim, which would take a claim gone stale for its own)
                    await self._renew()
                    renewed = loop.time()
                if o._wake.is_set():  # new messages were queued: claim them now
                    o._wake.clear()
                    starved = True
                if self.back and self.back[0][0] <= loop.time():
                    starved = True  # what was handed back is due again
                active = len(self.tasks) - self.parked
                want = min(
                    self.batch,
                    2 * o.concurrency - active,
                    (PARKED_PER_SLOT + 2) * o.concurrency - len(self.tasks),
                )
                if want > 0 and (not self.tasks or starved or want >= o.concurrency):
                    items = await self._claim(want)
                    for item in items:
                        self.handed_back.discard(item.id)
                        d = _Delivery(item, item.parts_sent)
                        task = asyncio.ensure_future(self._one(d))
                        task.add_done_callback(self._task_done)
                        self.tasks[task] = d
                    starved = len(items) < want
                    now = loop.time()
                    while self.back and (
                        self.back[0][0] <= now or self.back[0][1] not in self.handed_back
                    ):  # due again, and claimed just now (or by another worker), or taken back
                        self.handed_back.discard(heapq.heappop(self.back)[1])
                    if not self.tasks and not self.back:
                        break  # nothing due, nothing in flight, nothing handed back to wait for
                    if not starved:
                        continue
                timeout = RENEW_EVERY
                if self.back and want > 0:  # claim what was handed back once it is due again
                    # (with every slot busy, only a task finishing frees one: wait for that,
                    # not for a due time already past, which would go round without waiting)
                    timeout = min(timeout, max(0.0, self.back[0][0] - loop.time()))
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self.changed.wait()
        except asyncio.CancelledError:
            cancelled = True
            raise
        finally:
            await self._wind_down(cancelled)
        return self.delivered

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self.finished.append(task)
        self.changed.set()

    async def _claim(self, n: int) -> list[OutboxItem]:
        at = self.o._ts()
        ts = self.o._ts(self.now) if self.now is not None else at
        # the claims in hand are renewed at the same instant, in the same unit: a claim can
        # never find one of this run's own gone stale and take it a second time
        tokens = sorted({d.item.claim for d in self.tasks.values()})

        async def claim(tx: UnitOfWork) -> list[OutboxItem]:
            await tx.outbox.rebase(ts)  # retries wait their delay even if the clock went back
            if tokens:
                await tx.outbox.renew(tokens, at)
            return await tx.outbox.claim(ts, n, ts - STALE_CLAIM_SECONDS)

        return await self.o.repo.atomic(claim)

    async def _one(self, d: _Delivery) -> None:
        """One message: wait until the platform would take it (holding no slot), then send
        it in a slot; a rate limit or a "not yet" met on the way gives the slot back and
        waits again."""
        throttled = 0
        while True:
            if self.o.stopping:
                # the message in hand met a pause (a rate limit, pacing) after stop(): it is
                # handed back by _wind_down, not waited out (drain() would time out, and the
                # row hold its conversation until its claim is stale)
                raise asyncio.CancelledError
            if self.ready is not None:
                if self.parked >= PARKED_PER_SLOT * self.o.concurrency and self.wait_for:
                    later = self.wait_for(d.item.target)
                    if later > 0:  # too many wait already: this one waits in the database
                        await self._put_back(d, later)
                        return
                self.parked += 1
                self.changed.set()  # one fewer active: the run may claim another
                try:
                    await self.ready(d.item.target)
                finally:
                    self.parked -= 1
            async with self.slots:
                if self.o.stopping:
                    raise asyncio.CancelledError  # handed back by _wind_down
                d.calling = True
                may_wait = self.ready is not None and throttled < MAX_THROTTLED
                outcome = await self.o.send(d, self, may_wait=may_wait)
                if outcome == DONE:
                    return
                d.calling = False
            if outcome == THROTTLED:
                throttled += 1
            else:
                d.deferred += 1

    async def _put_back(self, d: _Delivery, seconds: float) -> None:
        """Hand a claimed message back untried, due again when its conversation's pause
        ends (no attempt counted); it keeps its place in its conversation."""
        ts = self.o._ts()
        wait = max(1, math.ceil(seconds))
        if await self.o.repo.atomic(lambda tx: tx.outbox.put_back(d.item, ts + wait, ts)):
            heapq.heappush(self.back, (asyncio.get_running_loop().time() + wait, d.item.id))
            self.handed_back.add(d.item.id)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        d = self.tasks.pop(task)
        if task.cancelled():
            if not d.calling:
                self.unsent.append(d.item)
        elif task.exception() is not None:
            # a bug in a callback, not the platform: the row stays claimed until it is stale
            log.error("outbox %s: delivery failed", d.item.id, exc_info=task.exception())

    async def _renew(self) -> None:
        tokens = sorted({d.item.claim for d in self.tasks.values()})
        ts = self.o._ts()
        await self.o.repo.atomic(lambda tx: tx.outbox.renew(tokens, ts))

    async def _wind_down(self, cancelled: bool) -> None:
        """Stopping: the messages in hand go out, the rest of the claims are handed back at
        once (left 'sending', they would wait out a stale claim after the restart). Messages
        in hand never wait out a pause inside their call (they say "not yet" and wait
        outside it, where stopping finds them), so this is quick. Cancelled: everything
        stops where it is. Either way, what the platform took is marked sent before this
        returns (else it would go out again)."""
        for task, d in self.tasks.items():
            if cancelled or not d.calling:
                task.cancel()
        if self.tasks:
            await asyncio.shield(asyncio.wait(list(self.tasks)))
        for task in list(self.tasks):
            self._finished(task)
        if self.marks:
            await asyncio.shield(asyncio.wait(list(self.marks)))
        unsent, self.unsent = self.unsent, []
        if unsent and not cancelled:
            try:
                await self.o.repo.atomic(lambda tx: tx.outbox.release(unsent))
            except Exception:  # left 'sending', they go out once their claim is stale
                log.warning("outbox: could not hand back %s claimed message(s)", len(unsent))
