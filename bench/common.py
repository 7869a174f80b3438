"""What every benchmark shares: the core's ports as no-ops (a fixed clock, a Messenger that
only counts, a resolver for the synthetic users), timing samples, and who to act as."""

from __future__ import annotations

import itertools
import random
import re
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.work import Context


class RunningClock:
    """Starts at `ts` and runs on with real time, as a deployed bot's clock does (messages
    handed back until a rate limit's pause ends fall due by it)."""

    def __init__(self, ts: int) -> None:
        self.start = datetime.fromtimestamp(ts, UTC)
        self.t0 = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.t0)


class FixedClock:
    def __init__(self, ts: int) -> None:
        self.at = datetime.fromtimestamp(ts, UTC)

    def now(self) -> datetime:
        return self.at

    def set(self, ts: int) -> None:
        self.at = datetime.fromtimestamp(ts, UTC)


@dataclass
class CountingMessenger:
    """The platform takes every message at once; only the count is kept."""

    dms: int = 0
    posts: int = 0

    @property
    def delivered(self) -> int:
        return self.dms + self.posts

    async def send_dm(self, user: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        self.dms += 1

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        self.posts += 1


class BenchResolver:
    """`@U00001234` is member 1234 of the synthetic population (the "bench" platform)."""

    MENTION = re.compile(r"@U(\d{8})")

    async def resolve(self, raw: str, workspace: str) -> UserRef | None:
        m = self.MENTION.fullmatch(raw.strip())
        if m is None:
            return None
        n = int(m.group(1))
        return UserRef("bench", workspace, f"U{n:08d}", f"Member {n}")


@dataclass
class Samples:
    """Durations in nanoseconds, from time.perf_counter_ns."""

    ns: list[int] = field(default_factory=list)

    def add(self, ns: int) -> None:
        self.ns.append(ns)

    def pct(self, p: float) -> float:
        """The p-th percentile in milliseconds (nearest rank)."""
        if not self.ns:
            return float("nan")
        s = sorted(self.ns)
        k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
        return s[k] / 1e6

    def summary(self) -> dict[str, float]:
        n = len(self.ns)
        return {
            "n": n,
            "p50_ms": round(self.pct(50), 3),
            "p99_ms": round(self.pct(99), 3),
            "max_ms": round(max(self.ns) / 1e6, 3) if n else float("nan"),
            "mean_ms": round(sum(self.ns) / n / 1e6, 3) if n else float("nan"),
        }


@dataclass(frozen=True)
class Person:
    member_id: int
    group_id: int
    platform: str
    workspace: str
    channel_id: str
    channel_name: str

    @property
    def user_id(self) -> str:
        return f"U{self.member_id:08d}"

    @property
    def name(self) -> str:
        return f"Member {self.member_id}"

    def user(self) -> UserRef:
        return UserRef(self.platform, self.workspace, self.user_id, self.name)

    def context(self, request_key: str | None = None) -> Context:
        channel = ChannelRef(self.platform, self.workspace, self.channel_id, self.channel_name)
        return Context(self.user(), channel, request_key)


class People:
    """Active members to act as, weighted by how much they give (the busiest members use the
    bot the most), and their groups' other active members (whom they pass referrals to)."""

    def __init__(self, db: Path, platform: str, seed: int) -> None:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            given = dict(
                conn.execute(
                    "SELECT r.giver_id, COUNT(*) FROM groups g"
                    " JOIN referrals r INDEXED BY referrals_group_time ON r.group_id = g.id"
                    " WHERE g.platform = ? GROUP BY r.giver_id",
                    (platform,),
                ).fetchall()
            )
            rows = conn.execute(
                "SELECT m.id, m.group_id, g.platform, g.workspace, g.channel_id, g.channel_name"
                " FROM members m JOIN groups g ON g.id = m.group_id"
                " WHERE m.active = 1 AND g.platform = ?",
                (platform,),
            ).fetchall()
        finally:
            conn.close()
        self.rnd = random.Random(seed)
        self.everyone = [Person(*r) for r in rows]
        self.cum_weights = list(
            itertools.accumulate(given.get(p.member_id, 0) + 1 for p in self.everyone)
        )
        self.by_group: dict[int, list[Person]] = {}
        for p in self.everyone:
            self.by_group.setdefault(p.group_id, []).append(p)

    def actor(self) -> Person:
        return self.rnd.choices(self.everyone, cum_weights=self.cum_weights)[0]

    def other(self, p: Person) -> Person:
        mates = self.by_group[p.group_id]
        while True:
            q = self.rnd.choice(mates)
            if q.member_id != p.member_id:
                return q
