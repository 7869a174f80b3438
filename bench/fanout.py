"""Delivery at scale: the reminder minute (every group's evening reminder and accountability
nudges, due in the same minute) from its due rows to the platform.

    python -m bench.fanout due|core|slack|discord --db FILE [--groups N]

Each figure runs in a process of its own (bench.run starts them) on a fresh copy of the
population, which it changes: everything due before the minute is marked done, as the
earlier ticks would have left it, and only the chosen groups' rows of the minute stay due.

- due: claim + build + queue the minute's rows as run_due does (no delivery), with the time
  spent inside SQLite (each call on the writer's sqlite3 connection, timed) beside the rest.
- core: `Core.run_due` at the minute, delivering to a Messenger that answers after 100 ms
  (asyncio.sleep; no limit on its side): the wall time beside messages × 100 ms.
- slack: the first N groups (1,000 by default) made Slack chapters, 50 to a workspace as a
  host's installs would hold them, run by the bot `rapport slack --http` builds (`assemble`:
  its SlackMessenger, Web API client, pacing and rate limits) against a fake Web API
  answering after 100 ms, taking one post a second per channel, and refusing a workspace
  that bursts past 50 posts a second with 429 + Retry-After: the time until the last
  message is taken, beside the platform's own floor (and the 64-in-flight floor), and the
  peak RSS.
- discord: 100 groups through the DiscordMessenger and the client `rapport discord` runs
  (discord.py, with Rapport's pace of the global limit), against the tests' Discord double
  answering after 100 ms and holding the bot to 50 requests a second (429 global): requests
  a second taken, beside that ceiling, and how many were answered 429.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import BenchResolver, FixedClock, RunningClock
from bench.population import SLACK_GROUPS, moments
from bench.rss import memory
from bot.config import PrivacySettings, Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.service import DUE_BATCH, STALE_RUNNING_SECONDS, Core
from storage.sqlite import SqliteRepository

LATENCY = 0.1  # seconds a platform takes to answer
GROUPS_PER_WORKSPACE = 50  # Slack chapters to a workspace in the Slack figure


def prepare(db: Path, minute: int, first: int, last: int) -> int:
    """Leave due, at `minute`, only groups first..last's rows; returns how many."""
    conn = sqlite3.connect(db)
    try:
        conn.execute(
            "UPDATE due_work SET state = 'done' WHERE state = 'pending' AND due_at < ?", (minute,)
        )
        conn.execute(
            "UPDATE due_work SET state = 'done' WHERE state = 'pending' AND due_at = ?"
            " AND group_id NOT BETWEEN ? AND ?",
            (minute, first, last),
        )
        conn.commit()
        (n,) = conn.execute(
            "SELECT COUNT(*) FROM due_work WHERE state = 'pending' AND due_at <= ?", (minute,)
        ).fetchone()
    finally:
        conn.close()
    return int(n)


def spread_over_workspaces(db: Path, first: int, last: int, per: int) -> dict[str, str]:
    """Make groups first..last Slack chapters, `per` to a workspace; returns the workspace of
    every channel and member id (what each workspace's own token tells Slack)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute(
            "UPDATE groups SET platform = 'slack', workspace = printf('T%05d', (id - 1) / ?)"
            " WHERE id BETWEEN ? AND ?",
            (per, first, last),
        )
        conn.execute(
            "UPDATE members SET platform = 'slack',"
            " workspace = (SELECT g.workspace FROM groups AS g WHERE g.id = members.group_id)"
            " WHERE group_id BETWEEN ? AND ?",
            (first, last),
        )
        conn.commit()
        where = dict(
            conn.execute(
                "SELECT channel_id, workspace FROM groups WHERE id BETWEEN ? AND ?"
                " UNION ALL SELECT user_id, workspace FROM members WHERE group_id BETWEEN ? AND ?",
                (first, last, first, last),
            ).fetchall()
        )
    finally:
        conn.close()
    return where


def settings() -> Settings:
    return Settings(privacy=PrivacySettings(files_dir=tempfile.mkdtemp(prefix="rapport-bench-")))


@dataclass
class SlowMessenger:
    """A platform that takes every message after LATENCY seconds, any number at once."""

    taken: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    kinds: Counter[str] = field(default_factory=Counter)

    async def _take(self, message: OutMessage) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(LATENCY)
        finally:
            self.in_flight -= 1
        self.taken += 1
        self.kinds[message.kind] += 1

    async def send_dm(self, user: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        await self._take(message)

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        await self._take(message)


class TimedSql:
    """The writer's sqlite3 connection, with the time spent in each of its calls added up
    (about a microsecond of its own a call): how much of the minute is SQLite's."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.seconds = 0.0
        self.statements = 0

    def _timed(self, call: Any, *args: Any) -> Any:
        t = time.perf_counter()
        try:
            return call(*args)
        finally:
            self.seconds += time.perf_counter() - t

    def execute(self, sql: str, args: Any = ()) -> Any:
        self.statements += 1
        return _TimedCursor(self, self._timed(self._conn.execute, sql, args))

    def executemany(self, sql: str, args: Any) -> Any:
        self.statements += 1
        return self._timed(self._conn.executemany, sql, args)

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction


