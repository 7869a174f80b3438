"""The core at full scale: /referral per second beside raw aiosqlite insert-and-commit per
second, and the latency of /referral, /referrals, /rapport stats and the leaderboard.

Every command goes through `Core.handle` (parse, mentions, rules in one transaction, the
request key remembered, then the outbox delivered to a Messenger that only counts), on the
population file, through the real repository.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiosqlite

from bench.common import BenchResolver, CountingMessenger, FixedClock, People, Person, Samples
from bot.config import Settings
from bot.service import Core
from storage.sqlite import SqliteRepository, _set_wal

_keys = itertools.count(1)
_RUN = f"{time.time_ns():x}"  # request keys stay unique across runs on one file


def referral_line(rnd, giver: Person, receiver: Person, n: int, mention: str) -> str:
    heat = rnd.choice((2, 3, 3, 4, 5))
    return (
        f"/referral {mention} Jane Roe {n} jane.roe{n}@example.org +27 82 555 {n % 10000:04d}"
        f" -- needs a new roof before winter heat:{heat}"
    )


class CoreBench:
    def __init__(self, db: Path, now: int, settings: Settings, say=print) -> None:
        self.db = db
        self.now = now
        self.settings = settings
        self.say = say

    async def open(self) -> None:
        self.repo = await SqliteRepository.open(str(self.db))
        self.messenger = CountingMessenger()
        self.clock = FixedClock(self.now)
        self.core = Core(self.repo, self.messenger, self.clock, BenchResolver(), self.settings)
        self.people = People(self.db, "bench", seed=7)

    async def close(self) -> None:
        await self.repo.close()

    async def referral(self, samples: Samples | None = None) -> list[Any]:
        giver = self.people.actor()
        receiver = self.people.other(giver)
        n = next(_keys)
        line = referral_line(self.people.rnd, giver, receiver, n, f"@{receiver.user_id}")
        ctx = giver.context(request_key=f"bench-{_RUN}-{n}")
        t0 = time.perf_counter_ns()
        replies = await self.core.handle(ctx, line)
        if samples is not None:
            samples.add(time.perf_counter_ns() - t0)
        return replies

    async def command(self, line: str, samples: Samples) -> list[Any]:
        who = self.people.actor()
        t0 = time.perf_counter_ns()
        replies = await self.core.handle(who.context(), line)
        samples.add(time.perf_counter_ns() - t0)
        return replies

    async def count(self, sql: str) -> int:
        async with self.repo.transaction():
            cur = await self.repo._db.execute(sql)
            row = await cur.fetchone()
        return int(row[0])

    # --- /referral per second beside raw insert-and-commit ----------------------------------
    async def throughput(
        self, raw_db: Path, rounds: int, per_round: int, raw_per_round: int
    ) -> dict[str, Any]:
        raw = RawInserts(raw_db)
        await raw.open()
        latency = Samples()
        core_rates, raw_rates = [], []
        before = await self.count("SELECT COUNT(*) FROM referrals")
        delivered_before = self.messenger.delivered
        refusals = 0
        try:
            for _ in range(10):  # warm both paths
                await self.referral()
            await raw.run(200)
            for r in range(rounds):
                raw_rates.append(await raw.run(raw_per_round))
                started = time.perf_counter()
                for _ in range(per_round):
                    replies = await self.referral(latency)
                    if not replies or replies[0].kind not in ("referral.logged", "lead.logged"):
                        refusals += 1
                core_rates.append(per_round / (time.perf_counter() - started))
                self.say(
                    f"  round {r + 1}/{rounds}: /referral {core_rates[-1]:.0f}/s,"
                    f" raw insert+commit {raw_rates[-1]:.0f}/s"
                )
        finally:
            await raw.close()
        stored = await self.count("SELECT COUNT(*) FROM referrals") - before
        commands = rounds * per_round + 10
        core_rate, raw_rate = _median(core_rates), _median(raw_rates)
        # each round's two rates were taken a moment apart: the ratio is the median of the
        # rounds' ratios, which a shared machine's drift between rounds does not move
        ratio = _median([c / r for c, r in zip(core_rates, raw_rates, strict=True)])
        return {
            "referral_per_s": round(core_rate, 1),
            "raw_insert_commit_per_s": round(raw_rate, 1),
            "ratio": round(ratio, 3),
            "rounds": {"referral_per_s": core_rates, "raw_per_s": raw_rates},
            "commands": commands,
            "stored": stored,
            "refused": refusals,
            "delivered": self.messenger.delivered - delivered_before,
            "latency": latency.summary(),
        }

    async def statements_per_referral(self, n: int = 50) -> dict[str, float]:
        """How many SQL statements (and transactions) one /referral costs, counted by SQLite's
        trace hook; each is one hop to aiosqlite's thread."""
        seen: list[str] = []
        await self.repo._db.set_trace_callback(seen.append)
        try:
            for _ in range(n):
                await self.referral()
        finally:
            await self.repo._db.set_trace_callback(None)
        begins = sum(1 for s in seen if s.lstrip().upper().startswith("BEGIN"))
        return {"statements": round(len(seen) / n, 1), "transactions": round(begins / n, 1)}

    async def checkpoint_diagnostic(self, n: int) -> dict[str, Any]:
        """What sets /referral's p99: the same commands with SQLite's WAL auto-checkpoint
        (every 1,000 WAL pages, run inside the COMMIT that crosses it) turned off, and how
        many pages one /referral adds to the WAL. A diagnostic, not the product's setting:
        the setting is restored and the WAL checkpointed afterwards."""
        db = self.repo._db
        await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await db.execute("PRAGMA wal_autocheckpoint = 0")
        samples = Samples()
        try:
            for _ in range(n):
                await self.referral(samples)
            cur = await db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # (busy, pages, copied)
            row = tuple(await cur.fetchone())
        finally:
            await db.execute("PRAGMA wal_autocheckpoint = 1000")
            await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        frames = row[1] / n if row and row[1] > 0 else float("nan")
        return {
            "latency_without_autocheckpoint": samples.summary(),
            "wal_pages_per_referral": round(frames, 1),
            "referrals_per_autocheckpoint": round(1000 / frames, 1) if frames == frames else None,
        }

    # --- latency of the reading commands ----------------------------------------------------
    async def latencies(self, n: int) -> dict[str, Any]:
        ops = {
            "/referrals": "/referrals",
            "/rapport stats": "/rapport stats",
            "leaderboard week": "/rapport leaderboard week",
            "leaderboard month": "/rapport leaderboard month",
            "leaderboard quarter": "/rapport leaderboard quarter",
        }
        samples = {k: Samples() for k in ops}
        plan = [k for k in ops for _ in range(n if not k.startswith("leaderboard") else n // 3)]
        self.people.rnd.shuffle(plan)
        for k in list(ops)[:5]:  # warm
            await self.command(ops[k], Samples())
        bad = 0
        for k in plan:
            replies = await self.command(ops[k], samples[k])
            if not replies or replies[0].kind.startswith("error"):
                bad += 1
        board = Samples([ns for k in ops if k.startswith("leaderboard") for ns in samples[k].ns])
        out = {k: s.summary() for k, s in samples.items()}
        out["leaderboard"] = board.summary()
        out["failed"] = bad
        return out


class RawInserts:
    """The reference: one row inserted and committed per await pair, on a throwaway table in
    its own file, with the repository's PRAGMAs (WAL, synchronous=NORMAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def open(self) -> None:
        for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            p.unlink(missing_ok=True)
        self.conn = await aiosqlite.connect(str(self.path))
        await self.conn.execute("PRAGMA busy_timeout = 10000")
        await _set_wal(self.conn)
        await self.conn.execute("PRAGMA synchronous = NORMAL")
        await self.conn.execute("PRAGMA foreign_keys = ON")
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, a INTEGER NOT NULL,"
            " b TEXT NOT NULL, c INTEGER NOT NULL)"
        )
        await self.conn.commit()
        self.n = 0

    async def run(self, rows: int) -> float:
        started = time.perf_counter()
        for _ in range(rows):
            self.n += 1
            await self.conn.execute(
                "INSERT INTO t (a, b, c) VALUES (?, ?, ?)", (self.n, f"row {self.n}", self.n * 7)
            )
            await self.conn.commit()
        return rows / (time.perf_counter() - started)

    async def close(self) -> None:
        await self.conn.close()
        for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            p.unlink(missing_ok=True)


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def sqlite_version() -> str:
    return sqlite3.sqlite_version
