"""The scheduler: APScheduler's AsyncIOScheduler drives a polling tick that runs due work.

APScheduler only keeps time here. The work itself lives in the database (rows of due work
and the outbox), claimed atomically, so jobs are never pickled, a moved function never drops
a job, and two processes on one database never both send.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.ports import Clock
from bot.service import Core

log = logging.getLogger(__name__)

TICK_SECONDS = 20


class Scheduler:
    def __init__(self, core: Core, clock: Clock, tick_seconds: int = TICK_SECONDS) -> None:
        self.core = core
        self.clock = clock
        self.aps = AsyncIOScheduler(timezone="UTC")
        self.job = self.aps.add_job(
            self.tick,
            IntervalTrigger(seconds=tick_seconds),
            id="rapport-tick",
            max_instances=1,  # a slow tick is never run twice at once
            coalesce=True,  # ticks missed while the process slept collapse into one
            misfire_grace_time=None,
        )

    async def tick(self) -> int:
        """Run what is due now and wake the dispatcher for what it queued; returns how many
        pieces of work ran. Never waits for delivery (the dispatcher delivers while the next
        tick comes round) and never raises (a failing tick must not stop the next one)."""
        self.core.metrics.scheduler_ticked()
        try:
            # shielded: a shutdown that cancels the tick lets the work in hand finish (the
            # app's close waits for it) instead of cutting it off mid-transaction
            return await asyncio.shield(self.core.queue_due(self.clock.now()))
        except asyncio.CancelledError:
            log.info("scheduler tick cancelled by shutdown; the work in hand finishes")
            return 0
        except Exception:
            log.exception("scheduler tick failed; the next tick will try again")
            return 0

    def start(self) -> None:
        """Start ticking on the running event loop, with a first tick at once (catch-up)."""
        self.aps.start()
        # APScheduler fires on the wall clock, whatever clock the core reads
        self.job.modify(next_run_time=datetime.now(UTC))

    def shutdown(self) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=False)