@dataclass
class _TimedCursor:
    sql: TimedSql
    cur: sqlite3.Cursor

    @property
    def lastrowid(self) -> int | None:
        return self.cur.lastrowid

    @property
    def rowcount(self) -> int:
        return self.cur.rowcount

    def fetchone(self) -> Any:
        return self.sql._timed(self.cur.fetchone)

    def fetchall(self) -> Any:
        return self.sql._timed(self.cur.fetchall)


async def due(db: Path, groups: int) -> dict[str, Any]:
    m = moments()
    rows = prepare(db, m.reminders, 1, groups)
    repo = await SqliteRepository.open(str(db))
    assert repo._here is not None
    timed = TimedSql(repo._here._db._conn)  # type: ignore[attr-defined]
    repo._here._db._conn = timed  # type: ignore[attr-defined]
    try:
        core = Core(repo, SlowMessenger(), FixedClock(m.reminders), BenchResolver(), settings())
        now, ts = core.clock.now(), m.reminders
        t0, c0 = time.perf_counter(), time.process_time()
        claimed = 0
        while True:
            items = await repo.atomic(
                lambda tx: tx.due.claim(ts, DUE_BATCH, ts - STALE_RUNNING_SECONDS)
            )
            claimed += len(items)
            await core._run_batch(items, now)
            if len(items) < DUE_BATCH:
                break
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        queued = await _count(repo, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
    finally:
        await repo.close()
    return {
        "groups": groups,
        "rows": rows,
        "claimed": claimed,
        "queued": queued,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "sql_s": round(timed.seconds, 2),
        "sql_statements": timed.statements,
    }


async def core(db: Path, groups: int) -> dict[str, Any]:
    m = moments()
    rows = prepare(db, m.reminders, 1, groups)
    repo = await SqliteRepository.open(str(db))
    messenger = SlowMessenger()
    try:
        bot = Core(repo, messenger, FixedClock(m.reminders), BenchResolver(), settings())
        t0 = time.perf_counter()
        delivered = await bot.run_due(bot.clock.now())
        wall = time.perf_counter() - t0
        left = await _count(repo, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'")
    finally:
        await repo.close()
    serial = messenger.taken * LATENCY
    return {
        "groups": groups,
        "rows": rows,
        "messages": messenger.taken,
        "delivered": delivered,
        "not_sent": left,
        "wall_s": round(wall, 1),
        "one_at_a_time_s": round(serial, 1),
        "ratio": round(wall / serial, 4) if serial else None,
        "most_in_flight": messenger.most_in_flight,
        "concurrency": bot.settings.delivery.concurrency,
    }


async def slack(db: Path, groups: int) -> dict[str, Any]:
    from adapters.slack.app import assemble
    from bench.fakeslack import Limits, RemoteSlackApi
    from bench.slack import SECRET, TOKEN

    m = moments()
    rows = prepare(db, m.reminders, 1, groups)
    where = spread_over_workspaces(db, 1, groups, GROUPS_PER_WORKSPACE)
    limits = Limits(latency=LATENCY)
    fake = RemoteSlackApi(limits, where)  # Slack's servers do not use the bot's CPU
    await fake.start()
    bot = await assemble(
        settings(),
        token=TOKEN,
        signing_secret=SECRET,
        clock=RunningClock(m.reminders),
        database=str(db),
        api_url=fake.base_url,
    )
    try:
        t0 = time.monotonic()
        delivered = await bot.core.run_due(bot.core.clock.now())
        seen = await fake.stats()
        last = seen["last_posted"] - t0
        lanes, workspaces = await _lanes(bot.app.repo)
        left = await _count(bot.app.repo, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'")
        concurrency = bot.core.settings.delivery.concurrency
    finally:
        await bot.close()
        await fake.close()
    total = sum(lanes.values())
    channel_floor = (max(lanes.values()) - 1) * limits.channel_interval if lanes else 0.0
    workspace_floor = max(
        (
            max(0.0, (n - limits.workspace_burst) / limits.workspace_rate)
            for n in workspaces.values()
        ),
        default=0.0,
    )
    floor = max(channel_floor, workspace_floor) + limits.latency
    in_flight_floor = total * limits.latency / concurrency
    return {
        "groups": groups,
        "workspaces": len(workspaces),
        "rows": rows,
        "messages": seen["posted"],
        "delivered": delivered,
        "not_sent": left,
        "last_taken_s": round(last, 1),
        "floor_s": round(floor, 1),
        "floor_by": {"channel": round(channel_floor, 1), "workspace": round(workspace_floor, 1)},
        "ratio_to_floor": round(last / floor, 2) if floor else None,
        "concurrency": concurrency,
        "in_flight_floor_s": round(in_flight_floor, 1),
        "ratio_to_in_flight_floor": round(last / in_flight_floor, 2) if in_flight_floor else None,
        "refused_429": seen["refused"],
        "web_api_calls": seen["calls"],
        "peak_rss_mb": memory()["VmHWM"],
    }


@dataclass
class AsDiscord:
    """The population's members and channels as Discord's (snowflakes), for the messenger."""

    inner: Any
    guild: str = "900000000000000100"

    @staticmethod
    def _snowflake(base: int, ident: str) -> str:
        return str(base + int(ident[1:]))

    async def send_dm(self, user: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        uid = self._snowflake(900000000000000000, user.user_id)
        await self.inner.send_dm(
            UserRef("discord", self.guild, uid, user.display_name), message, key=key
        )

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        cid = self._snowflake(800000000000000000, channel.channel_id or "C0")
        await self.inner.post(
            ChannelRef("discord", self.guild, cid, channel.name), message, key=key
        )


async def discord(db: Path, groups: int) -> dict[str, Any]:
    import aiohttp

    from adapters.discord.client import DiscordConfig
    from adapters.discord.messenger import DiscordMessenger
    from adapters.discord.shards import make_client
    from bench.fakediscord import GLOBAL_PER_SECOND, BenchDiscord
    from tests.discord_adapter.fake_discord import BASE, TOKEN

    m = moments()
    first = SLACK_GROUPS + 1
    rows = prepare(db, m.reminders, first, first + groups - 1)
    api = BenchDiscord(latency=LATENCY)
    aiohttp.ClientSession = api.session  # type: ignore[misc,assignment]  # discord.py's seam
    # the client `rapport discord` runs (its pace of Discord's global limit included)
    client = make_client(DiscordConfig(token=TOKEN, api_url=BASE))
    await client.login(TOKEN)
    repo = await SqliteRepository.open(str(db))
    messenger = AsDiscord(DiscordMessenger(client))
    try:
        bot = Core(repo, messenger, FixedClock(m.reminders), BenchResolver(), settings())
        api.requests = 0
        api.first = api.last = 0.0
        t0 = time.monotonic()
        delivered = await bot.run_due(bot.clock.now())
        wall = time.monotonic() - t0
        left = await _count(repo, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'")
    finally:
        await repo.close()
        await client.close()
    span = api.last - api.first
    per_second = api.requests / span if span > 0 else float("nan")
    return {
        "groups": groups,
        "rows": rows,
        "delivered": delivered,
        "not_sent": left,
        "requests": api.requests,
        "refused_429": api.limited,
        "refused_429_by_route": api.route_limited,
        "wall_s": round(wall, 1),
        "requests_per_s": round(per_second, 1),
        "ceiling_per_s": GLOBAL_PER_SECOND,
        "ratio_to_ceiling": round(per_second / GLOBAL_PER_SECOND, 2),
        "messages_per_s": round(delivered / wall, 1) if wall else None,
    }


async def _count(repo: SqliteRepository, sql: str) -> int:
    async with repo.transaction() as tx:
        row = await tx._one(sql)
    return int(row[0]) if row else 0


async def _lanes(repo: SqliteRepository) -> tuple[Counter[str], Counter[str]]:
    """Messages of the minute sent to Slack, by conversation and by workspace."""
    async with repo.transaction() as tx:
        rows = await tx._all(
            "SELECT target FROM outbox WHERE next_attempt_at >= ? AND target LIKE '%slack%'",
            (moments().reminders,),
        )
    lanes: Counter[str] = Counter()
    workspaces: Counter[str] = Counter()
    for (target,) in rows:
        kind, (_, workspace, ident, _name) = next(iter(json.loads(target).items()))
        lanes[f"{kind}:{ident}"] += 1
        workspaces[workspace] += 1
    return lanes, workspaces


FIGURES = {"due": due, "core": core, "slack": slack, "discord": discord}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("figure", choices=sorted(FIGURES))
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--groups", type=int, default=1000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    print(json.dumps(asyncio.run(FIGURES[args.figure](args.db, args.groups))))


if __name__ == "__main__":
    main()
