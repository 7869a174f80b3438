"""The scheduler at full scale: finding and claiming due work as `Core.run_due` does (batches
of DUE_BATCH, each claimed in its own transaction with `due_claim`), over a due_work table
holding two years of every group's meetings and every referral's nudges.

- Follow-up nudges: the tick half a day after the history ends claims every follow-up,
  progress and thank nudge that fell due since (the open referrals' rows among ~1M).
- Reminders: the tick in the minute all 10,000 groups' evening reminders (and their
  accountability nudges) fall due.

Each claim is timed several times: after a timing, the rows it claimed are put back to
pending, so the next repetition finds the same work. Then a sample of what was claimed is
run for real (`Core._run_item`, the same call run_due makes) and the outbox delivered, to
show what running it all would cost.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from adapters.scheduler import TICK_SECONDS
from bench.common import BenchResolver, CountingMessenger, FixedClock, Samples
from bench.population import Moments
from bot.config import Settings
from bot.outbox import STALE_CLAIM_SECONDS
from bot.ports import DueItem
from bot.service import DUE_BATCH, STALE_RUNNING_SECONDS, Core
from storage.sqlite import SqliteRepository

OUTBOX_BATCH = 100  # Outbox.deliver's default batch


class SchedulerBench:
    def __init__(self, db: Path, m: Moments, settings: Settings, say=print) -> None:
        self.db = db
        self.m = m
        self.settings = settings
        self.say = say

    async def open(self) -> None:
        self.repo = await SqliteRepository.open(str(self.db))
        self.messenger = CountingMessenger()
        self.clock = FixedClock(self.m.now)
        self.core = Core(self.repo, self.messenger, self.clock, BenchResolver(), self.settings)

    async def close(self) -> None:
        await self.repo.close()

    async def _scalar(self, sql: str, args: tuple = ()) -> int:
        async with self.repo.transaction():
            cur = await self.repo._db.execute(sql, args)
            row = await cur.fetchone()
        return int(row[0] or 0)

    async def claim_all(self, ts: int, keep: int = 0) -> tuple[list[DueItem], int]:
        """Find and claim everything due at `ts` as run_due's loop does, timing only the
        claims: between two claims run_due runs the batch, which leaves it done; here it is
        marked done untimed instead. The first `keep` items stay claimed, to be run."""
        items: list[DueItem] = []
        spent = 0
        while True:
            t0 = time.perf_counter_ns()
            async with self.repo.transaction() as tx:
                batch = await tx.due.claim(ts, DUE_BATCH, ts - STALE_RUNNING_SECONDS)
            spent += time.perf_counter_ns() - t0
            first = len(items)
            items.extend(batch)
            await self._set(batch[max(0, keep - first) :], "done")
            if len(batch) < DUE_BATCH:
                break
        return items, spent

    async def _set(self, items: list[DueItem], state: str) -> None:
        if not items:
            return
        async with self.repo.transaction():
            await self.repo._db.executemany(
                "UPDATE due_work SET state = ?, claimed_at = NULL WHERE id = ?",
                [(state, i.id) for i in items],
            )

    async def timed_claims(self, ts: int, repeat: int, keep: int) -> tuple[Samples, list[DueItem]]:
        samples = Samples()
        items: list[DueItem] = []
        for r in range(repeat):
            last = r == repeat - 1
            items, ns = await self.claim_all(ts, keep if last else 0)
            samples.add(ns)
            if not last:
                await self._set(items, "pending")
        return samples, items

    async def run_sample(self, items: list[DueItem], ts: int, n: int) -> dict[str, Any]:
        """Run `n` claimed items as run_due would, then deliver what they queued."""
        self.clock.set(ts)
        now = self.clock.now()
        sample = items[:n]
        before = self.messenger.delivered
        t0 = time.perf_counter_ns()
        ran = await self.core._run_batch(sample, now)
        t1 = time.perf_counter_ns()
        delivered = await self.core.deliver()
        t2 = time.perf_counter_ns()
        per_item = (t1 - t0) / max(1, len(sample)) / 1e6
        return {
            "ran": len(sample),
            "done": ran,
            "run_s": round((t1 - t0) / 1e9, 3),
            "per_item_ms": round(per_item, 2),
            "deliver_s": round((t2 - t1) / 1e9, 3),
            "delivered": delivered,
            "messenger_count": self.messenger.delivered - before,
            "all_claimed_would_take_s": round(per_item * len(items) / 1e3, 1),
        }

    async def run(self, repeat: int, sample: int) -> dict[str, Any]:
        m = self.m
        total_work = await self._scalar("SELECT COUNT(*) FROM due_work")
        referrals = await self._scalar("SELECT COUNT(*) FROM referrals")
        out: dict[str, Any] = {"due_work_rows": total_work, "referrals": referrals}

        # the scheduler's next wake-up (asked after every tick)
        nxt = Samples()
        for _ in range(50):
            t0 = time.perf_counter_ns()
            async with self.repo.transaction() as tx:
                await tx.due.next()
                await tx.outbox.next_due()
            nxt.add(time.perf_counter_ns() - t0)
        out["next_due"] = nxt.summary()

        # follow-up nudges: the tick at now + 12 h
        samples, items = await self.timed_claims(m.follow_ups, repeat, sample)
        out["follow_ups"] = {
            "at": m.as_dict()["follow_ups"],
            "claimed": len(items),
            "by_kind": dict(Counter(i.kind for i in items)),
            "claim": samples.summary(),
            "run_sample": await self.run_sample(items, m.follow_ups, sample),
        }
        self.say(
            f"  follow-ups: claimed {len(items)} in {samples.pct(50):.0f} ms (median of {repeat})"
        )
        # everything due before the reminder minute ran at the earlier ticks
        await self.claim_all(m.reminders - TICK_SECONDS)

        samples, items = await self.timed_claims(m.reminders, repeat, sample)
        by_kind = Counter(i.kind for i in items)
        out["reminders"] = {
            "at": m.as_dict()["reminders"],
            "claimed": len(items),
            "groups": len({i.group_id for i in items if i.kind == "reminder.evening"}),
            "by_kind": dict(by_kind),
            "claim": samples.summary(),
            "run_sample": await self.run_sample(items, m.reminders, sample),
        }
        self.say(
            f"  reminders: claimed {len(items)} in {samples.pct(50):.0f} ms (median of {repeat})"
        )
        # what the reminder minute leaves in the outbox, at the sample's rate per item
        sample_run = out["reminders"]["run_sample"]
        per_item = sample_run["delivered"] / max(1, sample_run["ran"])
        backlog = int(per_item * len(items))
        out["outbox_backlog"] = await self.outbox_backlog(m.reminders, backlog, 30)
        self.say(
            f"  outbox: one claim of {OUTBOX_BATCH} with {backlog:,} messages waiting:"
            f" {out['outbox_backlog']['claim']['p50_ms']:.1f} ms"
        )
        return out

    async def outbox_backlog(self, ts: int, backlog: int, claims: int) -> dict[str, Any]:
        """The outbox after the reminder minute: `backlog` messages due at `ts` (copies of
        real queued rows), claimed in batches as Outbox.deliver does (each batch marked sent
        untimed, as if the platform took it)."""
        async with self.repo.transaction():
            cur = await self.repo._db.execute(
                "SELECT group_id, target, payload FROM outbox ORDER BY id DESC LIMIT 500"
            )
            model = [tuple(r) for r in await cur.fetchall()]
            # each copy to a conversation of its own, as nearly all of the minute's are
            rows = [(*model[i % len(model)], ts, ts, f"backlog:{i}", ts) for i in range(backlog)]
            await self.repo._db.executemany(
                "INSERT INTO outbox (group_id, target, payload, next_attempt_at, created_at,"
                " lane, send_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        samples = Samples()
        for _ in range(claims):
            t0 = time.perf_counter_ns()
            async with self.repo.transaction() as tx:
                batch = await tx.outbox.claim(ts, OUTBOX_BATCH, ts - STALE_CLAIM_SECONDS)
            samples.add(time.perf_counter_ns() - t0)
            async with self.repo.transaction():
                await self.repo._db.executemany(
                    "UPDATE outbox SET state = 'sent', sent_at = ? WHERE id = ?",
                    [(ts, i.id) for i in batch],
                )
        claim = samples.summary()
        return {
            "waiting": backlog,
            "claim": claim,
            "claims_to_drain": -(-backlog // OUTBOX_BATCH),
        }
