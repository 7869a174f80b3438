"""The core at full scale: /referral per second beside raw aiosqlite insert-and-commit per
second, and the latency of /referral, /referrals, /rapport stats and the leaderboard.

Every command goes through `Core.handle` (parse, mentions, rules in one transaction, the
request key remembered), and a rate counts until the outbox's dispatcher has delivered what
the commands queued to a Messenger that only counts; on the population file, through the
real repository.
"""

from __future__ import annotations

import asyncio
import itertools
import re
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
_REQUEST_KEY = re.compile(r"bench-[0-9a-f]+-[0-9]+")


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
        self._trace: list[str] = []

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
    async def _round(self, n: int, in_flight: int, latency: Samples | None) -> tuple[float, int]:
        """`n` /referrals with `in_flight` members typing at once, until every message they
        queued has been delivered too; returns (commands per second, refusals)."""
        left, refused = [n], [0]

        async def member() -> None:
            while left[0] > 0:
                left[0] -= 1
                replies = await self.referral(latency)
                if not replies or replies[0].kind not in ("referral.logged", "lead.logged"):
                    refused[0] += 1

        started = time.perf_counter()
        await asyncio.gather(*(member() for _ in range(in_flight)))
        await self.core.settle()  # the receivers' DMs and the channel posts are part of it
        return n / (time.perf_counter() - started), refused[0]

    async def throughput(
        self, raw_db: Path, rounds: int, per_round: int, raw_per_round: int, crowd: int
    ) -> dict[str, Any]:
        """Rounds of: the reference, /referral one at a time, /referral with `crowd` in
        flight. Each ratio is the median of its rounds' ratios (a shared machine drifts
        between rounds, less within one)."""
        raw = RawInserts(raw_db)
        await raw.open()
        latency = Samples()
        rates: dict[str, list[float]] = {"raw": [], "one": [], "crowd": []}
        before = await self.count("SELECT COUNT(*) FROM referrals")
        delivered_before = self.messenger.delivered
        refusals = 0
        try:
            await self._round(10, 1, None)  # warm both paths
            await raw.run(200)
            for r in range(rounds):
                rates["raw"].append(await raw.run(raw_per_round))
                rate, refused = await self._round(per_round, 1, latency)
                rates["one"].append(rate)
                rate, refused_too = await self._round(per_round, crowd, None)
                rates["crowd"].append(rate)
                refusals += refused + refused_too
                self.say(
                    f"  round {r + 1}/{rounds}: /referral {rates['one'][-1]:.0f}/s one at a"
                    f" time, {rates['crowd'][-1]:.0f}/s with {crowd} in flight; raw insert+commit"
                    f" {rates['raw'][-1]:.0f}/s"
                )
        finally:
            await raw.close()
        stored = await self.count("SELECT COUNT(*) FROM referrals") - before

        def ratio(key: str) -> float:
            return round(_median([c / r for c, r in zip(rates[key], rates["raw"], strict=True)]), 3)

        return {
            "referral_per_s": round(_median(rates["one"]), 1),
            "crowd_per_s": round(_median(rates["crowd"]), 1),
            "crowd": crowd,
            "raw_insert_commit_per_s": round(_median(rates["raw"]), 1),
            "ratio": ratio("one"),
            "crowd_ratio": ratio("crowd"),
            "rounds": rates,
            "commands": rounds * per_round * 2 + 10,
            "stored": stored,
            "refused": refusals,
            "delivered": self.messenger.delivered - delivered_before,
            "latency": latency.summary(),
        }

    async def statements_per_referral(self, n: int = 50) -> dict[str, Any]:
        """What one /referral costs SQLite, counted by its trace hook: the command's own
        transaction and its share of the dispatcher's (claiming and marking its messages).
        Each transaction is one hop to aiosqlite's thread. The statements are kept for
        `sql_alone`."""
        seen: list[str] = []
        await self.repo._db.set_trace_callback(seen.append)
        try:
            for _ in range(n):
                await self.referral()
                await self.core.settle()
        finally:
            await self.repo._db.set_trace_callback(None)
        self._trace = seen
        begins = sum(1 for s in seen if s.lstrip().upper().startswith("BEGIN"))
        return {"statements": round(len(seen) / n, 1), "transactions": round(begins / n, 1)}

    async def sql_alone(self, rounds: int) -> dict[str, Any]:
        """The ceiling: the statements `statements_per_referral` traced, replayed through a
        plain sqlite3 connection on the same file (no bot code, no thread, no await), with
        fresh request keys. Rows it adds are marked sent, so nothing is delivered later."""
        assert self._trace, "run statements_per_referral first"
        n = sum(1 for s in self._trace if s.lstrip().upper().startswith("INSERT INTO REFERRALS"))
        conn = sqlite3.connect(str(self.db), isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA synchronous = NORMAL")
            top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()[0]
            rates = []
            for r in range(rounds):
                replay = [_REQUEST_KEY.sub(f"sql-alone-{_RUN}-{r}-\\g<0>", s) for s in self._trace]
                started = time.perf_counter()
                for statement in replay:
                    conn.execute(statement).fetchall()
                rates.append(n / (time.perf_counter() - started))
            conn.execute("UPDATE outbox SET state = 'sent' WHERE id > ?", (top,))
        finally:
            conn.close()
        return {"referral_sql_per_s": round(_median(rates), 1), "rounds": rates, "referrals": n}

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
