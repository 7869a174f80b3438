"""The core's Metrics port in Prometheus terms (prometheus-client), one registry a process.

Counters move as the core works (commands, referrals, deliveries, due work, ticks); the two
ages (the oldest message waiting for delivery, the oldest scheduled work waiting to run) are
read from the database when /metrics is scraped, so they are right even when the loop that
would move them is the thing that is stuck.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder

from bot.metrics import COMMAND_OUTCOMES, OUTBOX_OUTCOMES
from bot.ports import DueItem
from bot.stores import Repository, UnitOfWork

log = logging.getLogger(__name__)

# seconds: a tick is every 20 s; quiet hours and outages make hours and days
LAG_BUCKETS = (1, 5, 20, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400)
READ_TIMEOUT = 5.0  # seconds a scrape waits for the database


class PrometheusMetrics:
    def __init__(self, platforms: Sequence[str] = (), registry: CollectorRegistry | None = None):
        r = self.registry = registry or CollectorRegistry()
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        GCCollector(registry=r)
        self.commands = Counter(
            "rapport_commands",
            "Commands handled, by command and outcome (ok, refused, unparsed, failed).",
            ["command", "outcome"],
            registry=r,
        )
        self.referrals = Counter(
            "rapport_referrals_logged",
            "Referrals and leads logged (kind: referral or lead).",
            ["kind"],
            registry=r,
        )
        self.outbox = Counter(
            "rapport_outbox_messages",
            "Delivery attempts by platform and outcome: delivered, retried (failed, to be"
            " tried again), failed (given up, or refused for good).",
            ["platform", "outcome"],
            registry=r,
        )
        self.due_runs = Counter(
            "rapport_due_work_runs",
            "Rows of scheduled work run (reminders, nudges, recaps), by kind.",
            ["kind"],
            registry=r,
        )
        self.due_run_lag = Histogram(
            "rapport_due_work_run_lag_seconds",
            "How long after it fell due each row of scheduled work ran.",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.ticks = Counter("rapport_scheduler_ticks", "Scheduler ticks.", registry=r)
        self.outbox_oldest = Gauge(
            "rapport_outbox_oldest_due_age_seconds",
            "How long the oldest message due for delivery has waited (0 when none is due).",
            registry=r,
        )
        self.due_lag = Gauge(
            "rapport_due_work_lag_seconds",
            "How long the oldest scheduled work due has waited to run (0 when none is due).",
            registry=r,
        )
        for platform in platforms:  # every series there from the start, at 0
            for outcome in OUTBOX_OUTCOMES:
                self.outbox.labels(platform, outcome)
        for kind in ("referral", "lead"):
            self.referrals.labels(kind)

    # --- the core's port ------------------------------------------------------------------
    def command_handled(self, command: str, outcome: str) -> None:
        if outcome in COMMAND_OUTCOMES:
            self.commands.labels(command, outcome).inc()

    def referral_logged(self, kind: str) -> None:
        self.referrals.labels(kind).inc()

    def outbox_outcome(self, platform: str, outcome: str) -> None:
        if outcome in OUTBOX_OUTCOMES:
            self.outbox.labels(platform, outcome).inc()

    def due_work_ran(self, items: Sequence[DueItem], now: datetime) -> None:
        ts = now.timestamp()
        for item in items:
            self.due_runs.labels(item.kind).inc()
            self.due_run_lag.observe(max(0.0, ts - item.due_at))

    def scheduler_ticked(self) -> None:
        self.ticks.inc()

    # --- scraping -------------------------------------------------------------------------
    async def refresh(self, repo: Repository, now: datetime) -> None:
        """Read the two ages from the database. A database that does not answer leaves the
        last values (/readyz says what is wrong)."""

        async def oldest(tx: UnitOfWork) -> tuple[int | None, int | None]:
            return await tx.outbox.next_due(), await tx.due.next()

        try:
            message, work = await asyncio.wait_for(repo.read(oldest), READ_TIMEOUT)
        except Exception as e:
            log.warning("metrics: the database did not answer (%s)", type(e).__name__)
            return
        ts = now.timestamp()
        self.outbox_oldest.set(max(0.0, ts - message) if message is not None else 0.0)
        self.due_lag.set(max(0.0, ts - work) if work is not None else 0.0)

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """The registry in the format the scraper asked for (Prometheus text by default)."""
        encode, content_type = choose_encoder(accept or "")
        return encode(self.registry), content_type
